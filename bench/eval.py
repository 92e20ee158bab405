"""Score the extractor on the dev set, overall and per language.

usage: python bench/eval.py GOLD_ROOT [--verbose]

GOLD_ROOT holds ``score.py`` and ``dev/`` (NAME.txt, NAME.meta.json, NAME.gold.json).
Runs ``civicwatch extract GOLD_ROOT/dev --out .eval/pred`` with the ``civicwatch``
installed beside this Python, then GOLD_ROOT/score.py on the whole dev set ("== all")
and on each language of the gold files ("== en", "== ru"). ``--verbose`` passes
through to score.py and lists every miss and false alarm.

``evaluate(gold_root, language)`` does the same for one slice and returns score.py's
result as a dict (what ``score.py --json`` prints); tests/test_eval_gate.py uses it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
WORK_DIR = REPO / ".eval"
LANGUAGES = ("en", "ru")  # always reported, in this order; others found in gold files follow
TEXT_SUFFIX = ".txt"  # the CLI reads NAME.txt and writes NAME.json


def civicwatch_command() -> Path:
    """The ``civicwatch`` script of the environment this Python belongs to."""
    script = Path(sys.executable).parent / "civicwatch"
    if not script.exists():
        raise SystemExit(f"{script} not found: install the project first (make setup)")
    return script


def load_scorer(gold_root: Path) -> ModuleType:
    """Import GOLD_ROOT/score.py as a module (it is not a package of ours)."""
    path = Path(gold_root) / "score.py"
    if not path.exists():
        raise SystemExit(f"{path} not found: GOLD_ROOT must hold score.py and dev/")
    spec = importlib.util.spec_from_file_location("civicwatch_gold_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_language(gold_path: Path) -> str:
    return json.loads(gold_path.read_text(encoding="utf-8")).get("language") or "unknown"


def gold_files(dev_dir: Path, language: str | None = None) -> list[Path]:
    files = sorted(Path(dev_dir).glob("*.gold.json"))
    if language is not None:
        files = [f for f in files if gold_language(f) == language]
    return files


def article_for(gold_path: Path) -> Path | None:
    """The article a gold file annotates: NAME.txt beside it."""
    article = gold_path.with_name(gold_path.name[: -len(".gold.json")] + TEXT_SUFFIX)
    return article if article.exists() else None


def make_slice(dev_dir: Path, language: str, dest: Path) -> Path:
    """A folder of symlinks to the gold files of one language (score.py scores a folder)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for gold_path in gold_files(dev_dir, language):
        (dest / gold_path.name).symlink_to(gold_path.resolve())
    return dest


def run_extraction(inputs: list[Path], out_dir: Path) -> float:
    """Run the CLI over the inputs into a fresh out_dir; return the seconds it took.

    A non-zero exit (some file failed) is reported and scoring goes on, since a missing
    prediction file simply counts as no events; a run that wrote nothing raises.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    command = [str(civicwatch_command()), "extract", *map(str, inputs), "--out", str(out_dir)]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        if not any(out_dir.iterdir()):
            raise RuntimeError(f"civicwatch extract failed (exit {proc.returncode}), no output:\n{tail}")
        print(f"warning: civicwatch extract exited {proc.returncode}:\n{tail}", file=sys.stderr)
    return seconds


def evaluate(gold_root: Path, language: str | None = None, work_dir: Path | None = None) -> dict:
    """Extract the dev articles of one language (all when None) and score them.

    Returns score.py's result: articles, gold, predicted, matched, precision, recall,
    f1, attribute_accuracy, per_type.
    """
    gold_root = Path(gold_root)
    dev_dir = gold_root / "dev"
    work_dir = Path(work_dir) if work_dir else WORK_DIR
    scorer = load_scorer(gold_root)
    if language is None:
        gold_dir, inputs, pred_dir = dev_dir, [dev_dir], work_dir / "pred"
    else:
        gold_dir = make_slice(dev_dir, language, work_dir / f"gold-{language}")
        inputs = [a for a in map(article_for, gold_files(dev_dir, language)) if a is not None]
        pred_dir = work_dir / f"pred-{language}"
        if not inputs:
            raise ValueError(f"no {language!r} articles in {dev_dir}")
    run_extraction(inputs, pred_dir)
    result, _lines = scorer.score(str(gold_dir), str(pred_dir))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold_root", type=Path, help="folder with score.py and dev/")
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)

    dev_dir = args.gold_root / "dev"
    if not dev_dir.is_dir():
        raise SystemExit(f"{dev_dir} not found: GOLD_ROOT must hold score.py and dev/")
    scorer = load_scorer(args.gold_root)
    pred_dir = WORK_DIR / "pred"
    try:
        seconds = run_extraction([dev_dir], pred_dir)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    print(f"extracted {dev_dir} into {pred_dir.relative_to(REPO)} in {seconds:.1f} s")

    found = sorted({gold_language(f) for f in gold_files(dev_dir)})
    languages = list(LANGUAGES) + [lang for lang in found if lang not in LANGUAGES]
    slices = [("all", dev_dir)]
    slices += [(lang, make_slice(dev_dir, lang, WORK_DIR / f"gold-{lang}")) for lang in languages]
    flags = ["--verbose"] if args.verbose else []

    summary = []
    for name, gold_dir in slices:
        print(f"\n== {name}")
        if not gold_files(gold_dir):
            print("no gold files")
            summary.append(f"{name:4s} no gold files")
            continue
        sys.stdout.flush()
        scorer.main([str(gold_dir), str(pred_dir), *flags])
        r, _ = scorer.score(str(gold_dir), str(pred_dir))
        summary.append(
            f"{name:4s} articles {r['articles']:3d}  P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
        )
    print("\n== summary")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
