"""The database: schema and migrations, idempotent ingestion, merging across articles, entities, queries.

Every test that takes ``db_url`` runs on SQLite (a file in tmp_path) and on PostgreSQL (when
CIVICWATCH_TEST_PG is set; see conftest.py). Events are made by hand here, so that each merge rule is
tested on its own; tests/test_ingest_cli.py runs the real extractor.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, func, inspect, select, text

from civicwatch.core.schema import LEAD_ACT, acts_agree, merge_window
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.resolve import split_list
from civicwatch.store import (
    EventQuery,
    StoreError,
    connect,
    current_revision,
    database_url,
    default_db_path,
    entity_profile,
    find_entities,
    head_revision,
    list_events,
    session,
    upgrade,
)
from civicwatch.store import queries as queries_module
from civicwatch.store.ingest import count_consistency_problems, normalised_hash
from civicwatch.store.merge import WINDOW_DAYS, date_range
from civicwatch.store.models import ACCOUNT_TABLES, Alias, Article, Base, Entity, Event, EventEntity, Mention
from civicwatch.store.search import include_object

EN, RU = {"language": "en"}, {"language": "ru"}


@pytest.fixture
def engine(store_engine):
    return store_engine


def art(body: str, published: str | None = "2015-07-09", url: str | None = None, name: str = "a.txt") -> ArticleIn:
    return ArticleIn(
        text=f"Headline about {name}\n\n{body}",
        published=date.fromisoformat(published) if published else None,
        url=url,
        source=f"/news/{name}",
    )


def ev(type_: str, subtype: str, targets: list[str], when: str | None = None, **fields) -> EventIn:
    fields.setdefault("evidence", f"{targets[0]} {type_} {subtype} {when}")
    fields.setdefault("country", "RU")
    return EventIn(
        type=type_, subtype=subtype, status=fields.pop("status", "occurred"), targets=targets, date=when, **fields
    )


def store(engine, *items: tuple[ArticleIn, list[EventIn]]):
    results = list(ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.ok for r in results), [r.reason for r in results]
    return results


def counts(engine) -> dict[str, int]:
    with session(engine) as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in (Article, Event, Mention, Entity)
        }


def stored_events(engine) -> list[Event]:
    with session(engine) as s:
        return list(s.scalars(select(Event).order_by(Event.id)))


# ------------------------------------------------------------------------------------- schema


def test_fresh_database_gets_the_schema_on_first_use(db_url: str) -> None:
    engine = connect(db_url)
    assert current_revision(engine) == head_revision()
    assert {"articles", "events", "mentions", "entities", "aliases", "event_entities"} <= set(
        inspect(engine).get_table_names()
    )
    assert upgrade(engine) == (head_revision(), head_revision())  # again: nothing to do
    engine.dispose()


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = connect(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
        # the account tables, in their own schema (an attached file on SQLite), under its real name
        schema = connection.schema_for_object(ACCOUNT_TABLES[0])
        accounts = MetaData()
        for table in ACCOUNT_TABLES:
            table.to_metadata(accounts, schema=schema)
        options = {"include_schemas": True, "include_name": lambda name, kind, _: kind != "schema" or name == schema}
        accounts_diff = compare_metadata(MigrationContext.configure(connection, opts=options), accounts)
    engine.dispose()
    assert diff == [] and accounts_diff == []


def test_a_database_of_something_else_is_not_touched(db_url: str) -> None:
    engine = connect(db_url)
    with engine.begin() as connection:  # an unrelated database: tables, but no civicwatch revision
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    with pytest.raises(StoreError, match="civicwatch db upgrade"):
        connect(db_url)


def test_reading_a_missing_sqlite_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    with pytest.raises(StoreError, match="civicwatch ingest"):
        connect(str(path), create=False)
    assert not path.exists()


def test_which_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CIVICWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "civicwatch" / "civicwatch.db"
    assert database_url() == f"sqlite:///{tmp_path}/civicwatch/civicwatch.db"
    monkeypatch.setenv("CIVICWATCH_DB", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("events.db").startswith("sqlite:///") and database_url("events.db").endswith("events.db")
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


# ------------------------------------------------------------------------------------- ingestion


def test_article_event_mention_and_entities_are_stored(engine) -> None:
    body = "On July 8 the Justice Ministry fined Memorial in Grozny."
    event = ev(
        "sanction",
        "fine",
        ["Memorial"],
        "2015-07-08",
        actor="Justice Ministry",
        location="Grozny",
        confidence=0.8,
        evidence_start=20,
        evidence_end=75,
        extra={"language": "en", "trigger": "fined", "headline": False},
    )
    banner = ev("designation", "undesirable", ["Memorial"], boilerplate=True, confidence=0.3)
    [result] = store(engine, (art(body, url="https://example.org/1"), [event, banner]))
    assert (result.status, result.events, result.new_events, result.merged) == ("stored", 2, 2, 0)
    with session(engine) as s:
        article = s.scalars(select(Article)).one()
        assert article.url == "https://example.org/1"
        assert article.title == "Headline about a.txt"
        assert article.published == date(2015, 7, 9)
        assert article.language == "en"
        assert article.source_path == "/news/a.txt"
        assert article.text_hash == normalised_hash(article.text) and article.event_count == 2
        fine = s.scalars(select(Event).where(Event.type == "sanction")).one()
        assert (fine.subtype, fine.status, fine.date, fine.date_start, fine.date_end) == (
            "fine",
            "occurred",
            "2015-07-08",
            date(2015, 7, 8),
            date(2015, 7, 8),
        )
        assert (fine.actor, fine.location, fine.country, fine.source_count, fine.boilerplate) == (
            "Justice Ministry",
            "Grozny",
            "RU",
            1,
            False,
        )
        mention = fine.mentions[0]
        assert (mention.evidence_start, mention.evidence_end, mention.confidence) == (20, 75, 0.8)
        assert mention.extra["trigger"] == "fined"
        assert s.scalars(select(Event).where(Event.type == "designation")).one().boilerplate is True
        kinds = {e.name: e.kind for e in s.scalars(select(Entity))}
        assert kinds == {"Memorial": "organization", "Justice Ministry": "organization", "Grozny": "place"}
        roles = {(link.entity.name, link.role) for link in fine.entity_links}
        assert roles == {("Memorial", "target"), ("Justice Ministry", "actor"), ("Grozny", "location")}
        assert count_consistency_problems(s) == []


def test_the_same_article_twice_changes_nothing(engine) -> None:
    event = ev("sanction", "fine", ["Memorial"], "2015-07-08")
    store(engine, (art("Memorial was fined.", url="https://example.org/1"), [event]))
    before = counts(engine)
    again = store(
        engine,
        (art("Another text, same URL.", url="https://example.org/1", name="b.txt"), [event]),
        (art("  MEMORIAL   was\nfined. ", url=None), [event]),  # same text once case and spaces are normalised
    )
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    assert counts(engine) == before


def test_a_failed_file_is_reported_and_not_stored(engine) -> None:
    [result] = ingest_results(engine, [FileResult(Path("x.txt"), error="empty file")])
    assert (result.status, result.reason) == ("failed", "empty file")
    assert counts(engine)["articles"] == 0


# ------------------------------------------------------------------------------------- merging


def test_one_act_reported_in_two_languages_is_one_event(engine) -> None:
    store(
        engine,
        (
            art("en", "2015-07-09", name="en.txt"),
            [ev("designation", "foreign_agent", ["Memorial"], "2015-07", extra=EN)],
        ),
        (
            art("ru", "2015-07-10", name="ru.txt"),
            [ev("designation", "foreign_agent", ["«Мемориал»"], "2015-07-08", extra=RU)],
        ),
    )
    [event] = stored_events(engine)
    assert (event.date, event.date_start, event.source_count) == ("2015-07-08", date(2015, 7, 8), 2)
    assert event.targets == ["Memorial"]  # one name per entity
    with session(engine) as s:
        mentions = s.scalars(select(Mention).order_by(Mention.id)).all()
        assert [m.date for m in mentions] == ["2015-07", "2015-07-08"]
        assert len({m.event_id for m in mentions}) == 1
        [memorial] = s.scalars(select(Entity)).all()
        assert memorial.key == "memorial"
        assert {(a.name, a.language) for a in memorial.aliases} == {("Memorial", "en"), ("«Мемориал»", "ru")}
        assert count_consistency_problems(s) == []


def test_the_merged_event_keeps_the_best_report(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("closure", "self_liquidation", ["Memorial"], status="planned", confidence=0.6)]),
        (art("b", name="b.txt"), [ev("closure", "self_liquidation", ["Memorial"], "2015-07", confidence=0.9)]),
    )
    [event] = stored_events(engine)
    assert (event.status, event.date, event.evidence) == (
        "occurred",
        "2015-07",
        "Memorial closure self_liquidation 2015-07",
    )
    assert event.confidence == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        ("2015-07-08", "2015-07-08", True),
        ("2015", "2015-07-08", True),
        ("XXXX-07-08", "2015-07-08", True),
        ("2015-07-08", "2015-07-09", False),
        ("2015-07", "2015-08", False),
    ],
)
def test_dated_reports_merge_when_their_dates_agree(engine, first: str, second: str, merged: bool) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("sanction", "fine", ["Golos"], first)]),
        (art("b", name="b.txt"), [ev("sanction", "fine", ["Голос"], second)]),
    )
    assert len(stored_events(engine)) == (1 if merged else 2)


@pytest.mark.parametrize(("days", "merged"), [(0, True), (WINDOW_DAYS, True), (WINDOW_DAYS + 1, False)])
def test_an_undated_report_merges_within_the_window(engine, days: int, merged: bool) -> None:
    later = date.fromordinal(date(2016, 4, 19).toordinal() + days).isoformat()
    store(
        engine,
        (art("a", "2016-04-19", name="a.txt"), [ev("sanction", "fine", ["Golos"])]),
        (art("b", later, name="b.txt"), [ev("sanction", "fine", ["Golos"])]),
    )
    assert len(stored_events(engine)) == (1 if merged else 2)


def test_an_undated_report_merges_with_a_dated_event_near_its_date(engine) -> None:
    store(
        engine,
        (art("a", "2018-01-20", name="a.txt"), [ev("prosecution", "detention", ["Oyub Titiyev"], "2018-01-09")]),
        (art("b", "2018-01-12", name="b.txt"), [ev("prosecution", "detention", ["Oyub Titiyev"])]),
        (art("c", "2018-03-01", name="c.txt"), [ev("prosecution", "detention", ["Oyub Titiyev"])]),
    )
    first, second = stored_events(engine)
    assert (first.source_count, first.date) == (2, "2018-01-09")
    assert second.source_count == 1  # seven weeks later: another detention, as far as the store can tell


def test_translated_names_meet_through_the_shipped_alias_table(engine) -> None:
    store(
        engine,
        (
            art("en", "2015-05-20", name="en.txt"),
            [ev("designation", "foreign_agent", ["Soldiers' Mothers of St Petersburg"], "2014-08")],
        ),
        (
            art("ru", "2015-05-21", name="ru.txt"),
            [ev("designation", "foreign_agent", ["«Солдатских матерей Санкт-Петербурга»"], "2014-08-28")],
        ),
        (art("en2", name="en2.txt"), [ev("sanction", "fine", ["Justice Ministry"], "2016-04-11")]),
        (art("ru2", name="ru2.txt"), [ev("sanction", "fine", ["Минюст"], "2016-04-11")]),
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 2]


def test_two_legal_entities_of_one_name_family_stay_two_events(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("closure", "forced_liquidation", ["International Memorial"], "2021-12-28")]),
        (art("b", name="b.txt"), [ev("closure", "forced_liquidation", ["Memorial Human Rights Centre"], "2021-12")]),
        (
            art("c", name="c.txt"),
            [ev("closure", "forced_liquidation", ["Правозащитный центр «Мемориал»"], "2021-12-29")],
        ),
    )
    assert [e.source_count for e in stored_events(engine)] == [1, 2]
    with session(engine) as s:
        assert len(s.scalars(select(Entity)).all()) == 2


def test_a_date_assumed_from_the_publication_day_agrees_with_the_day_before(engine) -> None:
    assumed = {"date_source": "published"}
    store(
        engine,
        (art("a", "2022-02-09", name="a.txt"), [ev("sanction", "fine", ["Golos"], "2022-02-09", extra=assumed)]),
        (art("b", "2022-02-09", name="b.txt"), [ev("sanction", "fine", ["Голос"], "2022-02-08")]),
        (art("c", "2022-02-25", name="c.txt"), [ev("sanction", "fine", ["Golos"], "2022-02-25", extra=assumed)]),
    )
    first, second = stored_events(engine)
    assert (first.source_count, first.date) == (2, "2022-02-08")  # the real date replaces the assumed one
    assert second.source_count == 1  # 17 days later: beyond a sanction's window


@pytest.mark.parametrize(
    ("type_", "subtype", "merged"), [("sanction", "fine", True), ("prosecution", "detention", False)]
)
def test_windows_depend_on_the_type(engine, type_: str, subtype: str, merged: bool) -> None:
    assert merge_window("prosecution") < 10 <= merge_window("sanction")
    store(
        engine,
        (art("a", "2016-04-19", name="a.txt"), [ev(type_, subtype, ["Golos"])]),
        (art("b", "2016-04-29", name="b.txt"), [ev(type_, subtype, ["Golos"])]),
    )
    assert len(stored_events(engine)) == (1 if merged else 2)


def test_an_interval_agrees_with_a_day_inside_it(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("sanction", "block", ["LinkedIn"], "2016-11-14/2016-11-20")]),
        (art("b", name="b.txt"), [ev("sanction", "block", ["LinkedIn"], "2016-11-17")]),
        (art("c", name="c.txt"), [ev("sanction", "block", ["LinkedIn"], "2016-11-25")]),
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 1]


def test_a_targets_home_country_is_not_the_acts_country_but_laws_keep_theirs(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("designation", "foreign_agent", ["Meduza"], "2021-04-23", country="LV")]),
        (art("b", name="b.txt"), [ev("designation", "foreign_agent", ["Медуза"], "2021-04-23", country="RU")]),
        (art("c", name="c.txt"), [ev("designation", "foreign_agent", ["Revolt Center"], "2021-04-23", country="US")]),
        (art("d", name="d.txt"), [ev("designation", "foreign_agent", ["Revolt Center"], "2021-04-23", country="RU")]),
        (art("e", name="e.txt"), [ev("law", "signed", ["foreign agents law"], "2024-05-28", country="GE")]),
        (art("f", name="f.txt"), [ev("law", "signed", ["foreign agents law"], "2024-05-28", country="RU")]),
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 1, 1, 1, 1]


def test_a_liquidation_and_a_ban_of_one_day_are_one_act(engine) -> None:
    assert acts_agree("closure", "forced_liquidation", "sanction", "ban")
    assert not acts_agree("law", "adopted", "law", "signed")
    store(
        engine,
        (art("a", name="a.txt"), [ev("closure", "forced_liquidation", ["Kloop Media"], "2024-02-09", country="KG")]),
        (art("b", name="b.txt"), [ev("sanction", "ban", ["Клооп Медиа"], "2024-02-09", country="KG")]),
    )
    [event] = stored_events(engine)
    assert event.source_count == 2


def test_a_person_whose_given_name_inflects_apart_is_found_by_surname_and_initial(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("prosecution", "conviction", ["Nika Kvaratskhelia"], "2022-05-16")]),
        (art("b", name="b.txt"), [ev("prosecution", "conviction", ["Ники Кварацхелия"], "2022-05-16")]),
        (art("c", name="c.txt"), [ev("prosecution", "conviction", ["Tamar Kvaratskhelia"], "2022-05-16")]),
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 1]  # Tamar is another woman
    with session(engine) as s:
        assert len(s.scalars(select(Entity)).all()) == 3  # links stay with each name's own entity


def test_a_foreign_h_that_russian_writes_as_g_is_one_surname(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("attack", "assault", ["Marina Helman"], "2017-10-23")]),
        (art("b", name="b.txt"), [ev("attack", "assault", ["Марина Гельман"], "2017-10-23")]),
        (art("c", name="c.txt"), [ev("attack", "assault", ["Марина Гальман"], "2017-10-23")]),  # another vowel
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 1]


def test_a_merge_keeps_why_the_report_joined(engine) -> None:
    store(
        engine,
        (art("en", "2021-04-23", name="en.txt"), [ev("designation", "foreign_agent", ["Meduza"], "2021-04-23")]),
        (art("ru", "2021-04-24", name="ru.txt"), [ev("designation", "foreign_agent", ["«Медуза»"], "2021-04")]),
        (art("law", "2013-03-01", name="l1.txt"), [ev("law", "amended", ["the foreign agent law"], "2013-02")]),
        (art("law2", "2013-03-02", name="l2.txt"), [ev("law", "amended", ["закон об иноагентах"], "2013-02-20")]),
    )
    with session(engine) as s:
        [law, designation] = [e for e in list_events(s, EventQuery()) if e.sources == 2]  # oldest first
    first, second = designation.mentions
    assert first.merged_because is None  # the report that made the event
    assert second.merged_because == {
        "event": designation.id,
        "shared": ["meduza"],
        "dates": "2021-04 agrees with 2021-04-23",
        "subtypes": "designation/foreign_agent + designation/foreign_agent",
    }
    assert law.mentions[1].merged_because["shared"] == ["ru-121-fz-2012"]  # one act, whatever it is called


def test_an_undated_report_without_publication_date_stays_apart(engine) -> None:
    store(
        engine,
        (art("a", "2016-04-19", name="a.txt"), [ev("sanction", "fine", ["Golos"])]),
        (art("b", None, name="b.txt"), [ev("sanction", "fine", ["Golos"])]),
    )
    assert len(stored_events(engine)) == 2


def lead(type_: str, subtype: str, targets: list[str], when: str | None = None, **fields) -> EventIn:
    """An article's lead act (the extractor's ``LEAD_ACT``: the act it reports first)."""
    return ev(type_, subtype, targets, when, extra={LEAD_ACT: True}, **fields)


def test_an_undated_lead_act_without_publication_date_joins_the_one_stored_lead_act(engine) -> None:
    store(
        engine,
        (art("a", "2022-05-16", name="a.txt"), [lead("prosecution", "conviction", ["Golos"], "2022-05-16")]),
        (art("b", None, name="b.txt"), [lead("prosecution", "conviction", ["Golos"])]),
        (art("c", None, name="c.txt"), [ev("prosecution", "conviction", ["Golos"])]),  # told as background: apart
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 1]
    with session(engine) as s:
        [merged] = [e for e in list_events(s, EventQuery()) if e.sources == 2]
    assert "no publication date" in merged.mentions[1].merged_because["dates"]


def test_a_timeless_lead_act_joins_nothing_when_two_stored_acts_fit_or_the_other_is_background(engine) -> None:
    store(
        engine,
        (art("a", "2019-08-09", name="a.txt"), [lead("prosecution", "criminal_case", ["Golos"], "2019-08-09")]),
        (art("b", "2020-03-01", name="b.txt"), [lead("prosecution", "criminal_case", ["Golos"], "2020-03-01")]),
        (art("c", None, name="c.txt"), [lead("prosecution", "criminal_case", ["Golos"])]),  # which one? neither
        (art("d", None, name="d.txt"), [lead("sanction", "fine", ["Golos"])]),
        (art("e", "2014-12-25", name="e.txt"), [ev("sanction", "fine", ["Golos"], "2014-12-25")]),  # recalled
        (art("f", "2021-06-01", name="f.txt"), [lead("sanction", "fine", ["Golos"], "2021-06-01")]),  # news: joins d
    )
    assert [e.source_count for e in stored_events(engine)] == [1, 1, 1, 2, 1]


@pytest.mark.parametrize(
    ("second", "merged"),
    [
        (ev("sanction", "fine", ["Golos"], country="BY"), False),  # another country
        (ev("sanction", "warning", ["Golos"]), False),  # another measure
        (ev("designation", "foreign_agent", ["Golos"]), False),  # another type
        (ev("sanction", "fine", ["Memorial"]), False),  # another target
        (ev("sanction", "fine", ["the group"]), False),  # no target with an identity
        (ev("sanction", "fine", ["Memorial", "Golos"]), True),  # a shared target is enough
    ],
)
def test_what_keeps_reports_apart(engine, second: EventIn, merged: bool) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("sanction", "fine", ["Golos"])]),
        (art("b", name="b.txt"), [second]),
    )
    assert len(stored_events(engine)) == (1 if merged else 2)


def test_compatible_subtypes_merge_and_speakers_keep_reactions_apart(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("attack", "vandalism", ["Committee Against Torture"], "2015-06-03")]),
        (art("b", name="b.txt"), [ev("attack", "assault", ["Committee Against Torture"], "2015-06-03")]),
        (art("c", name="c.txt"), [ev("reaction", "condemnation", ["Memorial"], actor="Amnesty International")]),
        (art("d", name="d.txt"), [ev("reaction", "condemnation", ["Memorial"], actor="European Union")]),
        (art("e", name="e.txt"), [ev("reaction", "appeal", ["Memorial"], actor="Amnesty International")]),
    )
    assert [e.source_count for e in stored_events(engine)] == [2, 2, 1]


def test_events_of_one_article_go_to_the_closest_stored_events(engine) -> None:
    detention = ["Oyub Titiyev"]
    store(
        engine,
        (art("ruling", "2018-01-12", name="a.txt"), [ev("prosecution", "detention", detention)]),
        (
            art("both", "2018-01-12", name="b.txt"),
            [
                ev("prosecution", "detention", detention, "2018-01-09"),
                ev("prosecution", "detention", detention, "2018-01-11"),
            ],
        ),
    )
    merged, new = stored_events(engine)
    assert (merged.source_count, merged.date) == (2, "2018-01-11")
    assert (new.source_count, new.date) == (1, "2018-01-09")


def test_a_list_target_links_each_named_entity(engine) -> None:
    assert split_list("Agora, Public Verdict and Memorial") == ["Agora", "Public Verdict", "Memorial"]
    assert split_list("Committee for Human Rights and Freedoms") == ["Committee for Human Rights and Freedoms"]
    assert split_list("Golos, an election monitor") == ["Golos, an election monitor"]
    assert split_list("Perm Daily- Ivan Sidorov") == ["Perm Daily", "Ivan Sidorov"]  # a dash typed as a hyphen
    assert split_list("Kara-Murza") == ["Kara-Murza"]
    store(
        engine,
        (art("a", name="a.txt"), [ev("designation", "foreign_agent", ["Agora, Public Verdict and Memorial"])]),
        (art("b", name="b.txt"), [ev("designation", "foreign_agent", ["«Мемориал»"])]),
    )
    [event] = stored_events(engine)
    assert event.source_count == 2
    with session(engine) as s:
        assert {e.key for e in s.scalars(select(Entity))} >= {"agora", "memorial"}


def test_an_acronym_spelled_out_once_finds_its_entity_later(engine) -> None:
    store(
        engine,
        (art("a", name="a.txt"), [ev("sanction", "fine", ["Committee Against Torture (KPP)"], "2015-06")]),
        (art("b", name="b.txt"), [ev("sanction", "fine", ["KPP"], "2015-06-03")]),
    )
    [event] = stored_events(engine)
    assert event.source_count == 2
    with session(engine) as s:
        [entity] = s.scalars(select(Entity)).all()
        assert {a.name for a in entity.aliases} == {"Committee Against Torture (KPP)", "KPP"}


def test_entity_kinds(engine) -> None:
    store(
        engine,
        (
            art("a", name="a.txt"),
            [
                ev("sanction", "warning", ["Igor Kalyapin"], actor="the authorities", location="Grozny"),
                ev("law", "signed", ["the foreign agent law"], actor="Vladimir Putin"),
            ],
        ),
    )
    with session(engine) as s:
        kinds = {e.name: e.kind for e in s.scalars(select(Entity))}
    assert kinds["Igor Kalyapin"] == "person"
    assert kinds["Grozny"] == "place"
    assert kinds["the foreign agent law"] == "law"
    assert "the authorities" not in kinds  # generic words name no entity


# ------------------------------------------------------------------------------------- queries


@pytest.fixture
def filled(engine):
    store(
        engine,
        (
            art("a", "2015-07-09", url="https://example.org/a", name="a.txt"),
            [
                ev("designation", "foreign_agent", ["Memorial"], "2015-07", actor="Justice Ministry"),
                ev("sanction", "fine", ["Golos"], "2016-04-11"),
                ev("closure", "self_liquidation", ["Dynasty Foundation"]),
                ev("designation", "undesirable", ["Moscow Times"], boilerplate=True),
            ],
        ),
        (art("b", "2015-07-10", name="b.txt"), [ev("designation", "foreign_agent", ["«Мемориал»"], "2015-07-08")]),
    )
    return engine


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (EventQuery(), ["designation", "sanction", "closure"]),  # dated first, boilerplate hidden
        (EventQuery(include_boilerplate=True), ["designation", "sanction", "closure", "designation"]),
        (EventQuery(type="sanction"), ["sanction"]),
        (EventQuery(subtype="foreign_agent"), ["designation"]),
        (EventQuery(date_from=date(2015, 7, 8)), ["designation", "sanction"]),
        (EventQuery(date_from=date(2015, 7, 9)), ["sanction"]),
        (EventQuery(date_to=date(2015, 12, 31)), ["designation"]),
        (EventQuery(entity="Мемориал"), ["designation"]),
        (EventQuery(entity="Memorial International"), ["designation"]),
        (EventQuery(entity="Nobody Known"), []),
        (EventQuery(limit=1), ["designation"]),
    ],
)
def test_list_events_filters(filled, flt: EventQuery, expected: list[str]) -> None:
    with session(filled) as s:
        assert [e.type for e in list_events(s, flt)] == expected


def test_listed_events_carry_their_mentions(filled) -> None:
    with session(filled) as s:
        [event] = list_events(s, EventQuery(subtype="foreign_agent"))
    data = event.to_dict()
    assert (data["date"], data["sources"], data["url"]) == ("2015-07-08", 2, "https://example.org/a")
    assert [(m["published"], m["date"]) for m in data["mentions"]] == [
        ("2015-07-09", "2015-07"),
        ("2015-07-10", "2015-07-08"),
    ]
    assert data["mentions"][0]["url"] == "https://example.org/a"


def test_entity_profile_aliases_timeline_and_registry_hook(filled, monkeypatch: pytest.MonkeyPatch) -> None:
    with session(filled) as s:
        [memorial] = find_entities(s, "MEMORIAL")
        profile = entity_profile(s, memorial)
        assert {a.name for a in profile.aliases} == {"Memorial", "«Мемориал»"}
        assert [(item.roles, item.event.type) for item in profile.timeline] == [(["target"], "designation")]
        assert profile.registry == []
        provider = lambda session, entity: [{"register": "foreign_agents", "listed": "2015-07-21"}]  # noqa: E731
        monkeypatch.setattr(queries_module, "REGISTRY_PROVIDERS", [provider])
        assert entity_profile(s, memorial).registry == [{"register": "foreign_agents", "listed": "2015-07-21"}]
        assert [e.name for e in find_entities(s, "dynasty")] == ["Dynasty Foundation"]
        assert find_entities(s, "zzz") == []
        links = s.scalar(select(func.count()).select_from(EventEntity).where(EventEntity.entity_id == memorial.id))
        assert links == 1
        assert s.scalar(select(func.count()).select_from(Alias).where(Alias.entity_id == memorial.id)) == 2


def test_edtf_dates_as_day_ranges() -> None:
    assert date_range("2015") == (date(2015, 1, 1), date(2015, 12, 31))
    assert date_range("2016-02") == (date(2016, 2, 1), date(2016, 2, 29))
    assert date_range("2012-22") == (date(2012, 6, 1), date(2012, 8, 31))  # summer
    assert date_range("2015-01/2015-03") == (date(2015, 1, 1), date(2015, 3, 31))
    assert date_range("XXXX-07-08") is None and date_range(None) is None and date_range("2015-13") is None
