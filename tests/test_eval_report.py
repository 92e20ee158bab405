"""bench/eval.py's report: the trained layer's report.json is read or its absence said in one line,
and the closing summary (what a hook shows of `make eval`) fits in its last 24 lines."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("civicwatch_bench_eval_report", REPO / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EVAL = _load_eval_module()


def result(articles: int, gold: int, predicted: int, matched: int) -> dict:
    """A result shaped like score.py's score()."""
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    return {
        "articles": articles,
        "gold": gold,
        "predicted": predicted,
        "matched": matched,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "attribute_accuracy": {a: 0.5 for a in EVAL.ATTRS},
        "per_type": {"law": {"matched": matched, "false": predicted - matched, "missed": gold - matched}},
    }


CV = {
    "folds": 5,
    "seed": 3,
    "all": result(144, 470, 400, 380),
    "en": result(96, 339, 280, 270),
    "ru": result(48, 131, 120, 110),
}
REPORT = {
    "model_version": "test-model-7",
    "created": "2026-01-02T03:04:05+00:00",
    "corpus": {"articles": 144, "digest": "sha256:" + "0" * 64},
    "cv": CV,
}


def test_report_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(REPORT), encoding="utf-8")
    report, why_not = EVAL.load_cv_report(path)
    assert why_not == "" and report["model_version"] == "test-model-7"


def test_missing_or_malformed_report_is_one_line(tmp_path: Path) -> None:
    report, why_not = EVAL.load_cv_report(tmp_path / "report.json")
    assert report is None and "no cross-validated figures" in why_not and "\n" not in why_not
    broken = dict(REPORT, cv={"folds": 5, "all": CV["all"], "en": {"f1": 0.5}})
    (tmp_path / "report.json").write_text(json.dumps(broken), encoding="utf-8")
    report, why_not = EVAL.load_cv_report(tmp_path / "report.json")
    assert report is None and "cv.en" in why_not and "per_type" in why_not
    (tmp_path / "report.json").write_text("{", encoding="utf-8")
    assert EVAL.load_cv_report(tmp_path / "report.json")[0] is None


def test_installed_package_is_where_the_report_is_looked_for() -> None:
    report, why_not = EVAL.load_cv_report()
    assert report is not None or "civicwatch/extract/models/report.json" in why_not


def _runs() -> list:
    return [
        EVAL.SplitRun(split, Path(split), Path(split), Path(split), 10.0, ("error: x/a.txt: extraction failed: E",))
        for split in EVAL.SPLITS
    ]


def _scored() -> dict:
    return {
        split: {"all": result(20, 60, 50, 40), "en": result(14, 40, 30, 25), "ru": result(6, 20, 20, 15)}
        for split in EVAL.SPLITS
    }


def test_summary_fits_the_last_24_lines_with_the_cv_rows_and_model_version() -> None:
    lines = EVAL.summary(_scored(), REPORT, "", _runs(), 42.0)
    assert len(lines) + 1 <= EVAL.SUMMARY_MAX_LINES  # +1: the blank line printed before it
    text = "\n".join(lines)
    assert "train (in-sample)" in text and "merge-dev" in text and "dev " in text
    assert "train 5-fold CV" in text and "test-model-7" in text
    figures = [f"{CV['all'][key]:.3f}" for key in ("precision", "recall", "f1")]
    cv_rows = [line for line in lines if line.split()[-3:] == figures]
    assert len(cv_rows) == 1 and cv_rows[0].startswith("train 5-fold CV")
    assert lines[-1].startswith("extraction:") and "3 article(s) failed" in lines[-1]
    # dev, the check to look at last, is the last split in the table
    assert lines.index(next(line for line in lines if line.startswith("dev "))) > lines.index(
        next(line for line in lines if line.startswith("merge-dev"))
    )


def test_summary_without_report_says_so() -> None:
    lines = EVAL.summary(_scored(), None, "no cross-validated figures: nothing here", _runs(), 42.0)
    assert "no cross-validated figures: nothing here" in lines
    assert not any("CV" in line for line in lines)


def test_slice_block_gives_per_type_f1_per_language() -> None:
    results = {"all": result(20, 60, 50, 40), "en": result(14, 40, 30, 25), "ru": result(6, 20, 20, 15)}
    block = EVAL.slice_block(results)
    law = next(line for line in block if line.strip().startswith("law"))
    # all: matched 40, false 10, missed 20 -> F1 80/110; en 50/70; ru 30/40
    assert law.split() == ["law", "40", "10", "20", "0.727", "0.714", "0.750"]
    attributes = [line for line in block if line.strip().startswith(("all ", "en ", "ru ")) and "0.50" in line]
    assert len(attributes) == 3


def test_failed_articles_are_named_in_one_short_line_each() -> None:
    run = EVAL.SplitRun(
        "train",
        Path("t"),
        Path("p"),
        Path("w"),
        4.0,
        ("error: ../x/train/a.txt: extraction failed: RecursionError: deep",),
    )
    header = EVAL.split_header(run, EVAL.GoldSet(files=8, events=9, digest="sha256:" + "ab" * 32))
    assert header[0].startswith("== train: 8 articles, 9 gold events (in-sample")
    assert "2.0 articles/s" in header[1]
    assert header[-2:] == ["the CLI failed on 1 article(s), scored as no events:", "  a.txt: RecursionError: deep"]
