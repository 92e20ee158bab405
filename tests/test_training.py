"""Training end to end on a small corpus written here: labels, cross-validation, files written,
and a reader that uses the models it was given."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from civicwatch.extract.learn import Models
from civicwatch.extract.reader import Reader
from civicwatch.extract.training import analyze_all, folds_of, label, load_corpus, train

ITEMS = [
    ("The Justice Ministry fined the Blue River Foundation on Monday.", "Blue River Foundation", "sanction", "fine"),
    ("Police raided the offices of the Open Steppe Centre in Almaty.", "Open Steppe Centre", "prosecution", "raid"),
    ("A court fined the Green Valley Society for late reports.", "Green Valley Society", "sanction", "fine"),
    ("Investigators searched the homes of the Silver Lake Union.", "Silver Lake Union", "prosecution", "raid"),
    ("Prosecutors fined the Clear Sky Institute last week.", "Clear Sky Institute", "sanction", "fine"),
    ("Officers raided the newsroom of the Morning Bell Gazette.", "Morning Bell Gazette", "prosecution", "raid"),
]
NEGATIVE = "The city council approved a budget for new roads. The bridge will open in May."


def write_corpus(folder: Path) -> None:
    folder.mkdir()
    for n, (text, target, kind, subtype) in enumerate(ITEMS):
        key = f"org{n}"
        gold = {
            "id": f"t{n}",
            "published": "2020-03-04",
            "language": "en",
            "entities": {key: {"name": target, "aliases": [target]}},
            "events": [{"type": kind, "subtype": subtype, "status": "occurred", "targets": [key], "evidence": text}],
            "optional_events": [],
        }
        (folder / f"t{n}.txt").write_text(text + "\n" + NEGATIVE, encoding="utf-8")
        (folder / f"t{n}.gold.json").write_text(json.dumps(gold), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("training") / "corpus"
    write_corpus(folder)
    return folder


def test_gold_events_label_their_candidates(corpus: Path) -> None:
    documents = load_corpus(corpus)
    assert len(documents) == len(ITEMS) and documents[0].published == "2020-03-04"
    analyses = analyze_all(documents)
    labels = [label(d, a) for d, a in zip(documents, analyses, strict=True)]
    assert sum(lab.found for lab in labels) == len(ITEMS)
    assert sum(lab.reachable for lab in labels) == len(ITEMS)
    positives = [y for lab in labels for _, y in lab.events if y != "none"]
    assert sorted(positives) == sorted(kind for _, _, kind, _ in ITEMS)
    assert any(y == "yes" for lab in labels for _, y in lab.targets)


def test_folds_split_by_article_and_language(corpus: Path) -> None:
    documents = load_corpus(corpus)
    fold = folds_of(documents, 3)
    assert sorted(fold) == [0, 0, 1, 1, 2, 2]
    assert fold == folds_of(documents, 3)  # seeded


def test_training_writes_models_and_a_cross_validated_report(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "models"
    lines: list[str] = []
    summary = train(corpus, out, k=2, log=lines.append, seed=None)
    assert (out / "en.json.gz").is_file() and not (out / "ru.json.gz").exists()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report == json.loads(json.dumps(summary))
    assert report["corpus"]["articles"] == len(ITEMS) and report["corpus"]["digest"].startswith("sha256:")
    assert report["cv"]["folds"] == 2
    assert set(report["cv"]) >= {"all", "en"} and 0.0 <= report["cv"]["all"]["f1"] <= 1.0
    assert any("cross-validated" in line for line in lines)
    models = Models.from_json(json.loads(gzip.decompress((out / "en.json.gz").read_bytes())))
    assert models.version == report["model_version"]
    # the models it wrote are the ones a reader uses
    events = Reader("en", models=models).extract(ITEMS[0][0], published="2020-03-04")
    assert all(e.extra["model_version"] == models.version for e in events)
