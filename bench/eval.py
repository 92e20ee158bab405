"""Score the extractor on the gold splits, overall, per language and per type.

usage: python bench/eval.py GOLD_ROOT [--split dev|train|merge-dev] [--verbose]

GOLD_ROOT holds ``score.py`` and the splits ``train/``, ``merge-dev/`` and ``dev/`` (NAME.txt,
NAME.meta.json, NAME.gold.json). For each split it runs ``civicwatch extract GOLD_ROOT/SPLIT
--out .eval/SPLIT/pred`` once (the ``civicwatch`` installed beside this Python), then scores
those predictions with GOLD_ROOT/score.py on the whole split and on each language of the gold
files. Then it prints the cross-validated figures the trained layer records in
``civicwatch/extract/models/report.json`` (found through the installed package), and ends with
a summary of at most 24 lines: split x language, P / R / F1, the CV rows and the model version.

``extract_split`` and ``score_slice`` are the two steps; ``evaluate(gold_root, language,
work_dir, split)`` does both for one slice; ``gold_set`` gives a split's pin (digest and counts).
tests/test_eval_gate.py uses them.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from importlib.resources.abc import Traversable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
WORK_DIR = REPO / ".eval"
SPLITS = ("train", "merge-dev", "dev")  # in print order: dev, the check to look at last, comes last
SPLIT_LABELS = {"train": "train (in-sample)"}
SPLIT_NOTES = {
    "train": "in-sample: the shipped model is trained on it",
    "merge-dev": "held out",
    "dev": "held out, the check to look at last",
}
LANGUAGES = ("en", "ru")  # always reported, in this order; others found in gold files follow
ATTRS = ("subtype", "status", "date", "actor", "location")
GOLD_SUFFIX = ".gold.json"
REPORT_PACKAGE, REPORT_PATH = "civicwatch.extract", "models/report.json"
# what score.py's score() returns, and so each of report.json's cv.all, cv.en, cv.ru
RESULT_KEYS = (
    "articles",
    "gold",
    "predicted",
    "matched",
    "precision",
    "recall",
    "f1",
    "attribute_accuracy",
    "per_type",
)
SUMMARY_MAX_LINES = 24  # a hook shows only the last 24 lines of `make eval`


# NamedTuples rather than dataclasses: tests load this file by path, outside sys.modules.
class GoldSet(NamedTuple):
    """What a split's gold files are: the gate pins these in tests/eval_baseline.json."""

    files: int
    events: int
    digest: str  # "sha256:" + hex, over the sorted gold file names and their bytes


