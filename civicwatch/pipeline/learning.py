"""The learning loop: analysts' reviews become training examples, a candidate model is trained and
compared with the one in use, and stored articles are extracted again with the model chosen.

* ``review_examples``: the database's reviewed articles in the evaluation's gold format
  (``shared/eval/SCHEMA.md``). Confirmed, edited and added events are gold events (an edited field is
  the analyst's value, an added event a miss the model should have found); a rejected event is left out,
  so the candidate that proposed it is a negative for its type and targets; events nobody reviewed are
  ``optional_events``, neither taught nor scored.
* ``train_candidate``: the shipped seed corpus, annotated folders and the reviewed examples, cross-validated
  and fitted (``civicwatch.extract.training``); the candidate is installed in the user's data folder
  (``civicwatch.extract.learn``) only when no score it shares with the current model is lower, on the
  dev folder when one is given, else cross-validated.
* ``reextract``: every stored article (or those published since a day) extracted again, through
  ``civicwatch.store.learning.replace_events``, which keeps analysts' edits, rejections and additions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from civicwatch.extract import learn, training
from civicwatch.extract.extractor import use_models
from civicwatch.extract.language import detect_language
from civicwatch.model import Article
from civicwatch.pipeline import extract_article
from civicwatch.store.learning import (
    Changes,
    ReviewedArticle,
    articles_to_reextract,
    record_training,
    replace_events,
    reviewed_articles,
)
from civicwatch.store.models import Article as StoredArticle

GOLD_FIELDS = ("type", "subtype", "status", "targets", "actor", "date", "location", "country", "evidence")


# -- reviews as examples -------------------------------------------------------------------------
def gold_of(article: ReviewedArticle) -> dict[str, Any]:
    """One reviewed article as a gold file (targets and actors as names: the gold format's entities are optional)."""
    events, optional = [], []
    for event in article.events:
        values = {name: event.values.get(name) for name in GOLD_FIELDS}
        values["review"] = "added" if event.added else event.review_state
        if event.added or event.review_state in ("confirmed", "edited"):
            events.append(values)
        elif event.review_state == "unreviewed":
            optional.append(values | {"note": "not reviewed"})
    language = article.language or detect_language(article.text) or "en"
    return {
        "source": "review",
        "article_id": article.id,
        "url": article.url,
        "language": language,
        "published": article.published.isoformat() if article.published else None,
        "events": events,
        "optional_events": optional,
    }


def review_examples(session: Session) -> list[training.Document]:
    """The database's reviewed articles as training documents."""
    documents = []
    for article in reviewed_articles(session):
        gold = gold_of(article)
        documents.append(
            training.Document(f"review-{article.id}", gold["language"], article.text, gold["published"], gold)
        )
    return documents


def export_reviews(session: Session, out: Path) -> int:
    """Write the reviewed articles as NAME.txt + NAME.gold.json (a corpus ``training`` reads); how many."""
    out.mkdir(parents=True, exist_ok=True)
    documents = review_examples(session)
    for doc in documents:
        (out / f"{doc.name}.txt").write_text(doc.text, encoding="utf-8")
        text = json.dumps(doc.gold, indent=1, ensure_ascii=False) + "\n"
        (out / f"{doc.name}.gold.json").write_text(text, encoding="utf-8")
    return len(documents)


# -- training --------------------------------------------------------------------------------------
@dataclass
class Row:
    """One score both models have: "cv all", "cv en", "cv type sanction", "dev ru" ..."""

    name: str
    current: dict | None
    candidate: dict | None

    @property
    def regressed(self) -> bool:
        return self.current is not None and self.candidate is not None and self.candidate["f1"] < self.current["f1"]


@dataclass
class TrainOutcome:
    current: str  # the version in use before
    candidate: str
    rows: list[Row]
    gate: str  # "dev" or "cv": the scores that decide
    installed: bool
    reason: str
    examples: dict[str, int] = field(default_factory=dict)  # documents per source

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "candidate": self.candidate,
            "installed": self.installed,
            "reason": self.reason,
            "gate": self.gate,
            "examples": self.examples,
            "scores": {
                r.name: {"current": _f1(r.current), "candidate": _f1(r.candidate)}
                for r in self.rows
                if not r.name.startswith("cv type")
            },
        }


def _f1(result: dict | None) -> float | None:
    return None if result is None else result["f1"]


