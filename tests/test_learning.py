"""The learning loop: analysts' reviews become training examples (civicwatch.store.learning,
civicwatch.pipeline.learning), candidate models are installed only when at least as good, stored articles
are extracted again with analysts' work intact. The store-level tests use hand-made events on every
backend; the whole loop runs the real extractor and training on a few articles of ../shared/eval."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from typer.testing import CliRunner

from civicwatch.extract import learn
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.pipeline.learning import gold_of, review_examples
from civicwatch.store import ReviewError, edit_event, event_history, review_event, session
from civicwatch.store import accounts as accounts_module
from civicwatch.store.accounts import add_user
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.learning import (
    add_event,
    record_training,
    replace_events,
    review_queue,
    reviewed_articles,
    reviews_since_training,
)
from civicwatch.store.models import Article, Event

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
TEXT = (
    "Court fines Alpha Watch\n\n"
    "A district court fined the rights group Alpha Watch on Monday. "
    "Police searched the office of Beta News the same day. "
    "Prosecutors also opened a case against the blogger Gamma Ray."
)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def ev(kind: str, subtype: str, target: str, confidence: float, sentence: str) -> EventIn:
    start = TEXT.index(sentence)
    return EventIn(
        type=kind,
        subtype=subtype,
        status="occurred",
        targets=[target],
        evidence=sentence,
        evidence_start=start,
        evidence_end=start + len(sentence),
        confidence=confidence,
        country="RU",
    )


FINE = ev("sanction", "fine", "Alpha Watch", 0.9, "A district court fined the rights group Alpha Watch on Monday.")
RAID = ev("prosecution", "raid", "Beta News", 0.55, "Police searched the office of Beta News the same day.")
CASE = ev("prosecution", "detention", "Gamma Ray", 0.7, "Prosecutors also opened a case against the blogger Gamma Ray.")


@pytest.fixture
def reviewed(store_engine):
    """One article with three extracted events (ids 1 fine, 2 raid, 3 case), an analyst, and reviews:
    the fine confirmed, the raid rejected, the case's subtype edited."""
    article = ArticleIn(text=TEXT, published=date(2024, 3, 5), source="/a.txt", language="en")
    results = list(
        ingest_results(store_engine, [FileResult(Path("/a.txt"), article=article, events=[FINE, RAID, CASE])])
    )
    assert results[0].status == "stored"
    with session(store_engine) as s:
        add_user(s, "anna", "a long enough password")
        s.commit()
        review_event(s, 1, "anna", "confirm")
        review_event(s, 2, "anna", "reject", note="a search of a newsroom, but not this one")
        edit_event(s, 3, "anna", {"subtype": "criminal_case"})
        s.commit()
    return store_engine


def test_add_event_is_a_confirmed_analyst_event_with_audit(reviewed) -> None:
    sentence = "Prosecutors also opened a case against the blogger Gamma Ray."
    start = TEXT.index(sentence)
    with session(reviewed) as s:
        event = add_event(
            s,
            1,
            "anna",
            {"type": "prosecution", "subtype": "criminal_case", "targets": ["Gamma Ray"], "date": "2024-03-04"},
            start - 1,  # a selection with the space before it
            start + len(sentence),
            note="the extractor missed it",
        )
        s.commit()
        assert (event.review_state, event.evidence, event.confidence) == ("confirmed", sentence, 1.0)
        assert TEXT[event.evidence_start : event.evidence_end] == sentence
        assert event.edited_fields == ["type", "subtype", "status", "date", "actor", "targets", "location", "country"]
        assert str(event.date_start) == "2024-03-04"
        (entry,) = event_history(s, event.id)
        assert (entry.action, entry.username, entry.after["targets"], entry.note) == (
            "add",
            "anna",
            ["Gamma Ray"],
            "the extractor missed it",
        )
        assert s.get(Article, 1).event_count == 4
        assert count_consistency_problems(s) == []
        with pytest.raises(ReviewError, match="subtype"):
            add_event(s, 1, "anna", {"type": "sanction", "subtype": "raid", "targets": ["X"]}, 0, 10)
        with pytest.raises(ReviewError) as bad:
            add_event(s, 1, "anna", {"type": "sanction", "subtype": "fine", "targets": ["X"]}, 10, 5000)
        assert bad.value.field == "evidence"
        with pytest.raises(ReviewError, match="targets"):
            add_event(s, 1, "anna", {"type": "sanction", "subtype": "fine", "targets": []}, 0, 10)


