"""News events checked against the imported registers: confirmed, contradicted, absent or not checked.

Which news events: designations and delistings reported in articles (events made by a register import
are the register's own record and are not checked). An event whose country has no register here but is
the home the alias table gives one of its targets (the extractor may name Meduza's Latvia where Russia,
the designating state, is meant) is looked up in every register of its subtype, and only a confirmation
counts: anything else is ``not_checked``. Which registers: a ``foreign_agent`` event is
checked against ru-foreign-agents when its country is RU and against us-fara-registrants (by
registration date) when it is US; an ``undesirable`` event against ru-undesirable; an event without a
country against every register of its subtype. Other subtypes, or countries without a register here,
are ``not_checked``; so are events when no snapshot of a register that covers them was imported.

Which register entries are the event's targets (``matches``):

* an INN (10 or 12 digits) or OGRN (13 digits) written in the event's evidence or target names after
  "ИНН"/"INN" or "ОГРН"/"OGRN" matches an entry with that number, whatever the names;
* otherwise by name, through ``civicwatch.resolve.identity``: candidates are the entries of the target
  entities (same canonical key) and of entities that have an alias with one of the target name's keys;
  a candidate is kept only when a target name and one of the entry's names (its name, or a name the
  register gives as another name) have ``match_strength`` 1.0 (the same full key), or share a quoted or
  reduced key (``match_strength`` 0.8) of at least ``MIN_SHARED_KEY_LETTERS`` letters, not an acronym.
  The shipped alias table (``civicwatch.resolve.aliases``) decides first when it lists both names: one
  entity is an exact match ("VTimes" and "Stichting 2 Oktober", "Justice Ministry" and «Минюст»), two
  legal entities are none (International Memorial and Memorial Human Rights Centre), a parent and its
  service (RFE/RL and «Радио Свобода») share a key. Register names are looked up strictly (their own
  legal entity); candidates include the entities the table gives the target names.
  Guards: a person is matched only by the same full key and never from a one-word name (a bare surname,
  or a pseudonym that is one); names the register did not print (``generated_other_names``) match only
  by full key; generic words have no key at all ("the group", "Фонд").

Dates: the reported date is the event's EDTF date as a day range ("2015-07" is all of July); an undated
event is taken to have happened in the ``WINDOW_DAYS`` before its first report, up to its last report.
The register's decision date is the inclusion date (``date_in``) for a designation and the exclusion
date (``date_out``) for a delisting.

Verdicts (``WINDOW_DAYS`` = 7):

* ``confirmed``: a matching entry's decision date lies in the reported range widened by 7 days on each
  side (publication lag and time zones; the Minjust order date and the Prosecutor General's decision
  date can be a day or two apart); a month agrees with any day in it. An entry that only shares the name
  family's key confirms a report dated to the month or closer, not one dated to a year. An undated report
  may tell an earlier act as background ("the label applied to the outlet in November"): the entity's own
  entry (a strong match: INN, OGRN or full name) decided at any time before its report confirms it, and
  so it does, whenever decided, for a report with neither a date nor a publication date;
* ``contradicted``: the register lists the entity (a match by INN, OGRN or the same full name), but no
  decision date is within the window: the dates are further apart, the entry was excluded before the
  reported designation, or (for a reported delisting) the register still lists the entity;
* ``absent``: no entry of the registers matches the targets, or only entries that share a quoted or
  reduced key with them and are dated far from the report: "Memorial" shares «Мемориал» with several
  legal entities of that name family, and a far date says it may be another of them, not that the
  report is wrong (a near date confirms: the family and the date agree);
* ``not_checked``: no register covers the event, none was imported, every covering snapshot predates
  the reported date (it cannot know yet), or the event has no date and no publication date and only its
  own entry, with no decision date, matches.

The verdict is stored in ``registry_checks`` with the matched entry (the closest in time), its decision
date and the days between. ``check_events`` runs after every ``registry import`` (over all news events)
and after each article is ingested (over the events it created or merged into).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from civicwatch.core.dates import date_range
from civicwatch.resolve import (
    EXACT,
    VARIANT,
    canonical_key,
    listed_entry,
    match_strength,
    name_keys,
    shipped_aliases,
    split_list,
)
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

WINDOW_DAYS = 7
MAX_FAMILY_RANGE_DAYS = 31  # a shared-key match confirms only a report dated to the month or closer
MIN_SHARED_KEY_LETTERS = 5  # "golos", "agora" pass; "fbk", "ovd" (acronyms) never do
CHECKED_TYPES = ("designation", "delisting")
# event subtype -> country -> registers that decide it
REGISTERS: dict[str, dict[str, tuple[str, ...]]] = {
    "foreign_agent": {"RU": ("ru-foreign-agents",), "US": ("us-fara-registrants",)},
    "undesirable": {"RU": ("ru-undesirable",)},
}
_NUMBER = re.compile(r"\b(?P<label>ИНН|INN|ОГРН|OGRN)\s*[:№#]?\s*(?P<number>\d{10}(?:\d{2,3})?)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str
    record: RegistryRecord | None = None
    register_date: date | None = None
    days_apart: int | None = None
    matched_by: str | None = None


def registers_for(event: Event) -> tuple[str, ...]:
    """The registers that decide whether this designation or delisting happened (see the module doc)."""
    by_country = REGISTERS.get(event.subtype, {})
    if event.country and event.country in by_country:
        return by_country[event.country]
    if event.country and not _home_of_a_target(event):
        return ()
    return tuple(register for registers in by_country.values() for register in registers)


def _home_of_a_target(event: Event) -> bool:
    """Whether the event's country is only where the alias table says a target is based (the extractor
    may give Meduza's Latvia where the designating state, Russia, is meant)."""
    homes = {entry.country for name in target_names(event) if (entry := listed_entry(name)) is not None}
    return event.country in homes


