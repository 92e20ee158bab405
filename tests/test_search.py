"""Full-text search over events (SQLite FTS5 and PostgreSQL), the migration that builds its index, and the
``q``/``review_state`` filters of ``list_events``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import EventQuery, connect, head_revision, list_events, session, upgrade
from civicwatch.store import search as search_module
from civicwatch.store.engine import _alembic_config, make_engine
from civicwatch.store.models import Event
from civicwatch.store.search import fts5_available, fts5_query, fulltext_event_ids, fulltext_ranked, parse_query


def art(body: str, name: str, title: str | None = None, published: str = "2021-12-29") -> ArticleIn:
    return ArticleIn(
        text=f"{title or 'Headline about ' + name}\n\n{body}",
        published=date.fromisoformat(published),
        source=f"/news/{name}",
    )


def ev(type_: str, subtype: str, targets: list[str], evidence: str, **fields) -> EventIn:
    return EventIn(type=type_, subtype=subtype, status="occurred", targets=targets, evidence=evidence, **fields)


def store(engine, *items: tuple[ArticleIn, list[EventIn]]) -> None:
    results = list(ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.ok for r in results), [r.reason for r in results]


def found(engine, q: str) -> set[str]:
    """The evidence of the events matching q."""
    with session(engine) as s:
        ids = fulltext_event_ids(s, q)
        return set(s.scalars(select(Event.evidence).where(Event.id.in_(ids))))


MEMORIAL = "The Supreme Court ordered the liquidation of International Memorial on December 28."
FINE_RU = "Суд оштрафовал «Мемориал» на 500 тысяч рублей за отсутствие маркировки."
AGENT_EN = "The Justice Ministry added Meduza to the register of foreign agents."
RAID_RU = "Силовики провели обыск в офисе «Новой газеты» в Москве."


@pytest.fixture
def filled(store_engine):
    store(
        store_engine,
        (
            art(MEMORIAL, "memorial.txt", title="Court shuts down Memorial, Russia's oldest rights group"),
            [ev("closure", "forced_liquidation", ["International Memorial"], MEMORIAL, actor="Supreme Court")],
        ),
        (art(FINE_RU, "fine.txt"), [ev("sanction", "fine", ["«Мемориал»"], FINE_RU, date="2021-10")]),
        (art(AGENT_EN, "meduza.txt"), [ev("designation", "foreign_agent", ["Meduza"], AGENT_EN)]),
        (
            art(RAID_RU, "raid.txt"),
            [ev("prosecution", "raid", ["«Новая газета»"], RAID_RU, location="Москва", date="2021-11-02")],
        ),
    )
    return store_engine


def test_fts5_is_in_this_python() -> None:
    # the index on SQLite needs it; without it search falls back to LIKE (and says so)
    assert fts5_available()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("liquidation", {MEMORIAL}),
        ("LIQUIDATION memorial", {MEMORIAL}),  # every term must match, in any case
        ("memorial", {MEMORIAL}),
        ("мемориал", {FINE_RU}),  # Cyrillic, case-folded
        ("МЕМОРИАЛ штраф*", set()),  # "штраф*" is a prefix of no word here: оштрафовал
        ("оштраф*", {FINE_RU}),  # a prefix
        ("foreign agent", {AGENT_EN}),  # the subtype's words are indexed
        ("foreign_agent", {AGENT_EN}),
        ("москва", {RAID_RU}),  # the location
        ("«новая газета»", {RAID_RU}),  # targets; punctuation is not syntax
        ('"register of foreign agents"', {AGENT_EN}),  # a phrase
        ('"agents foreign"', set()),  # ... in its order
        ("oldest rights group", {MEMORIAL}),  # the title of the reporting article
        ("Supreme Court", {MEMORIAL}),  # the actor
        ("nothing-like-this", set()),
    ],
)
def test_search_in_english_and_russian(filled, q: str, expected: set[str]) -> None:
    assert found(filled, q) == expected


HOSTILE = [
    '"',
    '""',
    "*",
    "**",
    "OR",
    "memorial OR",
    "AND memorial",
    "NOT",
    "memorial NOT meduza",
    "'; DROP TABLE events; --",
    "Robert'); DROP TABLE events;--",
    "NEAR(memorial liquidation)",
    "NEAR(memorial liquidation, 2)",
    'NEAR("memorial"',
    '"unbalanced quote memorial',
    "body:memorial",
    "{body}: memorial",
    "^memorial",
    "memorial -",
    "-memorial",
    "(memorial",
    "memorial)",
    "%",
    "_",
    "\\",
    "\x00",
    "memorial\x00",
    ":*",
    "memorial:*",
    "memorial & meduza | !x",
    "<->",
    "мемориал ИЛИ",
    "",
    "   ",
    "memorial " * 5000,
    '"' * 5001,
    "*" * 5000,
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: ascii(q[:24]) + (f"..{len(q)}" if len(q) > 24 else ""))
def test_hostile_queries_do_not_raise_and_change_nothing(filled, q: str) -> None:
    matched = found(filled, q)
    assert matched <= {MEMORIAL, FINE_RU, AGENT_EN, RAID_RU}
    with session(filled) as s:
        assert s.scalar(select(sa.func.count()).select_from(Event)) == 4
        list(s.execute(fulltext_ranked(s, q)))


def test_operators_are_words_not_syntax(filled) -> None:
    assert found(filled, "memorial OR meduza") == set()  # "or" is a word to find, and no event has it
    assert found(filled, "NEAR(memorial liquidation)") == set()  # "near" is a word too
    assert found(filled, "liquidation^ memorial:") == {MEMORIAL}
    assert found(filled, "'; DROP TABLE events; --") == set()


def test_query_parsing() -> None:
    assert [t.words for t in parse_query('Memorial "foreign agent" штраф*')] == [
        ("memorial",),
        ("foreign", "agent"),
        ("штраф",),
    ]
    assert [t.prefix for t in parse_query("memor* memorial")] == [True, False]
    assert parse_query("'; -- * \" ") == []
    assert fts5_query(parse_query('a"b OR')) == '"a b" AND "or"'
    assert len(parse_query("word " * 1000)) == 32


def test_ranked_results(filled) -> None:
    with session(filled) as s:
        ranked = fulltext_ranked(s, "memorial").subquery()
        rows = s.execute(
            select(Event.evidence, ranked.c.rank).join(ranked, ranked.c.event_id == Event.id).order_by(ranked.c.rank)
        ).all()
    assert [evidence for evidence, _ in rows] == [MEMORIAL]
    assert found(filled, "meduza") == {AGENT_EN}
    with filled.connect() as connection:  # an engine, a connection or a dialect name does too
        assert len(connection.execute(fulltext_event_ids(filled, "meduza")).all()) == 1
        assert len(connection.execute(fulltext_event_ids(filled.dialect.name, "meduza")).all()) == 1


def test_list_events_with_q_and_review_state(filled) -> None:
    with session(filled) as s:
        # one entity: its Russian name finds the English report too (and the other way round)
        assert {e.evidence for e in list_events(s, EventQuery(q="мемориал"))} == {FINE_RU, MEMORIAL}
        assert {e.evidence for e in list_events(s, EventQuery(q="  "))} == {MEMORIAL, FINE_RU, AGENT_EN, RAID_RU}
        assert [e.evidence for e in list_events(s, EventQuery(q="memorial", type="sanction"))] == [FINE_RU]
        assert list_events(s, EventQuery(q="memorial", type="designation")) == []
        assert len(list_events(s, EventQuery(review_state="unreviewed"))) == 4
        assert list_events(s, EventQuery(review_state="confirmed")) == []
        [out] = list_events(s, EventQuery(q="meduza"))
        assert (out.review_state, out.reviewed_by, out.edited_fields) == ("unreviewed", None, [])


def test_the_index_follows_merges_and_edits(filled) -> None:
    more = "Memorial appealed; the court in Moscow upheld the liquidation order."
    store(
        filled,
        (
            art(more, "appeal.txt", title="Appeal against the ruling rejected", published="2021-12-30"),
            [ev("closure", "forced_liquidation", ["International Memorial"], more, date="2021-12-28")],
        ),
    )
    assert found(filled, "ruling rejected") == {MEMORIAL}  # the new article's title reaches the merged event
    with session(filled) as s:
        event = s.scalars(select(Event).where(Event.evidence == AGENT_EN)).one()
        event.targets = ["Медуза"]
        s.commit()
    assert found(filled, "медуза") == {AGENT_EN}
    with session(filled) as s:
        s.execute(sa.delete(Event).where(Event.evidence == RAID_RU))  # its mentions go by ON DELETE CASCADE
        s.commit()
    assert found(filled, "москва") == set()


def test_upgrade_from_0003_indexes_existing_events(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0003")
    articles = sa.table(
        "articles",
        *(sa.column(c) for c in ("id", "title", "text", "text_hash", "event_count", "ingested_at", "language")),
    )
    events = sa.table(
        "events",
        sa.column("targets", sa.JSON),
        *(
            sa.column(c)
            for c in (
                "id",
                "type",
                "subtype",
                "status",
                "evidence",
                "confidence",
                "boilerplate",
                "source_count",
                "evidence_start",
                "evidence_end",
                "created_at",
                "updated_at",
                "evidence_article_id",
            )
        ),  # fmt: skip
    )
    mentions = sa.table(
        "mentions",
        sa.column("targets", sa.JSON),
        sa.column("extra", sa.JSON),
        *(
            sa.column(c)
            for c in (
                "event_id",
                "article_id",
                "type",
                "subtype",
                "status",
                "evidence",
                "evidence_start",
                "evidence_end",
                "confidence",
                "boilerplate",
            )
        ),  # fmt: skip
    )
    now = sa.func.current_timestamp()
    with engine.begin() as connection:
        connection.execute(
            articles.insert().values(
                id=1, title="Старый заголовок", text="old", text_hash="x", event_count=1, ingested_at=now, language="ru"
            )
        )
        event = {"type": "sanction", "subtype": "fine", "status": "occurred", "evidence": FINE_RU, "boilerplate": False}
        connection.execute(
            events.insert().values(
                id=1,
                targets=["Мемориал"],  # stored JSON-escaped: "\\u041c..."
                confidence=0.9,
                source_count=1,
                evidence_start=0,
                evidence_end=5,
                created_at=now,
                updated_at=now,
                evidence_article_id=1,
                **event,
            )  # fmt: skip
        )
        connection.execute(
            mentions.insert().values(
                event_id=1,
                article_id=1,
                targets=["x"],
                evidence_start=0,
                evidence_end=5,
                confidence=0.9,
                extra={},
                **event,
            )  # fmt: skip
        )
    assert upgrade(engine) == ("0003", head_revision())
    engine.dispose()
    engine = connect(db_url)
    with session(engine) as s:
        stored = s.get(Event, 1)
        assert (stored.review_state, stored.edited_fields, stored.reviewed_by) == ("unreviewed", [], None)
    assert found(engine, "мемориал") == {FINE_RU}  # the targets, JSON-escaped in the row, are decoded
    assert found(engine, "старый заголовок") == {FINE_RU}  # the article's title
    assert found(engine, "оштрафовал") == {FINE_RU}
    engine.dispose()


def test_without_fts5_search_falls_back_to_like(filled, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    if filled.dialect.name != "sqlite":
        pytest.skip("the fallback is for SQLite builds without FTS5")
    monkeypatch.setattr(search_module, "fts5_available", lambda: False)
    monkeypatch.setattr(search_module, "_warned_like", False)
    with caplog.at_level("WARNING", logger="civicwatch.store"):
        assert found(filled, "LIQUIDATION memorial") == {MEMORIAL}
    assert "no FTS5" in caplog.text
    assert found(filled, "ОБЫСК") == {RAID_RU}  # Cyrillic as written in lowercase (SQLite folds ASCII only)
    for q in HOSTILE:
        found(filled, q)


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    engine = connect(db_url)
    store(engine, (art(AGENT_EN, "meduza.txt"), [ev("designation", "foreign_agent", ["Meduza"], AGENT_EN)]))
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0003")
    names = set(sa.inspect(engine).get_table_names())
    assert not {"users", "audit_log", "events_fts"} & names
    assert upgrade(engine) == ("0003", head_revision())
    assert found(engine, "meduza") == {AGENT_EN}
    engine.dispose()


def test_postgresql_document_without_icu(db_url: str) -> None:
    """Where PostgreSQL has no ICU collation, punctuation is stripped by name (C-locale classes are ASCII-only)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import importlib

    migration = importlib.import_module("civicwatch.store.migrations.versions.0004_review")
    engine = connect(db_url)
    document = migration._postgresql_document(None).replace("e.", "events.")
    store(engine, (art(FINE_RU, "fine.txt"), [ev("sanction", "fine", ["«Мемориал»"], FINE_RU)]))
    with engine.connect() as connection:
        vector = connection.scalar(sa.text(f"SELECT {document} FROM events"))  # noqa: S608 (constant SQL)
    assert "'мемориал'" in vector or "'Мемориал'" in vector
    assert "«" not in vector
    engine.dispose()


def test_cli_events_search_and_review_state(filled) -> None:
    import json

    from typer.testing import CliRunner

    from civicwatch.cli import app

    db = filled.url.render_as_string(hide_password=False)
    runner = CliRunner()
    result = runner.invoke(app, ["events", "--db", db, "--search", "оштрафовал", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [e["evidence"] for e in json.loads(result.stdout)["data"]] == [FINE_RU]
    result = runner.invoke(app, ["events", "--db", db, "-q", "memorial", "--review-state", "confirmed", "-f", "json"])
    assert json.loads(result.stdout)["count"] == 0
    assert runner.invoke(app, ["events", "--db", db, "--review-state", "approved"]).exit_code == 2