class SplitRun(NamedTuple):
    """One CLI run over a split: where its gold files and predictions are."""

    split: str
    gold_dir: Path
    pred_dir: Path
    work_dir: Path
    seconds: float
    failures: tuple[str, ...] = ()  # the CLI's "error:" lines, one per skipped article


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
        raise SystemExit(f"{path} not found: GOLD_ROOT must hold score.py and the splits")
    spec = importlib.util.spec_from_file_location("civicwatch_gold_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_gold(gold_path: Path) -> dict:
    return json.loads(gold_path.read_text(encoding="utf-8"))


def gold_language(gold_path: Path) -> str:
    return read_gold(gold_path).get("language") or "unknown"


def gold_files(gold_dir: Path, language: str | None = None) -> list[Path]:
    files = sorted(Path(gold_dir).glob("*" + GOLD_SUFFIX))
    if language is not None:
        files = [f for f in files if gold_language(f) == language]
    return files


def gold_set(gold_dir: Path) -> GoldSet:
    """Digest and counts of the gold files in a folder (events: each file's ``events``, not optional ones)."""
    digest = hashlib.sha256()
    events = 0
    files = gold_files(gold_dir)
    for path in files:
        data = path.read_bytes()
        name = path.name.encode("utf-8")
        digest.update(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big") + data)
        events += len(json.loads(data).get("events", []))
    return GoldSet(files=len(files), events=events, digest="sha256:" + digest.hexdigest())


def languages_of(gold_dir: Path) -> list[str]:
    found = sorted({gold_language(f) for f in gold_files(gold_dir)})
    return list(LANGUAGES) + [lang for lang in found if lang not in LANGUAGES]


def make_slice(gold_dir: Path, language: str, dest: Path) -> Path:
    """A folder of symlinks to the gold files of one language (score.py scores a folder)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for gold_path in gold_files(gold_dir, language):
        (dest / gold_path.name).symlink_to(gold_path.resolve())
    return dest


def run_extraction(inputs: list[Path], out_dir: Path) -> tuple[float, tuple[str, ...]]:
    """Run the CLI over the inputs into a fresh out_dir; return the seconds and the CLI's error lines.

    An article the CLI fails on is reported on its stderr and skipped; it is scored as an article
    with no events. A run that wrote nothing raises RuntimeError.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    command = [str(civicwatch_command()), "extract", *map(str, inputs), "--out", str(out_dir)]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    errors = tuple(line.strip() for line in proc.stderr.splitlines() if line.startswith("error:"))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
    if proc.returncode != 0 and not any(out_dir.iterdir()):
        raise RuntimeError(f"civicwatch extract failed (exit {proc.returncode}), no output:\n" + "\n".join(tail))
    if proc.returncode != 0 and not errors:  # not one line per bad input: the run itself broke off
        errors = (f"error: {inputs[0]}: civicwatch extract exited {proc.returncode}: {tail[-1] if tail else ''}",)
    return seconds, errors


def extract_split(gold_root: Path, split: str, work_dir: Path | None = None) -> SplitRun:
    """Extract every article of GOLD_ROOT/SPLIT with one CLI run into WORK_DIR/SPLIT/pred."""
    gold_dir = Path(gold_root) / split
    if not gold_files(gold_dir):
        raise FileNotFoundError(f"no *{GOLD_SUFFIX} files in {gold_dir}")
    split_work = (Path(work_dir) if work_dir else WORK_DIR) / split
    pred_dir = split_work / "pred"
    seconds, failures = run_extraction([gold_dir], pred_dir)
    return SplitRun(split, gold_dir, pred_dir, split_work, seconds, failures)


def score_slice(scorer: ModuleType, run: SplitRun, language: str | None = None) -> tuple[dict, list[str]]:
    """score.py's result and detail lines for one language of a run's predictions (all when None)."""
    gold_dir = run.gold_dir
    if language is not None:
        gold_dir = make_slice(run.gold_dir, language, run.work_dir / f"gold-{language}")
        if not gold_files(gold_dir):
            raise ValueError(f"no {language!r} gold files in {run.gold_dir}")
    return scorer.score(str(gold_dir), str(run.pred_dir))


def evaluate(gold_root: Path, language: str | None = None, work_dir: Path | None = None, split: str = "dev") -> dict:
    """Extract one split and score one language of it (all when None).

    Returns score.py's result: articles, gold, predicted, matched, precision, recall, f1,
    attribute_accuracy, per_type.
    """
    run = extract_split(gold_root, split, work_dir)
    return score_slice(load_scorer(gold_root), run, language)[0]


# ---------------------------------------------------------------- the trained layer's report


def load_cv_report(resource: Traversable | None = None) -> tuple[dict | None, str]:
    """The installed package's models/report.json (or ``resource``), or None and one line saying why not."""
    where = f"{REPORT_PACKAGE.replace('.', '/')}/{REPORT_PATH}" if resource is None else str(resource)
    try:
        if resource is None:
            resource = importlib.resources.files(REPORT_PACKAGE).joinpath(REPORT_PATH)
        if not resource.is_file():
            return None, f"no cross-validated figures: {where} is not in the installed package"
        report = json.loads(resource.read_text(encoding="utf-8"))
    except ModuleNotFoundError:
        return None, f"no cross-validated figures: {REPORT_PACKAGE} is not installed"
    except (OSError, ValueError) as exc:
        return None, f"no cross-validated figures: {where} is unreadable ({exc})"
    cv = report.get("cv") if isinstance(report, dict) else None
    for name in ("all", "en", "ru"):
        result = cv.get(name) if isinstance(cv, dict) else None
        missing = [key for key in RESULT_KEYS if key not in result] if isinstance(result, dict) else ["all"]
        if missing:
            return None, f"no cross-validated figures: cv.{name} in {where} lacks {', '.join(missing)}"
    return report, ""


def model_line(report: dict | None, why_not: str) -> str:
    if report is None:
        return why_not
    corpus = report.get("corpus") or {}
    return (
        f"model_version {report.get('model_version', '?')} (created {report.get('created', '?')}, "
        f"trained on {corpus.get('articles', '?')} articles)"
    )


def cv_label(report: dict) -> str:
    return f"train {report['cv'].get('folds', '?')}-fold CV"


# ---------------------------------------------------------------- printing


def type_f1(counts: dict) -> float:
    matched, false, missed = counts.get("matched", 0), counts.get("false", 0), counts.get("missed", 0)
    denominator = 2 * matched + false + missed
    return 2 * matched / denominator if denominator else 0.0


def slice_block(results: dict[str, dict]) -> list[str]:
    """Lines for one split (or the CV figures): slices, per type, attribute accuracies."""
    lines = [f"{'slice':6s} {'articles':>8s} {'gold':>5s} {'pred':>5s} {'matched':>7s} {'P':>6s} {'R':>6s} {'F1':>6s}"]
    for name, r in results.items():
        lines.append(
            f"{name:6s} {r['articles']:8d} {r['gold']:5d} {r['predicted']:5d} {r['matched']:7d} "
            f"{r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
        )
    langs = [name for name in results if name != "all"]
    everything = results.get("all") or next(iter(results.values()))
    lines.append(
        f"{'type':14s} {'matched':>7s} {'false':>5s} {'missed':>6s} {'F1':>6s}"
        + "".join(f" {'F1 ' + lang:>6s}" for lang in langs)
    )
    for kind, counts in everything["per_type"].items():
        per_lang = "".join(
            f" {type_f1(results[lang]['per_type'][kind]):6.3f}" if kind in results[lang]["per_type"] else f" {'-':>6s}"
            for lang in langs
        )
        lines.append(
            f"  {str(kind):12s} {counts['matched']:7d} {counts['false']:5d} {counts['missed']:6d} "
            f"{type_f1(counts):6.3f}{per_lang}"
        )
    lines.append("attributes of matched events: " + " ".join(f"{a:>8s}" for a in ATTRS))
    for name, r in results.items():
        accuracy = r.get("attribute_accuracy", {})
        lines.append(f"  {name:27s} " + " ".join(f"{accuracy.get(a, 0.0):8.2f}" for a in ATTRS))
    return lines


def failure_line(error: str) -> str:
    """The CLI's "error: DIR/NAME.txt: extraction failed: WHY" as "NAME.txt: WHY", shortened."""
    path, _, why = error.removeprefix("error: ").partition(": ")
    return f"{Path(path).name}: {why.removeprefix('extraction failed: ')}"[:110]


def split_header(run: SplitRun, pin: GoldSet) -> list[str]:
    lines = [
        f"== {run.split}: {pin.files} articles, {pin.events} gold events ({SPLIT_NOTES.get(run.split, '')})",
        f"gold {pin.digest[:19]}  extracted in {run.seconds:.1f} s ({pin.files / run.seconds:.1f} articles/s)",
    ]
    if run.failures:
        lines.append(f"the CLI failed on {len(run.failures)} article(s), scored as no events:")
        lines += [f"  {failure_line(failure)}" for failure in run.failures]
    return lines


def cv_header(report: dict, train_pin: GoldSet | None) -> list[str]:
    cv, corpus = report["cv"], report.get("corpus") or {}
    line = f"corpus: {corpus.get('articles', '?')} articles, digest {str(corpus.get('digest', '?'))[:19]}"
    if train_pin is not None:
        same = corpus.get("digest") == train_pin.digest
        line += "  (= train/ now)" if same else f"  (train/ now: {train_pin.files} articles, {train_pin.digest[:19]})"
    return [
        f"== cross-validated on train: {cv.get('folds', '?')} folds by article, seed {cv.get('seed', '?')}",
        model_line(report, ""),
        line,
    ]


def summary_row(label: str, name: str, r: dict) -> str:
    return (
        f"{label:19s} {name:4s} {r['articles']:8d} {r['gold']:5d} "
        f"{r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
    )


def summary(
    scored: dict[str, dict[str, dict]], report: dict | None, why_not: str, runs: list[SplitRun], seconds: float
) -> list[str]:
    """The closing table: split x language (P, R, F1), the CV rows, the model version, the time."""
    lines = [
        "== summary: micro P / R / F1 per split and language",
        f"{'split':19s} {'lang':4s} {'articles':>8s} {'gold':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}",
    ]
    for split, results in scored.items():
        for i, (name, r) in enumerate(results.items()):
            lines.append(summary_row(SPLIT_LABELS.get(split, split) if i == 0 else "", name, r))
    if report is not None:
        for i, name in enumerate(("all", "en", "ru")):
            lines.append(summary_row(cv_label(report) if i == 0 else "", name, report["cv"][name]))
    lines.append(model_line(report, why_not))
    failed = sum(len(run.failures) for run in runs)
    timing = ", ".join(f"{run.split} {run.seconds:.1f} s" for run in runs)
    lines.append(f"extraction: {timing}; {failed} article(s) failed in the CLI; eval took {seconds:.1f} s")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold_root", type=Path, help="folder with score.py and the splits train/, merge-dev/, dev/")
    parser.add_argument("--split", choices=SPLITS, help="score only this split (default: all three)")
    parser.add_argument("--verbose", action="store_true", help="list every miss, false alarm and wrong attribute")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    splits = [args.split] if args.split else list(SPLITS)
    for split in splits:
        if not gold_files(args.gold_root / split):
            raise SystemExit(f"{args.gold_root / split}: no *{GOLD_SUFFIX} files (GOLD_ROOT must hold {split}/)")
    scorer = load_scorer(args.gold_root)
    pins = {split: gold_set(args.gold_root / split) for split in splits}
    # one split after another: on a machine of two shared cores, runs side by side were slower
    try:
        runs = [extract_split(args.gold_root, split) for split in splits]
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None

    scored: dict[str, dict[str, dict]] = {}
    for run in runs:
        results, details = {}, []
        results["all"], details = score_slice(scorer, run)
        for language in languages_of(run.gold_dir):
            if gold_files(run.gold_dir, language):
                results[language] = score_slice(scorer, run, language)[0]
        scored[run.split] = results
        print("\n".join(["", *split_header(run, pins[run.split]), *slice_block(results)]))
        if args.verbose:
            print("\n".join(details))

    report, why_not = load_cv_report()
    if report is not None:
        cv = report["cv"]
        train_pin = pins.get("train") or gold_set(args.gold_root / "train")
        print("\n".join(["", *cv_header(report, train_pin), *slice_block({k: cv[k] for k in ("all", "en", "ru")})]))

    closing = summary(scored, report, why_not, runs, time.perf_counter() - start)
    print("\n" + "\n".join(closing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