def _country_has_register(event: Event) -> bool:
    return not event.country or event.country in REGISTERS.get(event.subtype, {})


def news_events(session: Session, events: Iterable[Event] | None = None) -> list[Event]:
    """The designations and delistings among ``events`` (all stored ones when None) that articles report."""
    from_register = exists().where(RegistryEventSource.event_id == Event.id)
    if events is None:
        query = select(Event).where(Event.type.in_(CHECKED_TYPES), ~from_register).order_by(Event.id)
        return list(session.scalars(query))
    unique = {id(event): event for event in events}.values()  # an event several reports of one article merged into
    candidates = [event for event in unique if event.type in CHECKED_TYPES and event.id is not None]
    if not candidates:
        return []
    ids = [event.id for event in candidates]
    registered: set[int] = set()
    for at in range(0, len(ids), 500):
        chunk = select(RegistryEventSource.event_id).where(RegistryEventSource.event_id.in_(ids[at : at + 500]))
        registered.update(session.scalars(chunk))
    return [event for event in candidates if event.id not in registered]


def affected_events(session: Session, record_ids: Iterable[int], register: str | None = None) -> list[Event]:
    """The news events whose verdict a change of these register entries may change (``check_events`` takes
    them after an import): those naming an entry's entity as a target, or an entity known under one of the
    entity's names (the keys ``matches`` compares), those whose stored verdict cites one of the entries, and
    those not checked yet or "not_checked" that ``register`` covers (its newer snapshot may cover their date)."""
    ids = sorted(set(record_ids))
    entity_ids: set[int] = set()
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        query = select(RegistryRecord.entity_id).where(
            RegistryRecord.id.in_(chunk), RegistryRecord.entity_id.is_not(None)
        )
        entity_ids.update(session.scalars(query))
    named: set[int] = set(entity_ids)
    keys: set[str] = set()
    found = sorted(entity_ids)
    for at in range(0, len(found), 500):
        chunk = found[at : at + 500]
        keys.update(k for k in session.scalars(select(Alias.key).where(Alias.entity_id.in_(chunk))) if k)
        keys.update(session.scalars(select(Entity.key).where(Entity.id.in_(chunk))))
    listed = sorted(keys)
    for at in range(0, len(listed), 500):
        names = listed[at : at + 500]
        named.update(session.scalars(select(Entity.id).where(Entity.key.in_(names))))
        named.update(session.scalars(select(Alias.entity_id).where(Alias.key.in_(names))))
    from_register = exists().where(RegistryEventSource.event_id == Event.id)
    news = select(Event).where(Event.type.in_(CHECKED_TYPES), ~from_register, Event.merged_into.is_(None))
    event_ids: set[int] = set()
    targets = sorted(named)
    for at in range(0, len(targets), 500):
        chunk = targets[at : at + 500]
        linked = select(EventEntity.event_id).where(EventEntity.role == "target", EventEntity.entity_id.in_(chunk))
        event_ids.update(session.scalars(linked))
    for at in range(0, len(ids), 500):
        cited = select(RegistryCheck.event_id).where(RegistryCheck.record_id.in_(ids[at : at + 500]))
        event_ids.update(session.scalars(cited))
    checked = select(RegistryCheck.event_id).where(RegistryCheck.verdict != "not_checked")
    unchecked = {
        event.id
        for event in session.scalars(news.where(Event.id.not_in(checked)))
        if register is None or register in registers_for(event)
    }
    wanted = sorted(event_ids | unchecked)
    out: list[Event] = []
    for at in range(0, len(wanted), 500):
        out.extend(session.scalars(news.where(Event.id.in_(wanted[at : at + 500])).order_by(Event.id)))
    return out


