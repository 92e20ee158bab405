"""`civicwatch review`: analysts' merges, splits, undos and names of entities from the command line, on SQLite
and PostgreSQL, audited as the web app's (civicwatch.store.merges, civicwatch.store.review)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from civicwatch.cli import _analyst, app
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import session
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.models import Entity, Event, EventEntity, Mention
from civicwatch.store.review import entity_history, event_history

runner = CliRunner()


def art(name: str, published: str) -> ArticleIn:
    return ArticleIn(
        text=f"Headline about {name}\n\nBody of {name}.",
        published=date.fromisoformat(published),
        source=f"/{name}",
        url=f"https://news.example/{name}",
        language="en",
    )


def ev(target: str, when: str) -> EventIn:
    return EventIn(
        type="closure",
        subtype="forced_liquidation",
        status="occurred",
        targets=[target],
        date=when,
        country="RU",
        evidence=f"{target} liquidated {when}",
    )


@pytest.fixture
def stored(store_engine):
    """Event 1: Memorial liquidated (articles 1 and 2); event 2: the same act a day later (article 3), which
    ingest kept apart; event 3: "Zashchita Group" liquidated (article 4), its own entity."""
    items = [
        (art("a", "2021-12-29"), [ev("Memorial", "2021-12-28")]),
        (art("b", "2021-12-30"), [ev("Memorial", "2021-12-28")]),
        (art("c", "2021-12-30"), [ev("Human Rights Centre Memorial", "2021-12-29")]),
        (art("d", "2022-03-02"), [ev("Zashchita Group", "2022-03-01")]),
    ]
    results = list(ingest_results(store_engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.ok for r in results)
    return store_engine


def run(engine, *args: str | int):
    url = engine.url.render_as_string(hide_password=False)
    return runner.invoke(app, ["review", *map(str, args), "--db", url], env={"COLUMNS": "200"})


def reports(engine) -> dict[int, list[int]]:
    """event id -> the articles reporting it (events with none left out)."""
    with session(engine) as s:
        out: dict[int, list[int]] = {}
        for event_id, article_id in s.execute(select(Mention.event_id, Mention.article_id).order_by(Mention.id)):
            out.setdefault(event_id, []).append(article_id)
        return out


def undo_id(result) -> int:
    found = re.search(r"civicwatch review undo (\d+)", result.stderr)
    assert found, result.stderr
    return int(found[1])


def test_merge_split_and_undo(stored) -> None:
    assert reports(stored) == {1: [1, 2], 2: [3], 3: [4]}
    merged = run(stored, "merge", 1, 2, "--user", "anna", "--note", "the same ruling")
    assert merged.exit_code == 0, merged.output
    assert merged.stdout == "event 2 merged into event 1 (3 reports)\n"
    assert reports(stored) == {1: [1, 2, 3], 3: [4]}
    with session(stored) as s:
        assert s.get(Event, 2).merged_into == 1 and s.get(Event, 2).review_state == "merged"
        history = event_history(s, 1)
        assert [(h.action, h.username, h.note) for h in history] == [("merge", "anna", "the same ruling")]
        assert count_consistency_problems(s) == []
    again = run(stored, "merge", 1, 2)
    assert again.exit_code == 1 and again.stderr == "error: event 2 was merged into event 1\n"
    assert run(stored, "merge", 1, 1).exit_code == 1

    undone = run(stored, "undo", undo_id(merged), "--user", "boris")
    assert undone.exit_code == 0 and "undone (event 1)" in undone.stdout
    assert reports(stored) == {1: [1, 2], 2: [3], 3: [4]}
    assert "undone already" in run(stored, "undo", undo_id(merged)).stderr

    split = run(stored, "split", 1, "--article", 2, "--user", "anna")
    assert split.exit_code == 0 and split.stdout == "the report of article 2 is event 4 now, split off event 1\n"
    assert reports(stored) == {1: [1], 2: [3], 3: [4], 4: [2]}
    refused = run(stored, "split", 1, "--article", 1)
    assert refused.exit_code == 1 and "nothing to split" in refused.stderr
    assert run(stored, "undo", undo_id(split)).exit_code == 0
    assert reports(stored) == {1: [1, 2], 2: [3], 3: [4]}
    with session(stored) as s:
        actions = [(h.action, h.username) for h in event_history(s, 1)]
        login = _analyst(None)  # no --user: the login name of whoever runs the command
        assert actions == [("merge", "anna"), ("undo-merge", "boris"), ("split", "anna"), ("undo-split", login)]
        assert count_consistency_problems(s) == []


def test_an_unknown_event_or_audit_entry_is_one_error_line(stored) -> None:
    for args in (("merge", 1, 99), ("split", 99, "--article", 1), ("undo", 99)):
        result = run(stored, *args)
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.output
        assert result.stderr.startswith("error: ") and "Traceback" not in result.output


def test_alias_add_and_remove(stored) -> None:
    with session(stored) as s:
        memorial = s.scalars(select(Entity.id).where(Entity.name == "Memorial")).one()
        group = s.scalars(select(Entity.id).where(Entity.name == "Zashchita Group")).one()

    def targets_of_event_3() -> set[int]:
        with session(stored) as s:
            query = select(EventEntity.entity_id).where(EventEntity.event_id == 3, EventEntity.role == "target")
            return set(s.scalars(query))

    added = run(stored, "alias-add", memorial, "Zashchita Group", "--language", "en", "--user", "anna")
    assert added.exit_code == 0, added.output
    assert added.stdout == f"'Zashchita Group' is a name of entity {memorial}; 1 stored event linked to it again\n"
    assert targets_of_event_3() == {memorial}
    refused = run(stored, "alias-remove", memorial, "Memorial")
    assert refused.exit_code == 1 and "not an analyst's name" in refused.stderr
    removed = run(stored, "alias-remove", memorial, "zashchita group", "--user", "boris", "--note", "not the same")
    assert removed.exit_code == 0, removed.output
    assert targets_of_event_3() == {group}
    with session(stored) as s:
        history = entity_history(s, memorial)
        assert [(h.action, h.username) for h in history] == [("alias.add", "anna"), ("alias.remove", "boris")]
        assert history[1].before["language"] == "en" and history[1].note == "not the same"
