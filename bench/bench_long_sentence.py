"""Cost of one huge sentence: ``civicwatch.extract`` on 10,000 words without a full stop, per language.

usage: python bench/bench_long_sentence.py [TRAIN_DIR] [--words 10000] [--language {en,ru}]
                                           [--shape SHAPE ...] [--no-scaling]

A broken page (a table flattened into text, a list of names, a transcript without stops) reaches the
extractor as one sentence of thousands of words; its cost must grow at most linearly with its length.
``civicwatch.extract.sentences`` reads such broken text (a "sentence" over ``BROKEN_CHARS``) in pieces
and only its first ``BROKEN_BUDGET_CHARS`` per article; what every word still costs is the article-wide
work (names, places, labels). Each (language, shape) runs in a fresh process of its own, so that its peak
memory is its own:

- ``news``: the words of the language's training articles (TRAIN_DIR, default ../shared/eval/train,
  read at run time), in order and repeated as needed, with every sentence stop taken out; commas,
  quotes and brackets stay. Civic-space news: nearly every stretch holds a trigger word, so nearly
  every piece within the budget is parsed and read (the costliest realistic case);
- ``bare``: the same words without any punctuation;
- ``names``: made-up capitalised words in long runs, acronyms in brackets, quotes, Latin and Cyrillic
  mixed (the shape that made a regular expression quadratic);
- ``dense``: made up from the lexicon's own words: trigger words, state bodies, pronouns and names (300
  made-up ones, again and again) in every few words, so that every piece read is parsed and has
  candidates (the worst case).

The process loads the extractor and reads a 2,000-word sentence of the same shape first, so that
what is loaded once per process is not counted (what every new word costs is). Then it prints the
time of one 10,000-word sentence (CPU time of the process, and wall time), its events, the peak
resident memory of the process (models included) and its growth over the warmed-up extractor; then,
unless ``--no-scaling``, the CPU time of other sentences of a quarter, half and twice the length and
the growth exponent between a quarter and twice (1.0: linear, 2.0: quadratic). Goal: under 2 s and
500 MB in each language. CPU time is the figure to compare: on a shared machine wall time also counts
the other processes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

GOAL_SECONDS = 2.0
GOAL_MEMORY_MIB = 500.0
LANGUAGES = ("en", "ru")
SHAPES = ("news", "bare", "names", "dense")
SYNTHETIC = ("names", "dense")  # made here, without the shared corpus
RESULT_PREFIX = "RESULT "
DEFAULT_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "eval" / "train"

_STOPS = re.compile(r"[.!?…]+(?=[\"”’»)\]]*(?:\s|$))")
_PUNCTUATION = re.compile(r"[^\w\s]+")
_LATIN = "abcdefghiklmnoprstuvy"
_DENSE_NAMES = 300  # made-up name words in a dense sentence
_CYRILLIC = "абвгдежзиклмнопрстуфхя"


def corpus_words(train_dir: Path, language: str) -> list[str]:
    """The words of the training articles of one language (by their gold file's ``language``), in order."""
    words: list[str] = []
    for path in sorted(train_dir.glob("*.txt")):
        gold = path.with_name(path.name[: -len(".txt")] + ".gold.json")
        if gold.is_file() and json.loads(gold.read_text(encoding="utf-8")).get("language") == language:
            words += _STOPS.sub("", path.read_text(encoding="utf-8")).split()
    return words


def _made_up(rng: random.Random, letters: str, capital: bool = True) -> str:
    word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
    return word.capitalize() if capital else word


def _names(rng: random.Random, n: int) -> list[str]:
    words: list[str] = []
    while len(words) < n:
        letters = _CYRILLIC if rng.random() < 0.4 else _LATIN
        length = rng.randint(500, 3000) if rng.random() < 0.03 else rng.randint(1, 40)  # now and then a long run
        run = [_made_up(rng, letters) for _ in range(length)]
        roll = rng.random()
        if roll < 0.2:
            run.append("(" + "".join(w[0] for w in run[-4:]).upper() + ")")
        elif roll < 0.4:
            run[0], run[-1] = "«" + run[0], run[-1] + "»"
        elif roll < 0.5:
            run[0], run[-1] = '"' + run[0], run[-1] + '"'
        elif roll < 0.6:
            run[0], run[-1] = "[" + run[0], run[-1] + "]"
        words += run + [_made_up(rng, letters, capital=False)]
    return words[:n]


def _dense(rng: random.Random, language: str, n: int) -> list[str]:
    from civicwatch.lexicons import load_lexicon

    lexicon = load_lexicon(language)
    triggers = sorted({lemma for lemma, _ in lexicon.triggers if " " not in lemma})
    nouns = sorted(lexicon.words["state_bodies"] | lexicon.words["descriptions"] | lexicon.words["courts"])
    pronouns = sorted(lexicon.words["person_pronouns"] | lexicon.words["org_pronouns"])
    letters = _CYRILLIC if language == "ru" else _LATIN
    names = [_made_up(rng, letters) for _ in range(_DENSE_NAMES)]  # a long text names the same ones again
    pools = [triggers, nouns, pronouns]
    words: list[str] = []
    while len(words) < n:
        roll = rng.random()
        if roll < 0.3:
            words += [rng.choice(names) for _ in range(rng.randint(1, 3))]
        else:
            words.append(rng.choice(pools[int(roll * 10) % 3]))
        if rng.random() < 0.05:
            words[-1] += ","
    return words[:n]


def sentence(language: str, shape: str, n_words: int, seed: int = 0, train_dir: Path | None = None) -> str:
    """One sentence of ``n_words`` words of the given shape, ending in its only full stop."""
    rng = random.Random(f"{language}-{shape}-{seed}")
    if shape in ("news", "bare"):
        words = corpus_words(train_dir or DEFAULT_TRAIN, language)
        if not words:
            raise FileNotFoundError(f"no {language} training articles in {train_dir or DEFAULT_TRAIN}")
        if shape == "bare":
            words = [w for w in (_PUNCTUATION.sub("", w) for w in words) if w]
        start = seed * 3001 % len(words)  # another seed, another stretch of the articles
        words = (words[start:] + words * (n_words // len(words) + 1))[:n_words]
    elif shape == "names":
        words = _names(rng, n_words)
    elif shape == "dense":
        words = _dense(rng, language, n_words)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return " ".join(words) + "."


def peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(language: str, shape: str, n_words: int, train_dir: Path, scaling: bool) -> dict:
    """One (language, shape) in this process: the n-word sentence first (its peak memory), then the scaling."""
    from single_thread import pin_to_one_cpu  # one thread per process, set on import, before numpy loads

    pinning = pin_to_one_cpu()
    from civicwatch import extract
    from civicwatch.extract.extractor import get_extractor

    get_extractor(language)

    def run(n: int, seed: int) -> tuple[float, float, int]:
        text = sentence(language, shape, n, seed, train_dir)
        wall, cpu = time.perf_counter(), time.process_time()
        events = extract(text, language=language)
        return time.process_time() - cpu, time.perf_counter() - wall, len(events)

    # warm up on another sentence of the shape: what is loaded once per process is not counted,
    # what each new word costs (its lexeme, lemma, morphology) is
    run(min(n_words, 2000), seed=1)
    loaded = peak_mib()
    cpu, wall, events = run(n_words, seed=0)
    result = {
        "language": language,
        "shape": shape,
        "words": n_words,
        "cpu_s": cpu,
        "wall_s": wall,
        "events": events,
        "loaded_mib": loaded,
        "peak_mib": peak_mib(),
        "cpu": pinning,
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    if scaling:  # other sentences of the shape, so that no word of them has been seen before
        sizes = {n_words // 4: run(n_words // 4, 2)[0], n_words // 2: run(n_words // 2, 3)[0], n_words: cpu}
        sizes[n_words * 2] = run(n_words * 2, 4)[0]
        result["scaling"] = {str(n): t for n, t in sizes.items()}
        low, high = sizes[n_words // 4], sizes[n_words * 2]
        result["exponent"] = math.log(high / low) / math.log(8) if low > 0 and high > 0 else None
    return result


def run_in_child(args: argparse.Namespace, language: str, shape: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), str(args.train_dir), "--words", str(args.words)]
    command += ["--language", language, "--shape", shape, "--child"] + (["--no-scaling"] if not args.scaling else [])
    proc = subprocess.run(command, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
    return {"language": language, "shape": shape, "error": f"exit status {proc.returncode}: {tail}"}


def report(r: dict) -> str:
    if "error" in r:
        return f"{r['language']:<3} {r['shape']:<6} failed: {r['error']}"
    ok = r["cpu_s"] < GOAL_SECONDS and r["peak_mib"] < GOAL_MEMORY_MIB
    line = (
        f"{r['language']:<3} {r['shape']:<6} {r['words']:>6} words  {r['cpu_s']:6.2f} s CPU {r['wall_s']:6.2f} s wall  "
        f"{r['events']:>4} events  peak {r['peak_mib']:5.0f} MiB (+{r['peak_mib'] - r['loaded_mib']:.0f} over the "
        f"warmed-up extractor)  {'PASS' if ok else 'MISS'}"
    )
    if r.get("scaling"):
        times = ", ".join(f"{int(n):,} words {t:.2f} s" for n, t in r["scaling"].items())
        exponent = f"{r['exponent']:.2f}" if r.get("exponent") is not None else "?"
        line += f"\n    CPU time: {times}; growth exponent {exponent} (1 = linear, 2 = quadratic)"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train_dir", type=Path, nargs="?", default=DEFAULT_TRAIN, help="../shared/eval/train")
    parser.add_argument("--words", type=int, default=10_000, help="words in the sentence (default 10,000)")
    parser.add_argument("--language", choices=LANGUAGES, action="append", help="default: both")
    parser.add_argument("--shape", choices=SHAPES, action="append", help="default: all")
    parser.add_argument("--no-scaling", dest="scaling", action="store_false", help="time the one length only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.words < 4:
        parser.error("--words must be at least 4")
    languages, shapes = args.language or list(LANGUAGES), args.shape or list(SHAPES)
    if args.child:
        print(RESULT_PREFIX + json.dumps(measure(languages[0], shapes[0], args.words, args.train_dir, args.scaling)))
        return 0
    if not args.train_dir.is_dir():
        print(f"no training articles in {args.train_dir}: only the made-up shapes ({', '.join(SYNTHETIC)})")
        shapes = [s for s in shapes if s in SYNTHETIC]
    print(f"one sentence of {args.words:,} words, each in a fresh process; load average {os.getloadavg()[0]:.2f}")
    failed = False
    for language in languages:
        for shape in shapes:
            result = run_in_child(args, language, shape)
            failed |= "error" in result
            print(report(result), flush=True)
    print(
        f"goal: under {GOAL_SECONDS:.0f} s (CPU) and {GOAL_MEMORY_MIB:.0f} MB for a 10,000-word sentence, per language"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