def latest_snapshots(session: Session) -> dict[str, date | None]:
    """register -> the as-of date of its newest imported snapshot (None when no snapshot says)."""
    query = select(RegistryImport.register, func.max(RegistryImport.as_of)).group_by(RegistryImport.register)
    return {register: as_of for register, as_of in session.execute(query)}


def check_events(session: Session, events: Iterable[Event] | None = None) -> Counter[str]:
    """Judge news designations and delistings against the registers and store the verdicts; returns their counts.

    ``events``: the events to check (others are ignored), or None for every stored news event. Does
    nothing, and costs one query, while no register was imported.
    """
    latest = latest_snapshots(session)
    if not latest:
        return Counter()
    targets = news_events(session, events)
    counts: Counter[str] = Counter()
    if not targets:
        return counts
    stored: dict[int, RegistryCheck] = {}
    ids = [event.id for event in targets]
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        stored.update(
            (c.event_id, c) for c in session.scalars(select(RegistryCheck).where(RegistryCheck.event_id.in_(chunk)))
        )
    for event in targets:
        verdict = judge(session, event, latest)
        counts[verdict.verdict] += 1
        check = stored.get(event.id)
        if check is None:
            check = RegistryCheck(event_id=event.id)
            session.add(check)
        check.verdict = verdict.verdict
        check.reason = verdict.reason
        check.record_id = verdict.record.id if verdict.record is not None else None
        check.register = verdict.record.register if verdict.record is not None else None
        check.register_date = verdict.register_date
        check.days_apart = verdict.days_apart
        check.matched_by = verdict.matched_by
    session.flush()
    return counts


def reported_range(event: Event) -> tuple[date, date] | None:
    """The days the reported act may fall on: its date, else the window before its reports (see the module doc)."""
    span = date_range(event.date)
    if span is not None:
        return span
    if event.first_published is None:
        return None
    return event.first_published - timedelta(days=WINDOW_DAYS), event.last_published or event.first_published


def judge(session: Session, event: Event, latest: dict[str, date | None]) -> Verdict:
    covering = registers_for(event)
    where = f"{event.subtype} {event.type}s" + (f" in {event.country}" if event.country else "")
    if not covering:
        return Verdict("not_checked", f"no register here covers {where}")
    imported = [register for register in covering if register in latest]
    if not imported:
        return Verdict("not_checked", f"no snapshot of {' or '.join(covering)} imported")
    span = reported_range(event)
    judging = [r for r in imported if (as_of := latest[r]) is None or span is None or as_of >= span[0]]
    if not judging:
        newest = ", ".join(f"{r} as of {latest[r]}" for r in imported)
        return Verdict("not_checked", f"the register snapshots ({newest}) predate the reported date")
    found = matches(session, event, judging)
    if not found and not _country_has_register(event):
        return Verdict("not_checked", f"no register here covers {where}, and no entry of the others matches")
    if not found:
        return Verdict("absent", f"no entry of {' or '.join(judging)} matches {'; '.join(event.targets)}")
    if span is None:
        verdict = _compare_undated(event, found, latest)
    else:
        verdict = _compare(event, span, found, latest)
    if verdict.verdict != "confirmed" and not _country_has_register(event):
        return Verdict("not_checked", f"no register here covers {where}; {verdict.reason}")
    return verdict


STRONG = ("inn", "ogrn", "exact-name")  # matches that say "this entity", not only "this name family"