def test_reviews_become_gold_examples(reviewed) -> None:
    with session(reviewed) as s:
        add_event(s, 1, "anna", {"type": "attack", "subtype": "harassment", "targets": ["Beta News"]}, 0, 25)
        s.commit()
        (article,) = reviewed_articles(s)
        gold = gold_of(article)
        (document,) = review_examples(s)
    assert document.name == "review-1" and document.language == "en" and document.published == "2024-03-05"
    found = {(e["type"], e["subtype"], tuple(e["targets"]), e["review"]) for e in gold["events"]}
    assert found == {
        ("sanction", "fine", ("Alpha Watch",), "confirmed"),  # confirmed: a positive
        ("prosecution", "criminal_case", ("Gamma Ray",), "edited"),  # the analyst's subtype, not the extractor's
        ("attack", "harassment", ("Beta News",), "added"),  # a miss
    }
    assert all(e["evidence"] in TEXT for e in gold["events"])
    assert gold["optional_events"] == []  # the rejected raid is in neither list: a negative


def test_an_unreviewed_article_is_no_example_and_unreviewed_events_are_optional(store_engine) -> None:
    article = ArticleIn(text=TEXT, published=date(2024, 3, 5), source="/a.txt", language="en")
    list(ingest_results(store_engine, [FileResult(Path("/a.txt"), article=article, events=[FINE, RAID])]))
    with session(store_engine) as s:
        assert reviewed_articles(s) == []
        review_event(s, 1, None, "confirm")
        s.commit()
        (gold,) = [gold_of(a) for a in reviewed_articles(s)]
    assert [e["targets"] for e in gold["events"]] == [["Alpha Watch"]]
    assert [e["targets"] for e in gold["optional_events"]] == [["Beta News"]]


def test_review_queue_least_certain_first_and_reviews_since_training(store_engine) -> None:
    article = ArticleIn(text=TEXT, published=date(2024, 3, 5), source="/a.txt", language="en")
    list(ingest_results(store_engine, [FileResult(Path("/a.txt"), article=article, events=[FINE, RAID, CASE])]))
    with session(store_engine) as s:
        assert [e.targets[0] for e, _ in review_queue(s)] == ["Beta News", "Gamma Ray", "Alpha Watch"]
        assert review_queue(s)[0][1] == "Court fines Alpha Watch"
        assert reviews_since_training(s) == 0
        review_event(s, 2, None, "confirm")
        edit_event(s, 3, None, {"date": "2024-03-04"})
        s.commit()
        assert [e.targets[0] for e, _ in review_queue(s)] == ["Alpha Watch"]  # reviewed ones leave the queue
        assert reviews_since_training(s) == 2
        record_training(s, None, {"candidate": "v1", "installed": True})
        s.commit()
        assert reviews_since_training(s) == 0
        review_event(s, 1, None, "reject")
        s.commit()
        assert reviews_since_training(s) == 1


def test_replace_events_keeps_reviews(reviewed) -> None:
    with session(reviewed) as s:
        add_event(s, 1, "anna", {"type": "attack", "subtype": "harassment", "targets": ["Beta News"]}, 0, 25)
        s.commit()
    new_fine = ev(
        "sanction", "fine", "Alpha Watch", 0.95, "A district court fined the rights group Alpha Watch on Monday."
    )
    new_fine.date = "2024-03-04"
    new_raid = ev("prosecution", "raid", "Beta News", 0.6, "Police searched the office of Beta News the same day.")
    new_case = ev(
        "prosecution", "detention", "Gamma Ray", 0.8, "Prosecutors also opened a case against the blogger Gamma Ray."
    )
    extra = ev("sanction", "ban", "Gamma Ray", 0.6, "Prosecutors also opened a case against the blogger Gamma Ray.")
    with session(reviewed) as s:
        changes = replace_events(s, 1, [new_fine, new_raid, new_case, extra])
        s.commit()
        assert dict(changes.added) == {"sanction": 1}
        assert dict(changes.changed) == {"sanction": 1}  # the fine got a date; the others are the same reports
        assert dict(changes.removed) == {}
        events = {e.id: e for e in s.scalars(select(Event))}
        assert events[1].review_state == "confirmed" and events[1].date is None  # confirmed values stay
        assert events[2].review_state == "rejected"  # rejected stays rejected
        assert (events[3].review_state, events[3].subtype) == ("edited", "criminal_case")  # the edit stays
        assert events[4].review_state == "confirmed" and events[4].type == "attack"  # the analyst's addition stays
        assert events[5].type == "sanction" and events[5].review_state == "unreviewed"
        assert count_consistency_problems(s) == []
        # a later extraction without the new ban removes it (nobody reviewed it), and keeps the reviewed ones
        changes = replace_events(s, 1, [])
        s.commit()
        assert dict(changes.removed) == {"sanction": 1}
        assert sum(changes.kept.values()) == 4
        assert {e.id for e in s.scalars(select(Event))} == {1, 2, 3, 4}
        assert s.get(Article, 1).event_count == 4
        assert count_consistency_problems(s) == []


