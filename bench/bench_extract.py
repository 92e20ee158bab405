"""Throughput benchmark: extraction of a batch of articles on one CPU core, per language.

usage: python bench/bench_extract.py DEV_DIR [--n 1000] [--language {en,ru,all}] [--timeout SECONDS]

Splits DEV_DIR's NAME.txt files by the ``language`` field of NAME.gold.json (NAME.meta.json
when there is no gold file) and, for English and for Russian in turn, builds a batch of N
articles of that language (repeated in order, each with its publication date from
NAME.meta.json, or NAME.gold.json when there is no meta file), pins the process to one CPU,
loads that language's extractor (timed on its own), then times the extraction of the batch through
``civicwatch.pipeline.extract_article``, the guarded call ``civicwatch extract``, ``ingest`` and Spark
make, with its per-article time cap (``--timeout``, default 10 s; 0 times ``civicwatch.extract``
bare, without the guard). Each language runs in a fresh process of its own, so its peak memory is its own.
Prints articles per second, ms per article, total seconds, articles per CPU second (the figure to
compare on a shared machine, where wall time also counts the other processes on the CPU), peak
memory (ru_maxrss) and the goal: >= 25 articles/s on one core within 1 GiB, for each language, then a summary table.

``--language en`` or ``--language ru`` runs one language in this process; ``--language all``
runs the former mixed batch (every dev article, whatever its language, both extractors loaded).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from single_thread import pin_to_one_cpu  # sets one thread per process on import

GOAL_RATE = 25.0  # articles per second on one core
GOAL_MEMORY_MIB = 1024.0  # peak resident memory
LANGUAGES = ("en", "ru")  # benchmarked separately, in this order, by default
RESULT_PREFIX = "RESULT "  # a child process's last line: its figures as JSON


def _sidecar_field(txt: Path, field: str, order: tuple[str, ...]) -> str | None:
    name = txt.name[: -len(".txt")]
    for suffix in order:
        sidecar = txt.with_name(f"{name}.{suffix}.json")
        if sidecar.exists():
            value = json.loads(sidecar.read_text(encoding="utf-8")).get(field)
            if value:
                return value
    return None


def published_date(txt: Path) -> str | None:
    return _sidecar_field(txt, "published", ("meta", "gold"))


def article_language(txt: Path) -> str | None:
    """The gold file's ``language`` field (the meta file's when there is no gold file)."""
    return _sidecar_field(txt, "language", ("gold", "meta"))


def load_articles(dev_dir: Path, language: str | None = None) -> list[tuple[str, str, str | None]]:
    """(name, text, published) for every NAME.txt in dev_dir, or only those in ``language``."""
    files = sorted(dev_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt articles in {dev_dir}")
    if language is not None:
        files = [f for f in files if article_language(f) == language]
    return [(f.stem, f.read_text(encoding="utf-8"), published_date(f)) for f in files]


def peak_memory_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def run_batch(dev_dir: Path, n: int, language: str, timeout: float = 10.0) -> dict:
    """Benchmark one language ("all": every article) in this process; print its report, return its figures."""
    pinning = pin_to_one_cpu()
    articles = load_articles(dev_dir, None if language == "all" else language)
    label = "all languages" if language == "all" else f"language {language}"
    if not articles:
        print(f"== {label}: no articles in {dev_dir}")
        return {"language": language, "articles": 0}
    batch = list(itertools.islice(itertools.cycle(articles), n))
    chars = sum(len(text) for _, text, _ in batch)

    start = time.perf_counter()
    from civicwatch import extract
    from civicwatch.extract.language import detect_language
    from civicwatch.model import Article
    from civicwatch.pipeline import extract_article

    # Load the models, lexicons and the language detector once, outside the timed batch.
    get_extractor = importlib.import_module("civicwatch.extract.extractor").get_extractor
    for code in LANGUAGES if language == "all" else (language,):
        get_extractor(code)
    detect_language("warm up the language detector")
    load_seconds = time.perf_counter() - start
    memory_after_load = peak_memory_mib()

    events = failures = 0
    first_error = None
    start, cpu_start = time.perf_counter(), time.process_time()
    for name, text, published in batch:
        if timeout:
            day = date.fromisoformat(published[:10]) if published else None
            found, failure = extract_article(Article(text=text, published=day), timeout=timeout)
            events += len(found)
            if failure is not None:
                failures += 1
                first_error = first_error or f"{name}: {failure}"
            continue
        try:
            events += len(extract(text, published=published))
        except Exception as exc:  # one bad article must not stop the benchmark
            failures += 1
            first_error = first_error or f"{name}: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    rate = len(batch) / seconds if seconds else float("inf")
    memory = peak_memory_mib()
    per_article_ms = 1000 * seconds / len(batch)
    ok = rate >= GOAL_RATE and memory <= GOAL_MEMORY_MIB and not failures

    print(f"== {label}")
    print(f"batch        {len(batch)} articles ({len(articles)} distinct, {chars / 1e6:.2f} M chars)")
    print(f"cpu          {pinning}")
    print(f"model load   {load_seconds:.2f} s (peak memory after load {memory_after_load:.0f} MiB)")
    guard = f"extract_article, {timeout:g} s cap per article" if timeout else "civicwatch.extract, no cap"
    print(f"timed call   {guard}")
    print(f"extraction   {seconds:.2f} s total, {rate:.1f} articles/s, {per_article_ms:.1f} ms/article")
    # on a shared machine the wall time also counts the other processes on this CPU; CPU time does not
    print(f"cpu time     {cpu_seconds:.2f} s, {len(batch) / cpu_seconds:.1f} articles per CPU second")
    print(f"events       {events} ({events / len(batch):.2f} per article), {failures} articles failed")
    if first_error:
        print(f"first error  {first_error}")
    print(f"peak memory  {memory:.0f} MiB (ru_maxrss)")
    print(
        f"goal         >= {GOAL_RATE:.0f} articles/s on one core within {GOAL_MEMORY_MIB / 1024:.0f} GiB: "
        f"{'PASS' if ok else 'MISS'} ({rate:.1f} articles/s, {memory:.0f} MiB"
        f"{f', {failures} failures' if failures else ''})"
    )
    return {
        "language": language,
        "articles": len(batch),
        "distinct": len(articles),
        "chars": chars,
        "load_s": load_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "rate": rate,
        "ms_per_article": per_article_ms,
        "events": events,
        "failures": failures,
        "first_error": first_error,
        "memory_after_load_mib": memory_after_load,
        "peak_mib": memory,
        "ok": ok,
        "timeout": timeout,
    }


def run_in_child(dev_dir: Path, n: int, language: str, timeout: float) -> dict:
    """One language in a fresh interpreter: its own model load and its own peak memory."""
    command = [sys.executable, str(Path(__file__).resolve()), str(dev_dir), "--n", str(n), "--language", language]
    command += ["--timeout", str(timeout)]
    command.append("--result-line")
    proc = subprocess.run(command, capture_output=True, text=True)
    result: dict = {"language": language, "articles": 0, "error": f"exit status {proc.returncode}"}
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(line)
    if proc.returncode:
        tail = proc.stderr.strip().splitlines()[-5:]
        print(f"== language {language}: the benchmark process failed ({proc.returncode})", *tail, sep="\n  ")
    sys.stdout.flush()
    return result


def print_summary(results: list[dict]) -> None:
    print("== summary")
    print(
        f"{'language':<9} {'articles':>8} {'distinct':>8} {'articles/s':>10} {'ms/article':>10} {'per CPU s':>9} "
        f"{'load s':>7} {'peak MiB':>8} {'events/art':>10} {'failed':>6}  goal"
    )
    for r in results:
        if not r.get("articles"):
            print(f"{r['language']:<9} {'no articles' if 'error' not in r else r['error']}")
            continue
        print(
            f"{r['language']:<9} {r['articles']:>8} {r['distinct']:>8} {r['rate']:>10.1f} {r['ms_per_article']:>10.1f} "
            f"{r['articles'] / r['cpu_seconds']:>9.1f} {r['load_s']:>7.2f} {r['peak_mib']:>8.0f} "
            f"{r['events'] / r['articles']:>10.2f} {r['failures']:>6}  "
            f"{'PASS' if r['ok'] else 'MISS'}"
        )
    print(f"goal: >= {GOAL_RATE:.0f} articles/s on one core within {GOAL_MEMORY_MIB / 1024:.0f} GiB, per language")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev_dir", type=Path, help="folder of NAME.txt articles (../shared/eval/dev)")
    parser.add_argument("--n", type=int, default=1000, help="batch size in articles, per language (default 1000)")
    parser.add_argument(
        "--language",
        choices=(*LANGUAGES, "all"),
        help="one language only, in this process; 'all': one mixed batch of every article "
        "(default: en and ru separately, each in a process of its own)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per-article time cap of the guarded call (default 10, as civicwatch ingest; 0: civicwatch.extract bare)",
    )
    parser.add_argument("--result-line", action="store_true", help=argparse.SUPPRESS)  # for the parent process
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if not args.dev_dir.is_dir():
        raise SystemExit(f"{args.dev_dir} is not a folder")

    if args.language:
        result = run_batch(args.dev_dir, args.n, args.language, args.timeout)
        if args.result_line:
            print(RESULT_PREFIX + json.dumps(result))
        return 0

    load_articles(args.dev_dir)  # fail early on an empty folder
    results = []
    for language in LANGUAGES:
        results.append(run_in_child(args.dev_dir, args.n, language, args.timeout))
        print()
    print_summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
