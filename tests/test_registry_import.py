"""`civicwatch registry import` and the registers' verdict on news events, on SQLite and PostgreSQL.

Real files from ../shared/registries (see its README): the Minjust foreign-agent XLSX exports of
2025-08-08 and 2025-08-15, the fz255 undesirable-organisations JSON and the FARA registrants CSV. The
linking rules are tested on small hand-made snapshots and hand-made news events (as tests/test_store.py
makes them), the whole path with the real extractor through the command line.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.registries import RegistryEntry, RegistrySnapshot, read_registry
from civicwatch.resolve import canonical_key, entity_key
from civicwatch.store import (
    EventQuery,
    connect,
    entity_profile,
    find_entities,
    head_revision,
    list_events,
    session,
)
from civicwatch.store import registry as registry_module
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.link import WINDOW_DAYS
from civicwatch.store.models import (
    Alias,
    Entity,
    Event,
    EventEntity,
    Mention,
    RegistryCheck,
    RegistryEventSource,
    RegistryImport,
    RegistryRecord,
)
from civicwatch.store.registry import import_registry, import_snapshot

REGISTRIES = Path(__file__).resolve().parents[2] / "shared" / "registries"
XLSX_0808 = REGISTRIES / "ru_minjust_foreign_agents_2025-08-08.xlsx"
XLSX_0815 = REGISTRIES / "ru_minjust_foreign_agents_2025-08-15.xlsx"
FZ255_AGENTS = REGISTRIES / "ru_minjust_foreign_agents_fz255_2024-10-01.json"
UNDESIRABLE = REGISTRIES / "ru_undesirable_orgs_fz255_2024-09-05.json"
REGISTRANTS = REGISTRIES / "us_fara_All_Registrants_2025-04-09.csv"
real_files = pytest.mark.skipif(not REGISTRIES.is_dir(), reason=f"registry fixtures not found at {REGISTRIES}")

TABLES = (
    Entity,
    Alias,
    Event,
    EventEntity,
    Mention,
    RegistryImport,
    RegistryRecord,
    RegistryEventSource,
    RegistryCheck,
)
SNILS = re.compile(r"\d{3}-\d{3}-\d{3} \d{2}")
runner = CliRunner()


@pytest.fixture
def engine(store_engine):
    return store_engine


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})


def counts(engine) -> dict[str, int]:
    with session(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def register_events(engine, kind: str | None = None) -> list[tuple[str, str, str, str]]:
    """(type, subtype, date, entry id) of the events a register import made."""
    query = (
        select(Event.type, Event.subtype, Event.date, RegistryRecord.entry_id)
        .join(RegistryEventSource, RegistryEventSource.event_id == Event.id)
        .join(RegistryRecord, RegistryRecord.id == RegistryEventSource.record_id)
    )
    if kind:
        query = query.where(Event.type == kind)
    with session(engine) as s:
        return sorted(tuple(row) for row in s.execute(query))


def news(engine, *items: tuple[str, list[EventIn]], published: str | None = "2025-08-16") -> None:
    """Store hand-made news events, one article per item (as tests/test_store.py does)."""
    results = []
    for i, (body, events) in enumerate(items):
        article = ArticleIn(
            text=f"Headline {i}\n\n{body}",
            published=date.fromisoformat(published) if published else None,
            source=f"/news/{i}.txt",
        )
        results.append(FileResult(Path(article.source), article=article, events=events))
    assert all(r.ok for r in ingest_results(engine, results))


def designation(targets: list[str], when: str | None, subtype: str = "foreign_agent", **fields) -> EventIn:
    fields.setdefault("country", "RU")
    fields.setdefault("evidence", f"{targets[0]} designated {when}")
    return EventIn(
        type=fields.pop("type", "designation"), subtype=subtype, status="occurred", targets=targets, date=when, **fields
    )


def verdicts(engine) -> dict[str, tuple]:
    """evidence -> (verdict, register, entry id, days apart) for every news event."""
    with session(engine) as s:
        rows = list_events(s, EventQuery())
    return {
        row.evidence: (
            row.registry_check["verdict"],
            row.registry_check["register"],
            row.registry_check["entry_id"],
            row.registry_check["days_apart"],
        )
        for row in rows
        if row.registry is None
    }


# ------------------------------------------------------------------------------------- real registers


@real_files
def test_weekly_exports_add_only_what_changed(engine) -> None:
    first = import_registry(engine, XLSX_0808, "ru-foreign-agents")
    assert (first.status, first.entries, first.new_entries, first.designations, first.delistings) == (
        "imported",
        1045,
        1045,
        1045,
        231,
    )
    assert first.problems == [] and first.as_of == date(2025, 8, 8)
    before = counts(engine)
    assert (before["events"], before["registry_records"], before["registry_event_sources"]) == (1276, 1045, 1276)
    events_before = set(register_events(engine))

    second = import_registry(engine, XLSX_0815, "ru-foreign-agents")
    assert (second.entries, second.new_entries, second.designations, second.delistings) == (1050, 5, 5, 1)
    after = counts(engine)
    assert after["events"] - before["events"] == 6 and after["registry_records"] == 1050
    assert sorted(set(register_events(engine)) - events_before) == [
        ("delisting", "foreign_agent", "2025-08-15", "535"),
        *[("designation", "foreign_agent", "2025-08-15", str(n)) for n in range(1046, 1051)],
    ]

    again = import_registry(engine, XLSX_0815, "ru-foreign-agents")
    assert again.status == "already imported" and counts(engine) == after

    # the same facts under another file hash: a new snapshot row, nothing else
    snapshot = read_registry(XLSX_0815, "ru-foreign-agents")
    relabelled = import_snapshot(engine, snapshot, "0" * 64)
    assert (relabelled.status, relabelled.new_entries, relabelled.designations, relabelled.delistings) == (
        "imported",
        0,
        0,
        0,
    )
    assert counts(engine) == {**after, "registry_imports": after["registry_imports"] + 1}
    # an older snapshot imported late neither re-opens entry 535 nor calls the new entries missing
    older = import_snapshot(engine, read_registry(XLSX_0808, "ru-foreign-agents"), "1" * 64)
    assert (older.designations, older.delistings, older.changed_entries) == (0, 0, 0)
    with session(engine) as s:
        r535 = s.scalars(select(RegistryRecord).where(RegistryRecord.entry_id == "535")).one()
        assert r535.date_out == date(2025, 8, 15) and r535.data_as_of == date(2025, 8, 15)
        assert s.scalar(select(func.count()).where(RegistryRecord.missing_since.is_not(None))) == 0
        assert count_consistency_problems(s) == []  # a register's events need no mentions


@real_files
def test_register_events_entities_and_aliases(engine) -> None:
    import_registry(engine, XLSX_0815, "ru-foreign-agents")
    with session(engine) as s:
        event = s.scalars(
            select(Event)
            .join(RegistryEventSource, RegistryEventSource.event_id == Event.id)
            .join(RegistryRecord, RegistryRecord.id == RegistryEventSource.record_id)
            .where(RegistryRecord.entry_id == "1050")
        ).one()
        assert (event.type, event.subtype, event.date, event.country, event.actor) == (
            "designation",
            "foreign_agent",
            "2025-08-15",
            "RU",
            "Ministry of Justice of the Russian Federation",
        )
        assert event.mentions == [] and event.confidence == 1.0 and "entry 1050" in event.evidence
        roles = {(link.role, link.entity.name) for link in event.entity_links}
        assert ("target", '"Револьт-Центр"') in roles and (
            "actor",
            "Ministry of Justice of the Russian Federation",
        ) in roles

        [revolt] = find_entities(s, "Револьт-Центр")
        assert revolt.key == "revolt" and revolt.kind == "organization"
        [status] = entity_profile(s, revolt).registry
        assert status == {
            "register": "ru-foreign-agents",
            "entry_id": "1050",
            "name": '"Револьт-Центр"',
            "listed": "2025-08-15",
            "delisted": None,
            "missing_since": None,
            "as_of": "2025-08-15",
            "source": XLSX_0815.name,
        }
        # other names are aliases of the same entity: the pseudonym of entry 1046
        krotov = s.scalars(select(RegistryRecord).where(RegistryRecord.entry_id == "1046")).one()
        assert {a.name for a in krotov.entity.aliases} >= {"Кротов Марк Яковлевич", "Крутов"}
        assert krotov.entity.kind == "person"
        r535 = s.scalars(select(RegistryRecord).where(RegistryRecord.entry_id == "535")).one()
        assert [(e["listed"], e["delisted"]) for e in entity_profile(s, r535.entity).registry] == [
            ("2023-01-27", "2025-08-15")
        ]
        # one mechanism: each entry's entity is keyed by one of its names (the alias table's entity, else
        # identity's entity_key), as news is
        records = s.scalars(select(RegistryRecord)).all()
        kinds = {True: "PERSON", False: "ORG", None: None}
        for record in records:
            names = [record.name, *record.other_names]
            keys = {entity_key(name, kinds[record.is_person]) for name in names}
            keys |= {canonical_key(name, kinds[record.is_person], strict=True) for name in names}
            assert (record.entity.key if record.entity else None) in keys | {None}, record.entry_id
        assert sum(record.entity is None for record in records) <= 5  # names with no key at all


@real_files
def test_an_inn_joins_entries_of_two_sources_into_one_entity(engine) -> None:
    import_registry(engine, XLSX_0815, "ru-foreign-agents")
    import_registry(engine, FZ255_AGENTS, "ru-foreign-agents")  # same register, community mirror, older
    with session(engine) as s:
        # entry 9 (HRC Memorial, INN 7707061466) in both files: one record, one entity
        records = s.scalars(select(RegistryRecord).where(RegistryRecord.inn == "7707061466")).all()
        assert len(records) == 1 and records[0].entity.key == "memorial-hrc"  # the centre, not International Memorial


@real_files
def test_undesirable_organisations(engine) -> None:
    result = import_registry(engine, UNDESIRABLE, "ru-undesirable")
    assert (result.entries, result.designations, result.delistings) == (188, 188, 0)
    events = register_events(engine)
    assert {(t, sub) for t, sub, _, _ in events} == {("designation", "undesirable")}
    assert ("designation", "undesirable", "2015-07-29", "1") in events
    # the same list from another source, keyed by name, not by № п/п: the 188 known inclusions are recognised
    later = import_registry(engine, REGISTRIES / "ru_undesirable_orgs_chekazoid_2026-07-29.json", "ru-undesirable")
    assert (later.entries, later.new_entries, later.changed_entries, later.designations) == (367, 179, 188, 179)
    with session(engine) as s:
        source = RegistryEventSource
        per_record = select(func.count()).select_from(source).group_by(source.record_id, source.kind)
        assert set(s.scalars(per_record)) == {1}
        [ned] = find_entities(s, "National Endowment for Democracy")
        assert "The National Endowment for Democracy" in {a.name for a in ned.aliases}
        [status] = entity_profile(s, ned).registry
        assert (status["register"], status["entry_id"], status["listed"]) == ("ru-undesirable", "1", "2015-07-29")


@real_files
def test_fara_registrants_become_entities_without_events(engine) -> None:
    start = time.perf_counter()
    result = import_registry(engine, REGISTRANTS, "us-fara-registrants")
    seconds = time.perf_counter() - start
    assert (result.entries, result.new_entries, result.designations, result.delistings) == (6928, 6928, 0, 0)
    assert seconds < 30, f"FARA import took {seconds:.1f} s"  # about 1.5 s on SQLite (bench/bench_registry.py)
    found = counts(engine)
    assert found["events"] == 0 and found["registry_records"] == 6928
    assert 5000 < found["entities"] <= 6928
    with session(engine) as s:
        manafort = s.scalars(select(RegistryRecord).where(RegistryRecord.name.like("Manafort%"))).first()
        assert manafort is not None and manafort.is_person and manafort.entity.kind == "person"
        assert manafort.entity.name == manafort.extra["generated_other_names"][0]  # keyed in natural order
        [status] = entity_profile(s, manafort.entity).registry
        assert status["register"] == "us-fara-registrants" and status["listed"]
    # a US foreign-agent designation in the news is checked against FARA registration dates
    news(
        engine,
        ("a", [designation(["Earhart Turner LLC"], "2025-04-02", country="US", evidence="FARA ok")]),
        ("b", [designation(["Earhart Turner LLC"], "2025-04-02", country="RU", evidence="FARA wrong country")]),
    )
    found = verdicts(engine)
    assert found["FARA ok"] == ("confirmed", "us-fara-registrants", "7565", 0)
    assert found["FARA wrong country"][0] == "not_checked"  # no Russian foreign-agent register imported


@real_files
def test_pension_numbers_and_birth_dates_never_reach_the_database(engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(XLSX_0808)
    sheet = workbook.worksheets[0]
    sheet["K5"], sheet["L5"] = "123-456-789 01", "01.02.1970"  # СНИЛС and birth date of № 1044, a person
    sheet["F6"] = "https://example.org; 987-654-321 09"  # a pension number pasted into another column
    sheet["P5"] = "40817810340150078631"  # a special account number
    copy = tmp_path / "with_personal_data.xlsx"
    workbook.save(copy)
    result = import_registry(engine, copy, "ru-foreign-agents")
    assert result.entries == 1045
    dump = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            dump += [str(value) for row in connection.execute(text(f"SELECT * FROM {table}")) for value in row]
    assert dump and any("Сивенок" in value for value in dump)  # the row itself was stored
    assert not any(SNILS.search(value) for value in dump)
    assert not any(day in value for value in dump for day in ("01.02.1970", "1970-02-01", "40817810340150078631"))


# ------------------------------------------------------------------------------------- linking rules


def entry(entry_id: str, name: str, date_in: str, date_out: str | None = None, **fields) -> RegistryEntry:
    return RegistryEntry(
        registry=fields.pop("registry", "ru-foreign-agents"),
        entry_id=entry_id,
        name=name,
        date_in=date.fromisoformat(date_in),
        date_out=date.fromisoformat(date_out) if date_out else None,
        **fields,
    )


def snapshot(*entries: RegistryEntry, as_of: str = "2025-08-15", registry: str = "ru-foreign-agents"):
    return RegistrySnapshot(
        registry=registry,
        source=f"{registry}_{as_of}.json",
        as_of=date.fromisoformat(as_of),
        as_of_source="file-name",
        source_format="test",
        entries=list(entries),
    )


AGENTS = snapshot(
    entry("1", "Межрегиональная общественная организация Правозащитный Центр «Мемориал»", "2014-07-21", "2022-05-26"),
    entry("2", '"Револьт-Центр"', "2025-08-15"),
    entry("3", "Иванов Иван Иванович", "2024-01-10", is_person=True, other_names=("Ваня",)),
    entry("4", "Общество «Вера»", "2023-03-03", is_person=False),
    entry("5", "Автономная некоммерческая организация «Ромашка»", "2022-02-02", inn="7701234567", is_person=False),
    entry("6", "Фонд «Свобода слова»", "2021-06-01", "2024-06-01", is_person=False),
)


def test_verdicts_on_dates_names_and_numbers(engine) -> None:
    import_snapshot(engine, AGENTS, "a" * 64)
    news(
        engine,
        ("1", [designation(["«Револьт-Центр»"], "2025-08-15", evidence="same day")]),
        ("2", [designation(["Revolt Center"], f"2025-08-{15 - WINDOW_DAYS:02d}", evidence="a week before")]),
        ("3", [designation(["Револьт-Центр"], "2025-08-01", evidence="two weeks before")]),
        ("5", [designation(["Memorial"], "2014-07-23", evidence="memorial shared quoted key")]),
        ("6", [designation(["Memorial"], "2023-01-10", evidence="memorial far from its namesakes")]),
        ("6b", [designation(["Фонд «Свобода слова»"], "2024-09-01", evidence="after its exclusion")]),
        ("7", [designation(["Иван Иванов"], "2024-01-11", evidence="person by full name")]),
        ("8", [designation(["Иванов"], "2024-01-10", evidence="bare surname")]),
        ("9", [designation(["Ваня"], "2024-01-10", evidence="one-word other name of a person")]),
        ("10", [designation(["Vera"], "2023-03-03", evidence="four-letter shared key")]),
        ("11", [designation(["ООО Неизвестное"], "2022-02-02", evidence="ИНН 7701234567 under another name")]),
        ("12", [designation(["Фонд «Светлый путь»"], "2025-08-08", evidence="unknown")]),
        ("13", [designation(["«Револьт-Центр»"], "2025-09-20", evidence="after the snapshot")]),
        ("14", [designation(["«Револьт-Центр»"], "2025-08-15", subtype="extremist", evidence="no register")]),
        ("15", [designation(["«Револьт-Центр»"], "2025-08-15", country="GE", evidence="Georgia")]),
        ("16", [designation(["Фонд «Свобода слова»"], "2024-06-03", type="delisting", evidence="delisted")]),
        ("17", [designation(["«Револьт-Центр»"], "2025-08-14", type="delisting", evidence="still listed")]),
    )
    found = verdicts(engine)
    assert found == {
        "same day": ("confirmed", "ru-foreign-agents", "2", 0),
        "a week before": ("confirmed", "ru-foreign-agents", "2", WINDOW_DAYS),
        "two weeks before": ("contradicted", "ru-foreign-agents", "2", 14),
        "memorial shared quoted key": ("confirmed", "ru-foreign-agents", "1", 2),
        "memorial far from its namesakes": ("absent", None, None, None),
        "after its exclusion": ("contradicted", "ru-foreign-agents", "6", 1188),
        "person by full name": ("confirmed", "ru-foreign-agents", "3", 1),
        "bare surname": ("absent", None, None, None),
        "one-word other name of a person": ("absent", None, None, None),
        "four-letter shared key": ("absent", None, None, None),
        "ИНН 7701234567 under another name": ("confirmed", "ru-foreign-agents", "5", 0),
        "unknown": ("absent", None, None, None),
        "after the snapshot": ("not_checked", None, None, None),
        "no register": ("not_checked", None, None, None),
        "Georgia": ("not_checked", None, None, None),
        "delisted": ("confirmed", "ru-foreign-agents", "6", 2),
        "still listed": ("contradicted", "ru-foreign-agents", "2", None),
    }
    with session(engine) as s:
        reasons = {c.event_id: c for c in s.scalars(select(RegistryCheck))}
        by_evidence = {e.evidence: reasons[e.id] for e in s.scalars(select(Event)) if e.id in reasons}
    assert "excluded on 2024-06-01, before the reported designation" in by_evidence["after its exclusion"].reason
    assert "entry 1" in by_evidence["memorial far from its namesakes"].reason  # the namesake is named
    assert by_evidence["ИНН 7701234567 under another name"].matched_by == "inn"
    assert by_evidence["memorial shared quoted key"].matched_by == "shared-key"
    assert by_evidence["same day"].matched_by == "exact-name"
    assert "predate" in by_evidence["after the snapshot"].reason
    assert "still listed as of 2025-08-15" in by_evidence["still listed"].reason


@pytest.mark.parametrize(
    ("when", "published", "expected"),
    [
        ("2025-08", "2025-08-16", ("confirmed", 0)),  # a month: any day of it, widened by the window
        ("2025", "2025-08-16", ("confirmed", 0)),
        (None, "2025-08-16", ("confirmed", 0)),  # undated: the week before its report
        (None, "2025-08-20", ("confirmed", 0)),
        (None, "2025-08-30", ("not_checked", None)),  # the snapshot of 2025-08-15 cannot know yet
        (None, "2024-05-01", ("contradicted", 471)),
    ],
)
def test_reported_dates_as_ranges(engine, when: str | None, published: str, expected: tuple) -> None:
    import_snapshot(engine, AGENTS, "a" * 64)
    news(engine, ("1", [designation(["Revolt Center"], when, evidence="news")]), published=published)
    verdict, _, _, days = verdicts(engine)["news"]
    assert (verdict, days) == expected


@pytest.mark.parametrize(
    ("targets", "published", "expected"),
    [
        # an undated report may tell an earlier act: the entity's own entry, included before it, backs it
        (["Фонд «Свобода слова»"], "2022-03-01", ("confirmed", "6", 266)),
        (["Фонд «Свобода слова»"], "2021-05-01", ("contradicted", "6", 31)),  # included only after the report
        (["Memorial"], "2016-01-01", ("absent", None, None)),  # a namesake of the family is not this entity
        # no date and no publication date: the entity's own entry, whenever decided; the first-named target's
        (["Фонд «Свобода слова»", "«Револьт-Центр»"], None, ("confirmed", "6", None)),
        (["«Револьт-Центр»", "Фонд «Свобода слова»"], None, ("confirmed", "2", None)),
        (["Memorial"], None, ("absent", None, None)),
    ],
)
def test_undated_reports_are_backed_by_the_entitys_own_earlier_entry(
    engine, targets: list[str], published: str | None, expected: tuple
) -> None:
    import_snapshot(engine, AGENTS, "a" * 64)
    news(engine, ("1", [designation(targets, None, evidence="news")]), published=published)
    verdict, _, entry_id, days = verdicts(engine)["news"]
    assert (verdict, entry_id, days) == expected


def test_news_never_merges_into_a_register_event(engine) -> None:
    import_snapshot(engine, AGENTS, "a" * 64)
    before = counts(engine)
    news(engine, ("1", [designation(["«Револьт-Центр»"], "2025-08-15", evidence="news")]))
    after = counts(engine)
    assert after["events"] == before["events"] + 1 and after["mentions"] == 1
    with session(engine) as s:
        assert s.scalar(select(func.max(Event.source_count))) == 1
        assert count_consistency_problems(s) == []


def test_import_checks_news_stored_before_and_a_later_snapshot_updates_the_verdict(engine) -> None:
    news(engine, ("1", [designation(["«Револьт-Центр»"], "2025-08-15", evidence="news")]))
    assert verdicts(engine)["news"][0] == "not_checked"  # no register yet: no check stored
    with session(engine) as s:
        assert s.scalar(select(func.count()).select_from(RegistryCheck)) == 0
    old = snapshot(AGENTS.entries[0], as_of="2025-08-08")
    result = import_snapshot(engine, old, "b" * 64)
    assert result.checks == {"not_checked": 1}  # the snapshot predates the reported date
    result = import_snapshot(engine, dataclasses.replace(AGENTS), "c" * 64)
    assert result.checks == {"confirmed": 1} and result.new_entries == 5
    assert verdicts(engine)["news"] == ("confirmed", "ru-foreign-agents", "2", 0)


def test_a_failed_import_leaves_nothing_behind(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import_snapshot(engine, snapshot(AGENTS.entries[0], registry="ru-foreign-agents"), "d" * 64)
    news(engine, ("1", [designation(["«Револьт-Центр»"], "2025-08-15", evidence="news")]))
    before = counts(engine)
    original = registry_module._Import._events

    def events_then_fail(self, records, entities):
        original(self, records, entities)  # records, entities, aliases and events are written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry_module._Import, "_events", events_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        import_snapshot(engine, AGENTS, "e" * 64)
    assert counts(engine) == before
    monkeypatch.undo()
    result = import_snapshot(engine, AGENTS, "e" * 64)  # and the same import succeeds afterwards
    assert result.status == "imported" and result.new_entries == 5


# ------------------------------------------------------------------------------------- command line

CONFIRMED = (
    "Минюст признал «Револьт-Центр» иностранным агентом\n\n"
    "Министерство юстиции 15 августа 2025 года включило «Револьт-Центр» в реестр иностранных агентов.\n"
)
CONTRADICTED = CONFIRMED.replace("15 августа 2025", "10 мая 2024")
ABSENT = (
    "Минюст признал «Светлый путь» иностранным агентом\n\n"
    "Министерство юстиции 8 августа 2025 года включило фонд «Светлый путь» в реестр иностранных агентов.\n"
)


def write_news(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body, published in (
        ("confirmed", CONFIRMED, "2025-08-16"),
        ("contradicted", CONTRADICTED, "2024-05-11"),
        ("absent", ABSENT, "2025-08-09"),
    ):
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(
            json.dumps({"url": f"https://example.org/{name}", "published": published})
        )
    return folder


def cli_verdicts(db_url: str) -> dict[str, tuple[str, str]]:
    """article URL -> (verdict, registry entry), from `civicwatch events --format csv` and json (they agree)."""
    data = json.loads(run("events", "--db", db_url, "-f", "json", "--type", "designation").stdout)["data"]
    from_json = {
        e["url"]: (e["registry_check"]["verdict"], e["registry_check"]["entry_id"] or "") for e in data if e["url"]
    }
    rows = csv.DictReader(io.StringIO(run("events", "--db", db_url, "-f", "csv", "--type", "designation").stdout))
    from_csv = {r["url"]: (r["registry_check"], r["registry_entry"].split(" ")[-1]) for r in rows if r["url"]}
    assert from_json == from_csv
    return from_json


EXPECTED = {
    "https://example.org/confirmed": ("confirmed", "1050"),
    "https://example.org/contradicted": ("contradicted", "1050"),
    "https://example.org/absent": ("absent", ""),
}


@real_files
@pytest.mark.parametrize("order", ["import-then-ingest", "ingest-then-import"])
def test_news_articles_against_the_register(tmp_path: Path, db_url: str, order: str) -> None:
    folder = write_news(tmp_path / "news")
    steps = [("registry", "import", XLSX_0815, "--kind", "ru-foreign-agents"), ("ingest", folder)]
    if order == "ingest-then-import":
        steps.reverse()
    for step in steps:
        result = run(*step, "--db", db_url)
        assert result.exit_code == 0, result.output
    assert cli_verdicts(db_url) == EXPECTED
    if order == "ingest-then-import":
        assert "news events checked: 1 absent, 1 confirmed, 1 contradicted" in result.stderr

    entity = run("entity", "Револьт-Центр", "--db", db_url)
    assert entity.exit_code == 0, entity.output
    flat = " ".join(entity.stdout.split())
    assert "registry status: register: ru-foreign-agents, entry_id: 1050" in flat and "listed: 2025-08-15" in flat
    profile = json.loads(run("entity", "Револьт-Центр", "--db", db_url, "-f", "json").stdout)["data"][0]
    assert [(r["register"], r["entry_id"], r["listed"]) for r in profile["registry"]] == [
        ("ru-foreign-agents", "1050", "2025-08-15")
    ]
    timeline = {item["event"]["url"]: item["event"]["registry_check"] for item in profile["timeline"]}
    assert timeline[None] is None  # the register's own designation event
    assert timeline["https://example.org/confirmed"]["verdict"] == "confirmed"


@real_files
def test_summary_and_exit_codes(tmp_path: Path, db_url: str) -> None:
    first = run("registry", "import", XLSX_0808, "--kind", "ru-foreign-agents", "--db", db_url)
    assert first.exit_code == 0, first.output
    assert "1045 entries (1045 new, 0 changed), 1045 new designations, 231 delistings, 0 problems" in first.stderr
    second = run("registry", "import", XLSX_0815, "--kind", "ru-foreign-agents", "--db", db_url)
    assert "1050 entries (5 new, 2 changed), 5 new designations, 1 delisting, 0 problems" in second.stderr
    again = run("registry", "import", XLSX_0815, "--kind", "ru-foreign-agents", "--db", db_url)
    assert again.exit_code == 0 and "already imported" in again.stderr
    assert run("registry", "import", tmp_path / "missing.xlsx", "--kind", "ru-foreign-agents").exit_code == 2
    assert run("registry", "import", XLSX_0815, "--kind", "ru-extremists", "--db", db_url).exit_code == 2
    flat = " ".join(run("registry", "import", "--help").output.split())
    assert "CIVICWATCH_DB" in flat and "Example" in flat


@real_files
def test_a_file_of_another_kind_or_with_a_changed_header_is_refused(tmp_path: Path, db_url: str) -> None:
    wrong = run("registry", "import", REGISTRANTS, "--kind", "ru-foreign-agents", "--db", db_url)
    changed = tmp_path / "registrants.csv"
    data = REGISTRANTS.read_bytes()
    changed.write_bytes(data.replace(b'"Termination Date"', b'"Terminated On"', 1))
    renamed = run("registry", "import", changed, "--kind", "us-fara-registrants", "--db", db_url)
    for result in (wrong, renamed):
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
        assert "Expected columns" in lines[0] and "found columns" in lines[0]
    assert "'Registration Number'" in wrong.stderr  # what it found
    assert "'Terminated On'" in renamed.stderr and "'Termination Date'" in renamed.stderr
    engine = connect(db_url)
    with session(engine) as s:
        assert s.scalar(select(func.count()).select_from(RegistryImport)) == 0  # the database may not exist yet
    engine.dispose()


@real_files
def test_malformed_rows_are_reported_and_skipped(tmp_path: Path, db_url: str) -> None:
    lines = REGISTRANTS.read_bytes().split(b"\r\n")
    broken = lines[:10] + [b'"9999","not a date","","Broken Row'] + lines[10:40]
    copy = tmp_path / "us_fara_All_Registrants_2025-04-09.csv"
    copy.write_bytes(b"\r\n".join(broken) + b"\r\n")
    result = run("registry", "import", copy, "--kind", "us-fara-registrants", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert f"problem: {copy.name} line 11: malformed row" in result.stderr
    assert "39 entries (39 new, 0 changed), 0 new designations, 0 delistings, 1 problem" in result.stderr
    engine = connect(db_url)
    with session(engine) as s:
        assert s.scalar(select(func.count()).select_from(RegistryRecord)) == 39
        assert s.scalar(select(RegistryImport.problems)) == 1
    engine.dispose()


def test_a_0001_database_is_migrated_with_its_data(db_url: str) -> None:
    from alembic import command

    from civicwatch.store.engine import _alembic_config, make_engine

    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO entities (key, name, kind, created_at) "
                "VALUES ('memorial', 'Memorial', 'organization', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    assert run("events", "--db", db_url).exit_code == 1  # at 0001: asks for an upgrade
    upgraded = run("db", "upgrade", "--db", db_url)
    assert upgraded.exit_code == 0 and f"0001 -> {head_revision()}" in upgraded.stdout
    engine = connect(db_url)
    with session(engine) as s:
        assert s.scalars(select(Entity.key)).all() == ["memorial"]
        assert s.scalar(select(func.count()).select_from(RegistryRecord)) == 0
    engine.dispose()


def test_the_alias_table_brings_english_news_to_russian_entries_and_keeps_legal_entities_apart(engine) -> None:
    import_snapshot(
        engine,
        snapshot(
            entry(
                "219",
                "Юридическое лицо, зарегистрированное в Латвийской Республике, SIA «Medusa Project»",
                "2021-04-23",
            ),
            entry(
                "222",
                "Юридическое лицо, зарегистрированное в Королевстве Нидерландов, Stichting 2 Oktober",
                "2021-05-14",
            ),
            entry("195", "Некоммерческая организация «Фонд борьбы с коррупцией»", "2019-10-09", "2021-09-08"),
            entry("111", "Городская общественная организация «Екатеринбургское общество «МЕМОРИАЛ»", "2015-12-30"),
        ),
        "b" * 64,
    )
    news(engine, ("1", [designation(["VTimes"], "2021-05", evidence="vtimes")]))
    news(engine, ("2", [designation(["Meduza"], "2021-04-23", country="LV", evidence="meduza in latvia")]))
    news(
        engine,
        ("3", [designation(["Navalny's Anti-Corruption Foundation"], None, evidence="fbk")]),
        published="2019-10-16",
    )
    news(engine, ("4", [designation(["Komi Human Rights Commission «Memorial»"], "2015", evidence="komi")]))
    found = verdicts(engine)
    assert found["vtimes"] == ("confirmed", "ru-foreign-agents", "222", 0)
    assert found["meduza in latvia"] == ("confirmed", "ru-foreign-agents", "219", 0)
    assert found["fbk"][:3] == ("confirmed", "ru-foreign-agents", "195")
    assert found["komi"][0] == "absent"  # another Memorial, near only within a year: not this entity
