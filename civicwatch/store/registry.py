"""Official registers into the database: each imported file is a dated snapshot, written in one transaction.

    result = import_registry(engine, Path("ru_minjust_foreign_agents_2025-08-15.xlsx"), "ru-foreign-agents")
    result.designations, result.delistings, result.problems      # what this snapshot added

What an import stores (tables in ``models``):

* ``registry_imports``: one row per imported file (register, file name, format, as-of date, sha256, counts).
  A file whose bytes were already imported for that register is not imported again ("already imported").
* ``registry_records``: one row per register entry, keyed by (register, entry id: № п/п, FARA
  registration number, ...). A snapshot at least as new as the data a record holds updates it; an older
  snapshot only adds entries the database does not know. An entry that a newer snapshot no longer lists
  gets ``missing_since`` (no event: the register does not say why or when). Files that number the same
  register differently (the chekazoid undesirable list is keyed by name, the fz255 one by № п/п) meet
  by inclusion date and name (``_Import._reconcile``), so the same inclusion is not stored twice.
* Entities: each entry is attached to the ``Entity`` of its name, found or created by
  ``civicwatch.resolve.canonical_key`` as news ingestion keys targets (one mechanism: a news "Memorial"
  and the register's «Мемориал» are one entity; the shipped alias table brings English news names to
  Russian entries, "VTimes" to "Stichting 2 Oktober"). An entry's name is looked up strictly (its own
  legal entity, never a name family's parent: «Екатеринбургское общество «Мемориал»» stays apart). An
  entry whose INN or OGRN another register entry already has joins that entry's entity. The name and
  every other name the register gives (former names, pseudonyms, foreign-language names) become aliases
  of the entity. FARA individuals
  ("Manafort Jr., Paul J.") are keyed by their name in natural order, as news writes it.
* Events, Russian registers only: each inclusion becomes a ``designation`` event and each exclusion a
  ``delisting`` event (subtype ``foreign_agent`` for ru-foreign-agents, ``undesirable`` for
  ru-undesirable), dated by the register's decision date (the Minjust decision or order), actor the
  Ministry of Justice, country RU, confidence 1.0, evidence a line describing the register entry, target
  the entry's entity. ``registry_event_sources`` ties each to its entry: there is at most one designation
  and one delisting per entry, so importing the next weekly export adds only what changed, and
  re-importing a snapshot adds nothing. A newer snapshot that corrects a decision date moves its event;
  one that drops an exclusion date deletes the delisting event. These events have no mentions (no
  article reports them) and never merge with news events; news events are checked against the register
  instead (``civicwatch.store.link``), after every import, over all stored news events.

FARA (us-fara-registrants, us-fara-principals): entries become registry records, entities and aliases,
but no events. A FARA registration is a filing the registrant makes under a disclosure law, not a state
act against a civil-society group, and the 6,928 registrants' registrations and terminations (mostly
law and lobbying firms) would bury the monitor's designations. The records are still used: an entity's
registry status lists them, and a news report of a foreign-agent designation in the US (or with no
country) is checked against the registrants register by registration date.

Never stored: pension numbers (СНИЛС), dates of birth, bank account numbers, individuals' addresses. The
parsers do not read them, every cell is scrubbed as the file is loaded (``civicwatch.registries.privacy``:
pension numbers in any separator form or none, birth dates after "дата рождения", "д.р.", "born", ...);
every stored text is scrubbed again here, and ``extra`` keys that could hold them are dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from civicwatch.core.schema import field_values
from civicwatch.registries import RegistryEntry, RegistrySnapshot, RowProblem, read_registry
from civicwatch.registries.privacy import json_strings, labelled_numbers, scrub
from civicwatch.resolve import canonical_key, entity_key, name_keys
from civicwatch.store import link
from civicwatch.store.models import (
    Alias,
    Entity,
    Event,
    EventEntity,
    RegistryCheck,
    RegistryEventSource,
    RegistryImport,
    RegistryRecord,
)

RETRIES = 3  # a concurrent ingest created one of the same entities first: redo the import
CHUNK = 500  # ids per IN (...) clause

# Registers whose inclusions and exclusions become events: register -> event subtype
EVENT_SUBTYPES = {"ru-foreign-agents": "foreign_agent", "ru-undesirable": "undesirable"}
ACTOR = "Ministry of Justice of the Russian Federation"
TITLES = {
    "ru-foreign-agents": "Register of foreign agents (Ministry of Justice of Russia)",
    "ru-undesirable": "List of undesirable organisations (Ministry of Justice of Russia)",
    "us-fara-registrants": "FARA registrants (US Department of Justice)",
    "us-fara-principals": "FARA foreign principals (US Department of Justice)",
}
COUNTRIES = {"ru-foreign-agents": "RU", "ru-undesirable": "RU", "us-fara-registrants": "US", "us-fara-principals": "US"}
_PERSONAL_KEY = re.compile(r"snils|снилс|dob|birth|рождени|account_number|bik", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@dataclass
class ImportResult:
    """What one import did (``status`` "imported", or "already imported" when the same file was imported before)."""

    register: str
    source: str
    as_of: date | None
    status: str
    import_id: int | None = None
    entries: int = 0
    new_entries: int = 0
    changed_entries: int = 0
    designations: int = 0  # events added
    delistings: int = 0
    moved: int = 0  # events whose date a newer snapshot corrected
    problems: list[RowProblem] = field(default_factory=list)  # malformed rows, skipped
    warnings: list[RowProblem] = field(default_factory=list)
    checks: dict[str, int] = field(default_factory=dict)  # verdict -> news events checked after the import
    # entries this snapshot added, changed or no longer lists, and the news events checked again for them
    # (every news event on a register's first import; later, only those whose targets' entries changed)
    touched_entries: int = 0
    rechecked: int = 0
    verdicts_changed: int = 0  # of those, how many got another verdict


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def import_registry(engine: Engine, path: Path | str, kind: str) -> ImportResult:
    """Read a register file (``civicwatch.registries.read_registry``) and import it as one snapshot.

    Raises RegistryFormatError when the file is not of that kind; malformed rows are skipped and listed
    in ``problems``. Nothing is written unless the whole import succeeds.
    """
    snapshot = read_registry(path, kind)
    return import_snapshot(engine, snapshot, file_sha256(Path(path)))


def import_snapshot(engine: Engine, snapshot: RegistrySnapshot, sha256: str) -> ImportResult:
    """Import a snapshot already read, in one transaction (retried when a concurrent writer wins a race)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    for attempt in range(RETRIES):
        try:
            with sessions.begin() as session:
                known = session.scalars(
                    select(RegistryImport).where(
                        RegistryImport.register == snapshot.registry, RegistryImport.sha256 == sha256
                    )
                ).first()
                if known is not None:
                    return ImportResult(
                        snapshot.registry, snapshot.source, snapshot.as_of, "already imported", import_id=known.id
                    )
                return _Import(session, snapshot, sha256).run()
        except IntegrityError:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------------- import


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _clean(value: object, keep: frozenset[str] = frozenset()) -> object:
    """JSON-ready and free of pension numbers and birth dates: tuples become lists, personal keys are dropped.

    ``keep``: eleven-digit registration numbers the entry labels as such (``privacy.labelled_numbers``).
    """
    if isinstance(value, str):
        return scrub(value, keep)
    if isinstance(value, tuple | list):
        return [_clean(item, keep) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item, keep) for key, item in value.items() if not _PERSONAL_KEY.search(str(key))}
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_values(entry: RegistryEntry) -> dict:
    """The columns of a registry record for an entry (everything but ids and bookkeeping)."""
    keep = labelled_numbers(json_strings([entry.name, entry.other_names, entry.grounds, entry.extra]))

    def text(value: object) -> object:
        return _clean(value, keep)

    return {
        "name": text(entry.name),
        "other_names": text(entry.other_names),
        "is_person": entry.is_person,
        "entity_type": entry.entity_type,
        "date_in": entry.date_in,
        "date_out": entry.date_out,
        "inn": entry.inn,
        "ogrn": entry.ogrn,
        "reg_number": text(entry.reg_number) if entry.reg_number else None,
        "grounds": text(entry.grounds) if entry.grounds else None,
        "resources": text(entry.resources),
        "country": entry.country,
        "extra": text(entry.extra),
    }