def _compare(
    event: Event,
    span: tuple[date, date],
    found: list[tuple[RegistryRecord, str]],
    latest: dict[str, date | None],
) -> Verdict:
    designation = event.type == "designation"
    start, end = span
    window = timedelta(days=WINDOW_DAYS)

    def decided(record: RegistryRecord) -> date | None:
        return record.date_in if designation else record.date_out

    def gap(day: date) -> int:
        return max((start - day).days, (day - end).days, 0)

    def nearest(candidates: list[tuple[RegistryRecord, str, date]]) -> tuple[int, RegistryRecord, str, date]:
        days, _, record, how, day = min((gap(d), r.id, r, h, d) for r, h, d in candidates)
        return days, record, how, day

    verb = "included" if designation else "excluded"
    dated = [(record, how, day) for record, how in found if (day := decided(record)) is not None]
    # a name family's entry confirms only a report dated to the month: within a year, one of its many
    # legal entities is always near ("Memorial" in 2015)
    precise = (end - start).days <= MAX_FAMILY_RANGE_DAYS
    within = [item for item in dated if start - window <= item[2] <= end + window and (precise or item[1] in STRONG)]
    if within:
        days, record, how, day = nearest(within)
        return Verdict("confirmed", f"{_describe(record)}: {verb} on {day.isoformat()}", record, day, days, how)
    if event.date is None or date_range(event.date) is None:
        # an undated report may tell an earlier act as background ("designated in November"): this entity's
        # own entry dated before the report backs it
        earlier = [item for item in dated if item[1] in STRONG and item[2] <= end + window]
        if earlier:
            days, record, how, day = nearest(earlier)
            reason = f"{_describe(record)}: {verb} on {day.isoformat()}, before the undated report"
            return Verdict("confirmed", reason, record, day, days, how)
    strong = [(record, how) for record, how in found if how in STRONG]
    if not strong:  # only namesakes of the same name family (a shared quoted or reduced key): no contradiction
        if dated:
            _, record, _, day = nearest(dated)
            when = f"{verb} on {day.isoformat()}"
        else:
            record, when = found[0][0], "undated"
        reason = f"no entry of the register is this entity; {_describe(record)}, which shares its name, was {when}"
        return Verdict("absent", reason)
    strong_dated = [item for item in dated if item[1] in STRONG]
    if strong_dated:
        days, record, how, day = nearest(strong_dated)
        reason = f"{_describe(record)}: {verb} on {day.isoformat()}"
        if designation and record.date_out is not None and record.date_out < start:
            reason += f", excluded on {record.date_out.isoformat()}, before the reported designation"
        else:
            reason += f", {days} days from the reported date"
        return Verdict("contradicted", reason, record, day, days, how)
    record, how = strong[0]
    return _undecided(record, how, designation, latest)


def _undecided(record: RegistryRecord, how: str, designation: bool, latest: dict[str, date | None]) -> Verdict:
    """The verdict when the entity's own entry gives no decision date for the act reported."""
    if designation:
        return Verdict("not_checked", f"{_describe(record)} gives no inclusion date", record, None, None, how)
    as_of = latest.get(record.register)
    reason = f"{_describe(record)} is still listed" + (f" as of {as_of.isoformat()}" if as_of else "")
    return Verdict("contradicted", reason, record, None, None, how)


def _describe(record: RegistryRecord) -> str:
    return f"{record.register} entry {record.entry_id} ({record.name})"


def _compare_undated(event: Event, found: list[tuple[RegistryRecord, str]], latest: dict[str, date | None]) -> Verdict:
    """A report with no date and no publication date: only this entity's own entry (a strong match) can
    back it, whenever it was decided; a namesake says nothing. With several targets listed, the entry of
    the first-named one is cited."""
    designation = event.type == "designation"
    strong = [(record, how) for record, how in found if how in STRONG]
    if not strong:
        return Verdict("absent", f"no entry of the register is this entity; {_describe(found[0][0])} shares its name")
    names = target_names(event)
    strong.sort(key=lambda item: (_first_named(names, item[0]), item[0].id))
    verb = "included" if designation else "excluded"
    for record, how in strong:
        day = record.date_in if designation else record.date_out
        if day is not None:
            reason = f"{_describe(record)}: {verb} on {day.isoformat()}; the report gives no date"
            return Verdict("confirmed", reason, record, day, None, how)
    record, how = strong[0]
    return _undecided(record, how, designation, latest)