def type_scores(result: dict) -> dict[str, dict]:
    """Precision, recall and F1 per event type, from a score's per-type counts."""
    out = {}
    for kind, counts in result.get("per_type", {}).items():
        tp, fp, fn = counts["matched"], counts["false"], counts["missed"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[kind] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out


def compare(kind: str, current: dict, candidate: dict) -> list[Row]:
    """Rows of two score reports ({"all": ..., "en": ...}): overall, per language, then per type of "all"."""

    def scores(report: dict) -> dict[str, dict]:
        return {name: value for name, value in report.items() if isinstance(value, dict) and "f1" in value}

    mine, theirs = scores(current), scores(candidate)
    names = ["all", *sorted((set(mine) | set(theirs)) - {"all"})]
    rows = [Row(f"{kind} {name}", mine.get(name), theirs.get(name)) for name in names]
    by_type, by_type_new = type_scores(mine.get("all", {})), type_scores(theirs.get("all", {}))
    kinds = sorted(set(by_type) | set(by_type_new))
    return rows + [Row(f"{kind} type {t}", by_type.get(t), by_type_new.get(t)) for t in kinds]


def train_candidate(
    engine: Engine | None,
    corpora: list[Path],
    dev: Path | None = None,
    folds: int = training.FOLDS,
    force: bool = False,
    seed: bool = True,
    log: Callable[[str], None] = print,
    user: str | None = None,
) -> TrainOutcome:
    """Train a candidate from the seed corpus, ``corpora`` and the database's reviews; install it in the
    user's data folder unless a score it shares with the current model is lower (``force``: install anyway).
    The run is written to the database's audit log (the review queue counts reviews since)."""
    documents: list[training.Document] = []
    examples: dict[str, int] = {}
    for folder in corpora:
        found = training.load_corpus(folder)
        examples[str(folder)] = len(found)
        documents += found
    if engine is not None:
        with Session(engine) as session:
            reviewed = review_examples(session)
        examples["reviews"] = len(reviewed)
        documents += reviewed
    seeds = training.load_corpus(training.SEED_CORPUS) if seed else []
    offtopic_folder = training.SEED_CORPUS / training.OFFTOPIC
    offtopic = training.load_corpus(offtopic_folder) if seed and offtopic_folder.is_dir() else []
    examples["seed"] = len(seeds)
    if not documents:
        raise ValueError("nothing to train on: no reviewed articles in the database and no --corpus folder")
    log("examples: " + ", ".join(f"{n} {name}" for name, n in examples.items()))
    folds = max(2, min(folds, min(Counter(d.language for d in documents).values())))
    models, summary = training.build(documents, seeds, folds, log, offtopic=offtopic)
    summary["examples"] = examples
    version = summary["model_version"]
    current = learn.current_version()
    rows = compare("cv", learn.version_report(current).get("cv", {}), summary["cv"])
    gate = "cv"
    if dev is not None:
        dev_docs = training.load_corpus(dev)
        analyses = training.analyze_all(dev_docs)

        def candidate_models(language: str) -> learn.Models:  # a language it lacks falls back, as installed
            return models[language] if language in models else learn.load_models(language)

        summary["dev"] = candidate_dev = training.score_models(dev_docs, analyses, candidate_models)
        current_dev = training.score_models(dev_docs, analyses, learn.load_models)
        rows += compare("dev", current_dev, candidate_dev)
        gate = "dev"
    deciding = [r for r in rows if r.name.startswith(gate) and " type " not in r.name]
    worse = [r.name for r in deciding if r.regressed]
    installed = force or not worse
    if worse:
        reason = "lower " + ", ".join(worse) + (" (installed anyway: --force)" if force else "")
    else:
        reason = f"no {gate} score lower"
    if installed:
        training.write(models, summary, learn.versions_dir() / version, log)
        learn.set_current(version)
    outcome = TrainOutcome(current, version, rows, gate, installed, reason, examples)
    if engine is not None:
        with Session(engine) as session:
            record_training(session, user, outcome.to_dict())
            session.commit()
    return outcome


# -- re-extraction -----------------------------------------------------------------------------------
@dataclass
class ReextractOutcome:
    version: str
    articles: int = 0
    failed: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def reextract(
    engine: Engine, since: date | None = None, version: str | None = None
) -> Iterator[tuple[int, int, ReextractOutcome]]:
    """Extract stored articles again (with an installed ``version``, else the current one), one transaction
    per article; yields (done, total, outcome so far) after each, for progress bars."""
    use_models(version)
    outcome = ReextractOutcome(version or learn.current_version())
    with Session(engine) as session:
        ids = articles_to_reextract(session, since)
    for n, article_id in enumerate(ids, 1):
        with Session(engine) as session:
            row = session.get(StoredArticle, article_id)
            if row is None:
                continue
            article = Article(text=row.text, url=row.url, published=row.published, language=row.language)
            events, error = extract_article(article)
            if error:
                outcome.failed.append(f"article {article_id}: {error}")
            else:
                outcome.changes.update(replace_events(session, article_id, events))
                session.commit()
                outcome.articles += 1
        yield n, len(ids), outcome
    use_models(None)