def _kind(is_person: bool | None) -> str | None:
    return None if is_person is None else ("PERSON" if is_person else "ORG")


def key_names(values: dict) -> list[str]:
    """Names to key the entry by, best first: FARA individuals in natural order, then the name, then the others."""
    generated = list(values["extra"].get("generated_other_names") or [])
    natural = generated if values["is_person"] and "," in values["name"] else []
    return [*natural, values["name"], *[n for n in values["other_names"] if n not in natural]]


def entry_key(values: dict) -> tuple[str, str] | None:
    """(entity key, the name it came from) for an entry; None when no name of it has a key."""
    for name in key_names(values):
        key = canonical_key(name, _kind(values["is_person"]), strict=True)
        if key:
            return key, name
    return None


def _entity_kind(values: dict, name: str) -> str:
    if values["is_person"] is None:
        return "person" if name_keys(name).person else "organization"
    return "person" if values["is_person"] else "organization"


def _language(name: str) -> str | None:
    return "ru" if _CYRILLIC.search(name) else None  # Latin script says little: English, French, German...


class _Import:
    """One snapshot into the database, in the caller's transaction."""

    def __init__(self, session: Session, snapshot: RegistrySnapshot, sha256: str) -> None:
        self.session = session
        self.snapshot = snapshot
        self.register = snapshot.registry
        self.row = RegistryImport(
            **field_values(snapshot, ("source", "source_format", "as_of", "as_of_source")),
            register=self.register,
            sha256=sha256,
            entries=len(snapshot.entries),
            problems=len(snapshot.problems),
        )
        self.refreshed: set[str] = set()  # entry ids whose fields now come from this snapshot
        self.touched: set[int] = set()  # ids of the records this snapshot added, changed or no longer lists
        self.result = ImportResult(
            self.register,
            snapshot.source,
            snapshot.as_of,
            "imported",
            entries=len(snapshot.entries),
            problems=list(snapshot.problems),
            warnings=list(snapshot.warnings),
        )

    def newer(self, record: RegistryRecord) -> bool:
        """Whether this snapshot is at least as new as the data the record holds."""
        as_of = self.snapshot.as_of
        return as_of is None or record.data_as_of is None or as_of >= record.data_as_of

    def run(self) -> ImportResult:
        session = self.session
        first = session.scalar(select(RegistryImport.id).where(RegistryImport.register == self.register).limit(1))
        session.add(self.row)
        session.flush()
        self.result.import_id = self.row.id
        existing = {
            r.entry_id: r
            for r in session.scalars(select(RegistryRecord).where(RegistryRecord.register == self.register))
        }
        values = {entry.entry_id: record_values(entry) for entry in self.snapshot.entries}
        values = self._reconcile(existing, values)
        new_ids = [entry_id for entry_id in values if entry_id not in existing]
        renamed = self._update_existing(existing, values)
        entities = _Entities(session)
        to_key = [(entry_id, values[entry_id]) for entry_id in new_ids]
        to_key += [(r.entry_id, values[r.entry_id]) for r in renamed if r.entity_id is None]
        entity_ids = entities.resolve(to_key)
        for record in renamed:
            record.entity_id = record.entity_id or entity_ids.get(record.entry_id)
        records = {entry_id: _RecordView.of(record) for entry_id, record in existing.items()}
        records.update(self._insert_new(new_ids, values, entity_ids))
        entities.add_aliases([(entity_ids.get(entry_id), values[entry_id]) for entry_id in new_ids])
        entities.add_aliases([(r.entity_id, values[r.entry_id]) for r in renamed])
        self._mark_missing(existing, values)
        if self.register in EVENT_SUBTYPES:
            self._events(records, entities)
        session.flush()
        self._recheck(everything=first is None)
        self.row.new_entries = self.result.new_entries
        self.row.changed_entries = self.result.changed_entries
        self.row.designations = self.result.designations
        self.row.delistings = self.result.delistings
        session.flush()
        return self.result

    def _recheck(self, everything: bool) -> None:
        """The registers' verdict again on the news events this snapshot may change: all of them on the
        register's first import, else those whose targets' entries it added, changed or no longer lists
        (``link.affected_events``), and those not checked yet (a newer snapshot may now cover their date)."""
        session = self.session
        events = None if everything else link.affected_events(session, self.touched, self.register)
        verdicts = select(RegistryCheck.event_id, RegistryCheck.verdict)
        before = {event_id: verdict for event_id, verdict in session.execute(verdicts)}
        checks = link.check_events(session, events)
        self.result.checks = dict(checks)
        self.result.touched_entries = len(self.touched)
        self.result.rechecked = sum(checks.values())
        after = session.execute(verdicts)
        self.result.verdicts_changed = sum(before.get(event_id) != verdict for event_id, verdict in after)

    def _reconcile(self, existing: dict[str, RegistryRecord], values: dict[str, dict]) -> dict[str, dict]:
        """Entries that a source numbering its entries differently lists under another id, found by decision date
        and name, take the id already stored: the chekazoid list of undesirable organisations is keyed by name,
        the fz255 one by № п/п. A new id is matched to a stored record that this snapshot does not list, with
        the same inclusion date, no other country, and the same entity key or a name match (``link.name_match``),
        when exactly one record qualifies; the id in this file is kept in ``extra["source_entry_id"]``."""
        unlisted: dict[date, list[RegistryRecord]] = {}
        for record in existing.values():
            if record.entry_id not in values and record.date_in is not None:
                unlisted.setdefault(record.date_in, []).append(record)
        if not unlisted:
            return values
        keys: dict[int, str] = {}
        entity_ids = {r.entity_id for records in unlisted.values() for r in records if r.entity_id}
        for chunk in _chunks(entity_ids):
            keys.update(
                (i, k) for i, k in self.session.execute(select(Entity.id, Entity.key).where(Entity.id.in_(chunk)))
            )
        out: dict[str, dict] = {}
        taken: set[int] = set()
        for entry_id, entry in values.items():
            candidates = [
                r
                for r in (unlisted.get(entry["date_in"], []) if entry_id not in existing else [])
                if r.id not in taken and (not r.country or not entry["country"] or r.country == entry["country"])
            ]
            found = entry_key(entry) if candidates else None
            names = [entry["name"], *entry["other_names"]]
            same = [r for r in candidates if found and r.entity_id is not None and keys.get(r.entity_id) == found[0]]
            same = same or [r for r in candidates if link.name_match(names, r) == "exact-name"]
            same = same or [r for r in candidates if link.name_match(names, r) == "shared-key"]
            if len(same) == 1:  # several namesakes included on one day: leave them apart
                record = same[0]
                taken.add(record.id)
                out[record.entry_id] = {**entry, "extra": {**entry["extra"], "source_entry_id": entry_id}}
            else:
                out[entry_id] = entry
        return out

    def _update_existing(self, existing: dict[str, RegistryRecord], values: dict[str, dict]) -> list[RegistryRecord]:
        """Records this snapshot lists: refreshed when it is at least as new as their data. Returns those that
        need their entity or aliases looked at again (names changed, or no entity yet)."""
        renamed = []
        for entry_id, record in existing.items():
            new = values.get(entry_id)
            if new is None or not self.newer(record):
                continue
            self.refreshed.add(entry_id)
            changed = {column: value for column, value in new.items() if getattr(record, column) != value}
            if changed:
                self.result.changed_entries += 1
                self.touched.add(record.id)
                for column, value in changed.items():
                    setattr(record, column, value)
            if changed.keys() & {"name", "other_names"} or record.entity_id is None:
                renamed.append(record)
            record.last_import_id = self.row.id
            record.data_as_of = self.snapshot.as_of
            record.missing_since = None
        return renamed

    def _insert_new(self, new_ids: list[str], values: dict[str, dict], entity_ids: dict[str, int]) -> dict:
        rows = [
            {
                **values[entry_id],
                "register": self.register,
                "entry_id": entry_id,
                "entity_id": entity_ids.get(entry_id),
                "first_import_id": self.row.id,
                "last_import_id": self.row.id,
                "data_as_of": self.snapshot.as_of,
                "missing_since": None,
            }
            for entry_id in new_ids
        ]
        self.result.new_entries = len(rows)
        self.refreshed.update(new_ids)
        if not rows:
            return {}
        ids = self.session.scalars(
            insert(RegistryRecord).returning(RegistryRecord.id, sort_by_parameter_order=True), rows
        ).all()
        self.touched.update(ids)
        return {row["entry_id"]: _RecordView.from_row(record_id, row) for record_id, row in zip(ids, rows, strict=True)}

    def _mark_missing(self, existing: dict[str, RegistryRecord], values: dict[str, dict]) -> None:
        for entry_id, record in existing.items():
            if entry_id not in values and record.missing_since is None and self.newer(record):
                record.missing_since = self.snapshot.as_of or date.today()
                self.touched.add(record.id)

    # --- events ------------------------------------------------------------------------------------

    def _events(self, records: dict[str, _RecordView], entities: _Entities) -> None:
        """A designation per dated inclusion and a delisting per exclusion that have no event yet."""
        session = self.session
        record_ids = [r.id for r in records.values()]
        sources: dict[tuple[int, str], int] = {}
        for chunk in _chunks(record_ids):
            query = select(RegistryEventSource.record_id, RegistryEventSource.kind, RegistryEventSource.event_id)
            for record_id, kind, source_event in session.execute(query.where(RegistryEventSource.record_id.in_(chunk))):
                sources[(record_id, kind)] = source_event
        wanted: list[tuple[_RecordView, str, date]] = []
        for record in records.values():
            for kind, day in (("designation", record.date_in), ("delisting", record.date_out)):
                event_id = sources.get((record.id, kind))
                if event_id is None and day is not None:
                    wanted.append((record, kind, day))
                elif event_id is not None and record.entry_id in self.refreshed:
                    self._correct(event_id, record, kind, day)
        if not wanted:
            return
        actor = entities.actor(ACTOR)
        rows = [self._event_row(record, kind, day) for record, kind, day in wanted]
        event_ids = session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), rows).all()
        session.execute(
            insert(RegistryEventSource),
            [
                {"event_id": event_id, "record_id": record.id, "kind": kind, "import_id": self.row.id}
                for event_id, (record, kind, _) in zip(event_ids, wanted, strict=True)
            ],
        )
        links = [{"event_id": event_id, "entity_id": actor, "role": "actor"} for event_id in event_ids if actor]
        links += [
            {"event_id": event_id, "entity_id": record.entity_id, "role": "target"}
            for event_id, (record, _, _) in zip(event_ids, wanted, strict=True)
            if record.entity_id is not None
        ]
        session.execute(insert(EventEntity), links)
        self.result.designations = sum(kind == "designation" for _, kind, _ in wanted)
        self.result.delistings = sum(kind == "delisting" for _, kind, _ in wanted)

    def _correct(self, event_id: int, record: _RecordView, kind: str, day: date | None) -> None:
        """A newer snapshot moved a decision date, or dropped an exclusion date."""
        event = self.session.get(Event, event_id)
        if event is None:
            return  # its source row names it, and the source row goes with the event (ON DELETE CASCADE)
        if day is None:
            self.session.delete(event)
            self.result.moved += 1
        elif event.date != day.isoformat():
            row = self._event_row(record, kind, day)
            for column in ("date", "date_start", "date_end", "evidence", "targets"):
                setattr(event, column, row[column])
            self.result.moved += 1

    def _event_row(self, record: _RecordView, kind: str, day: date) -> dict:
        verb = "included on" if kind == "designation" else "excluded on"
        grounds = f"; grounds: {record.grounds}" if record.grounds and kind == "designation" else ""
        evidence = (
            f"{TITLES[self.register]}, entry {record.entry_id}: {record.name} — {verb} {day.strftime('%d.%m.%Y')}"
            f"{grounds} (snapshot {self.snapshot.source}"
            f"{', as of ' + self.snapshot.as_of.isoformat() if self.snapshot.as_of else ''})"
        )
        return {
            "type": kind,
            "subtype": EVENT_SUBTYPES[self.register],
            "status": "occurred",
            "targets": [record.name],
            "actor": ACTOR,
            "date": day.isoformat(),
            "date_start": day,
            "date_end": day,
            "location": None,
            "country": COUNTRIES[self.register],
            "evidence": evidence,
            "evidence_article_id": None,
            "evidence_start": 0,
            "evidence_end": 0,
            "confidence": 1.0,
            "boilerplate": False,
            "source_count": 1,
            "first_published": self.snapshot.as_of,
            "last_published": self.snapshot.as_of,
        }