def test_replace_events_keeps_an_act_other_articles_report(store_engine) -> None:
    first = ArticleIn(text=TEXT, published=date(2024, 3, 5), source="/a.txt", language="en")
    other = "Rights groups protest\n\nThe fine imposed on Alpha Watch drew protests from groups across the region."
    second = ArticleIn(text=other, published=date(2024, 3, 6), source="/b.txt", language="en")
    items = [
        FileResult(Path("/a.txt"), article=first, events=[FINE]),
        FileResult(Path("/b.txt"), article=second, events=[FINE]),
    ]
    list(ingest_results(store_engine, items))
    with session(store_engine) as s:
        (event,) = s.scalars(select(Event))
        assert event.source_count == 2 and event.evidence_article_id == 1
        changes = replace_events(s, 1, [])
        s.commit()
        assert dict(changes.removed) == {"sanction": 1}
        (event,) = s.scalars(select(Event))
        assert (event.source_count, event.evidence_article_id) == (1, 2)
        assert count_consistency_problems(s) == []


# -- versions of models ------------------------------------------------------------------------------
def test_versions_fall_back_to_the_package(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICWATCH_DATA_DIR", str(tmp_path))
    learn.clear_cache()
    package = learn.load_models("en").version
    assert learn.current_version() == "package" and learn.installed_versions() == []
    folder = tmp_path / "models" / "2030.01.01-test"
    models = learn.load_models("en")
    models.version = "2030.01.01-test"
    models.save(folder / "en.json.gz")
    learn.set_current("2030.01.01-test")
    try:
        assert learn.installed_versions() == ["2030.01.01-test"]
        assert learn.load_models("en").version == "2030.01.01-test"
        assert learn.load_models("ru").version == learn.load_models("ru").version != "2030.01.01-test"  # fallback
        learn.use_version("package")
        assert learn.load_models("en").version == package
        learn.use_version(None)
        with pytest.raises(FileNotFoundError, match="known versions are package, 2030.01.01-test"):
            learn.set_current("nope")
        result = CliRunner().invoke(cli_app(), ["models"])
        assert result.exit_code == 0, result.output
        assert "* 2030.01.01-test" in result.output and "  package" in result.output
        result = CliRunner().invoke(cli_app(), ["models", "use", "package"])
        assert result.exit_code == 0 and learn.current_version() == "package"
        assert CliRunner().invoke(cli_app(), ["models", "use", "nope"]).exit_code == 1
    finally:
        learn.use_version(None)
        learn.clear_cache()


def cli_app():
    from civicwatch.cli import app

    return app


# -- the whole loop, real extractor and training ---------------------------------------------------
LOOP_ARTICLES = (
    "afp-2022-ekho-moskvy-closes",
    "ap-2024-moscow-times-undesirable",
    "unn-2024-novaya-editor-sokolov-fined",
    "mt-2025-martynov-sentenced-in-absentia",
)
needs_shared = pytest.mark.skipif(not (SHARED / "train").is_dir(), reason="../shared/eval is not there")


@needs_shared
def test_the_whole_loop(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicwatch.pipeline.ingest import ingest_paths
    from civicwatch.pipeline.learning import reextract, train_candidate
    from civicwatch.store import connect

    monkeypatch.setenv("CIVICWATCH_DATA_DIR", str(tmp_path / "data"))
    learn.clear_cache()
    inbox, dev = tmp_path / "inbox", tmp_path / "dev"
    inbox.mkdir()
    dev.mkdir()
    for name in LOOP_ARTICLES:
        for suffix in (".txt", ".meta.json"):
            shutil.copy(SHARED / "train" / f"{name}{suffix}", inbox)
    for name in LOOP_ARTICLES[:2]:  # the dev folder both models are scored on
        for suffix in (".txt", ".meta.json", ".gold.json"):
            shutil.copy(SHARED / "train" / f"{name}{suffix}", dev)
    engine = connect(f"sqlite:///{tmp_path / 'loop.db'}")
    assert all(r.status == "stored" for r in ingest_paths(engine, [inbox]))

    # review: confirm, reject, edit, and add a missed event
    with session(engine) as s:
        add_user(s, "anna", "a long enough password")
        events = list(s.scalars(select(Event).order_by(Event.id)))
        assert len(events) >= 4
        confirmed, rejected, edited = events[0].id, events[1].id, events[2].id
        review_event(s, confirmed, "anna", "confirm")
        review_event(s, rejected, "anna", "reject")
        edit_event(s, edited, "anna", {"date": "2022-03-03", "actor": "Editors"})
        article = s.get(Article, events[0].evidence_article_id)
        sentence = article.text.split("\n")[-1].strip() or article.text.strip()
        start = article.text.index(sentence)
        added = add_event(
            s,
            article.id,
            "anna",
            {"type": "reaction", "subtype": "condemnation", "targets": ["Ekho Moskvy"]},
            start,
            start + len(sentence),
        ).id
        s.commit()
        assert reviews_since_training(s) == 4

    # train on the reviews alone: worse than the shipped model on dev, so not installed
    lines: list[str] = []
    outcome = train_candidate(engine, [], dev, folds=2, seed=False, log=lines.append)
    assert outcome.examples["seed"] == 0 and outcome.examples["reviews"] >= 2
    assert outcome.current == "package" and not outcome.installed and "lower dev" in outcome.reason
    names = [r.name for r in outcome.rows]
    assert {"cv all", "cv en", "dev all", "dev en"} <= set(names) and any(n.startswith("dev type ") for n in names)
    assert learn.current_version() == "package" and learn.installed_versions() == []
    # --force installs it; trained again on the same reviews, the candidate is as good: installed
    forced = train_candidate(engine, [], dev, folds=2, force=True, seed=False, log=lines.append)
    assert forced.installed and learn.current_version() == forced.candidate
    assert learn.load_models("en").version == forced.candidate
    again = train_candidate(engine, [], dev, folds=2, seed=False, log=lines.append)
    assert again.current == forced.candidate and again.installed and again.reason == "no dev score lower"
    with session(engine) as s:
        assert reviews_since_training(s) == 0
        assert [e.action for e in event_history(s, added)] == ["add"]

    # re-extract with the installed model: analysts' work intact
    *_, (done, total, result) = list(reextract(engine, version=forced.candidate))
    assert done == total == 4 and result.articles == 4 and result.failed == []
    with session(engine) as s:
        assert s.get(Event, confirmed).review_state == "confirmed"
        assert s.get(Event, rejected).review_state == "rejected"
        kept = s.get(Event, edited)
        assert (kept.review_state, kept.date, kept.actor) == ("edited", "2022-03-03", "Editors")
        assert s.get(Event, added).type == "reaction"
        assert count_consistency_problems(s) == []
    # and the command line shows the counts by type
    result = CliRunner().invoke(cli_app(), ["reextract", "--db", f"sqlite:///{tmp_path / 'loop.db'}", "-q"])
    assert result.exit_code == 0, result.output
    assert "4 articles re-extracted with model" in result.output and "added" in result.output
    learn.use_version(None)
    learn.clear_cache()


# -- the web routes: the queue is for analysts, the add-event API -----------------------------------------
def test_queue_page_and_add_event_api(reviewed) -> None:
    from fastapi.testclient import TestClient
    from webui_support import api_token

    from civicwatch.web.app import create_app

    client = TestClient(create_app(reviewed.url.render_as_string(hide_password=False)))
    anonymous = client.get("/review", headers={"Accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    bearer = {"Authorization": f"Bearer {api_token(reviewed)}"}
    sentence = "Police searched the office of Beta News the same day."
    body = {"type": "attack", "subtype": "harassment", "targets": ["Beta News"], "evidence": sentence, "note": "n"}
    answer = client.post("/api/articles/1/events", json=body, headers=bearer)
    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert data["data"]["event"]["type"] == "attack" and data["data"]["review_state"] == "confirmed"
    assert [(h["action"], h["username"]) for h in data["history"]] == [("add", "anna")]
    bad = client.post("/api/articles/1/events", json=body | {"evidence": "not in the text"}, headers=bearer)
    assert bad.status_code == 422 and "evidence: give the sentence" in bad.text
    assert client.post("/api/articles/1/events", json=body).status_code == 401
    assert client.post("/api/articles/99/events", json=body, headers=bearer).status_code == 404
    page = client.get("/review", headers=bearer)
    assert page.status_code == 200 and "reviews since the last training" in page.text