def _first_named(names: list[str], record: RegistryRecord) -> int:
    """The place of the first target name that names the entry (after every name when a number matched)."""
    return next((i for i, name in enumerate(names) if name_match([name], record)), len(names))


# ------------------------------------------------------------------------------------------ matching


def _numbers(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    inns: set[str] = set()
    ogrns: set[str] = set()
    for text in texts:
        for match in _NUMBER.finditer(text or ""):
            label, number = match["label"].upper(), match["number"]
            if label in ("ИНН", "INN") and len(number) in (10, 12):
                inns.add(number)
            elif label in ("ОГРН", "OGRN") and len(number) == 13:
                ogrns.add(number)
    return inns, ogrns


def target_names(event: Event) -> list[str]:
    return list(dict.fromkeys(part for target in event.targets for part in split_list(target)))


def matches(session: Session, event: Event, registers: list[str]) -> list[tuple[RegistryRecord, str]]:
    """(entry, how) for every entry of the registers that the event's targets name: "inn", "ogrn",
    "exact-name" or "shared-key" (see the module doc)."""
    names = target_names(event)
    inns, ogrns = _numbers([event.evidence, *names])
    keys = set().union(*(name_keys(name).strong for name in names)) if names else set()
    entity_ids = set(
        session.scalars(
            select(EventEntity.entity_id).where(EventEntity.event_id == event.id, EventEntity.role == "target")
        )
    )
    if keys:
        entity_ids |= set(session.scalars(select(Alias.entity_id).where(Alias.key.in_(keys)).distinct()))
    listed: set[str] = {key for name in names if (key := canonical_key(name))}  # the alias table's entities
    listed |= {parent for key in listed for parent in shipped_aliases().ancestors(key)}  # RFE/RL for its service
    if listed:
        entity_ids |= set(session.scalars(select(Entity.id).where(Entity.key.in_(listed))))
    conditions = []
    if entity_ids:
        conditions.append(RegistryRecord.entity_id.in_(entity_ids))
    if inns:
        conditions.append(RegistryRecord.inn.in_(inns))
    if ogrns:
        conditions.append(RegistryRecord.ogrn.in_(ogrns))
    if not conditions:
        return []
    query = select(RegistryRecord).where(RegistryRecord.register.in_(registers), or_(*conditions))
    out = []
    for record in session.scalars(query.order_by(RegistryRecord.id)):
        if record.inn and record.inn in inns:
            out.append((record, "inn"))
        elif record.ogrn and record.ogrn in ogrns:
            out.append((record, "ogrn"))
        elif how := name_match(names, record):
            out.append((record, how))
    return out


def name_match(names: list[str], record: RegistryRecord) -> str | None:
    """ "exact-name" or "shared-key" when one of the news names is one of the entry's names (see the module doc)."""
    generated = set((record.extra or {}).get("generated_other_names") or [])
    best = None
    for registered in [record.name, *(record.other_names or [])]:
        for name in names:
            how = _pair_match(name, registered, record.is_person, registered in generated)
            if how == "exact-name":
                return how
            best = best or how
    return best


def _pair_match(news: str, registered: str, is_person: bool | None, generated: bool) -> str | None:
    news_entry, registered_entry = listed_entry(news), listed_entry(registered, strict=True)
    if news_entry and registered_entry:  # the alias table knows both: one entity, or two legal entities
        if news_entry.key == registered_entry.key:
            return "exact-name"
        # a service named for its broadcaster ("Радио Свобода" for RFE/RL): one family, as a shared key is
        return "shared-key" if shipped_aliases().related(news_entry.key, registered_entry.key) else None
    a, b = name_keys(news), name_keys(registered)
    person = bool(is_person) or a.person or b.person
    if person and len(_WORD.findall(news)) < 2:
        return None  # never a bare surname (nor a one-word pseudonym)
    strength = match_strength(news, registered)
    if strength >= EXACT:
        return "exact-name"
    if strength < VARIANT or person or generated:
        return None
    shared = ({a.core, a.reduced} | a.alternates) & ({b.core, b.reduced} | b.alternates)
    shared -= a.acronyms | b.acronyms
    if any(key and sum(ch.isalpha() for ch in key) >= MIN_SHARED_KEY_LETTERS for key in shared):
        return "shared-key"
    return None