@dataclass
class _RecordView:
    """What event building needs of a record, whether just inserted (a dict) or loaded (an ORM object)."""

    id: int
    entry_id: str
    entity_id: int | None
    name: str
    grounds: str | None
    date_in: date | None
    date_out: date | None

    @classmethod
    def of(cls, record: RegistryRecord) -> _RecordView:
        return cls(
            record.id, record.entry_id, record.entity_id, record.name, record.grounds, record.date_in, record.date_out
        )

    @classmethod
    def from_row(cls, record_id: int, row: dict) -> _RecordView:
        fields = ("entry_id", "entity_id", "name", "grounds", "date_in", "date_out")
        return cls(record_id, *(row[name] for name in fields))


class _Entities:
    """Entities and aliases for register entries, found or created in bulk (a few queries per import)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def resolve(self, entries: list[tuple[str, dict]]) -> dict[str, int]:
        """entry id -> entity id, for (entry id, values) pairs: the entity of a known record with the same INN or
        OGRN, else the entity of the entry's name key (created when new); entries without a key get none."""
        if not entries:
            return {}
        session = self.session
        by_number = self._by_number([values for _, values in entries])
        out: dict[str, int] = {}
        keyed: dict[str, tuple[str, str, dict]] = {}
        for entry_id, values in entries:
            owner = by_number.get(("inn", values["inn"])) or by_number.get(("ogrn", values["ogrn"]))
            if owner is not None:
                out[entry_id] = owner
            elif (found := entry_key(values)) is not None:
                keyed[entry_id] = (*found, values)
        known: dict[str, int] = {}
        for chunk in _chunks({key for key, _, _ in keyed.values()}):
            known.update(
                (key, entity_id)
                for key, entity_id in session.execute(select(Entity.key, Entity.id).where(Entity.key.in_(chunk)))
            )
        missing: dict[str, dict] = {}
        for key, name, values in keyed.values():
            if key not in known and key not in missing:
                missing[key] = {"key": key, "name": name, "kind": _entity_kind(values, name)}
        if missing:
            rows = list(missing.values())
            ids = session.scalars(insert(Entity).returning(Entity.id, sort_by_parameter_order=True), rows).all()
            known.update({row["key"]: entity_id for row, entity_id in zip(rows, ids, strict=True)})
        out.update({entry_id: known[key] for entry_id, (key, _, _) in keyed.items()})
        return out

    def _by_number(self, entries: list[dict]) -> dict[tuple[str, str], int]:
        """Entities of registry records (any register) that already carry an INN or OGRN of these entries."""
        found: dict[tuple[str, str], int] = {}
        for column in ("inn", "ogrn"):
            numbers = {values[column] for values in entries if values[column]}
            attribute = getattr(RegistryRecord, column)
            for chunk in _chunks(numbers):
                query = select(attribute, RegistryRecord.entity_id).where(
                    attribute.in_(chunk), RegistryRecord.entity_id.is_not(None)
                )
                for number, entity_id in self.session.execute(query):
                    found.setdefault((column, number), entity_id)
        return found

    def add_aliases(self, pairs: list[tuple[int | None, dict]]) -> None:
        """Every name of each entry as an alias of its entity (names already recorded for it are skipped)."""
        wanted: dict[tuple[int, str], None] = {}
        for entity_id, values in pairs:
            if entity_id is None:
                continue
            for name in [values["name"], *values["other_names"]]:
                if name:
                    wanted[(entity_id, name)] = None
        if not wanted:
            return
        have: set[tuple[int, str]] = set()
        for chunk in _chunks({entity_id for entity_id, _ in wanted}):
            query = select(Alias.entity_id, Alias.name).where(Alias.entity_id.in_(chunk))
            have.update((entity_id, name) for entity_id, name in self.session.execute(query))
        rows = [
            {
                "entity_id": entity_id,
                "name": name,
                "name_folded": name.casefold(),
                "key": entity_key(name),
                "language": _language(name),
                "seen": 1,
            }
            for entity_id, name in wanted
            if (entity_id, name) not in have
        ]
        if rows:
            self.session.execute(insert(Alias), rows)

    def actor(self, name: str) -> int | None:
        """The entity of the register's keeper (created on first use), with the name as an alias."""
        key = canonical_key(name)
        if key is None:
            return None
        entity = self.session.scalars(select(Entity).where(Entity.key == key)).first()
        if entity is None:
            entity = Entity(key=key, name=name, kind="organization")
            self.session.add(entity)
            self.session.flush()
        self.add_aliases([(entity.id, {"name": name, "other_names": []})])
        return entity.id
