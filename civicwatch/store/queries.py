"""Reading the database: events by type, date and entity; an entity's aliases and timeline.

Results are plain dataclasses (``EventOut``, ``EntityProfile``) with ``to_dict()``: the public shape
of the command line's JSON and CSV, independent of the tables.

Registers (``civicwatch.store.registry``): an event a register import made carries ``registry`` (which
register, entry and snapshot); a news event carries ``registry_check``, the registers' verdict on it
(``civicwatch.store.link``: confirmed, contradicted, absent, or not_checked when no check was stored).
An entity's ``registry`` lists the register entries attached to it (``registered_entries``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from civicwatch.core.schema import dataclass_from
from civicwatch.resolve import entity_key, name_keys
from civicwatch.store.models import (
    HIDDEN_STATES,
    Alias,
    Article,
    Entity,
    Event,
    EventEntity,
    Mention,
    RegistryCheck,
    RegistryEventSource,
    RegistryImport,
    RegistryRecord,
)


@dataclass
class MentionOut:
    article_id: int
    url: str | None
    source: str | None
    title: str | None
    published: str | None
    language: str | None
    status: str
    date: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    boilerplate: bool
    # why this report joined an event other reports had made: {"event", "shared" (entity keys), "dates",
    # "subtypes"} (civicwatch.store.merge.explain); None for the report that made the event
    merged_because: dict | None = None


@dataclass
class EventOut:
    """One stored event with the articles that report it."""

    id: int
    type: str
    subtype: str
    status: str
    targets: list[str]
    actor: str | None
    date: str | None
    location: str | None
    country: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    boilerplate: bool
    sources: int
    url: str | None  # of the article the evidence comes from
    mentions: list[MentionOut] = field(default_factory=list)
    # events from a register: {"register", "entry_id", "source", "as_of"}; None for events from articles
    registry: dict | None = None
    # events from articles: {"verdict", "register", "entry_id", "register_date", "days_apart", "matched_by",
    # "reason"}; None for events from a register
    registry_check: dict | None = None
    # the analyst review (civicwatch.store.review)
    review_state: str = "unreviewed"
    reviewed_by: str | None = None
    edited_fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


NOT_CHECKED = {
    "verdict": "not_checked",
    "register": None,
    "entry_id": None,
    "register_date": None,
    "days_apart": None,
    "matched_by": None,
    "reason": "not checked against a register",
}


def with_registry(session: Session, events: list[EventOut]) -> list[EventOut]:
    """Fill ``registry`` (events from a register) and ``registry_check`` (events from articles), two queries."""
    ids = [event.id for event in events]
    sources: dict[int, dict] = {}
    checks: dict[int, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = (
            select(RegistryEventSource.event_id, RegistryRecord, RegistryImport)
            .join(RegistryRecord, RegistryRecord.id == RegistryEventSource.record_id)
            .join(RegistryImport, RegistryImport.id == RegistryEventSource.import_id)
            .where(RegistryEventSource.event_id.in_(chunk))
        )
        for event_id, record, snapshot in session.execute(query):
            sources[event_id] = {
                "register": record.register,
                "entry_id": record.entry_id,
                "source": snapshot.source,
                "as_of": snapshot.as_of.isoformat() if snapshot.as_of else None,
            }
        verdicts = (
            select(RegistryCheck, RegistryRecord.entry_id)
            .outerjoin(RegistryRecord, RegistryRecord.id == RegistryCheck.record_id)
            .where(RegistryCheck.event_id.in_(chunk))
        )
        for check, entry_id in session.execute(verdicts):
            checks[check.event_id] = {
                "verdict": check.verdict,
                "register": check.register,
                "entry_id": entry_id,
                "register_date": check.register_date.isoformat() if check.register_date else None,
                "days_apart": check.days_apart,
                "matched_by": check.matched_by,
                "reason": check.reason,
            }
    for event in events:
        event.registry = sources.get(event.id)
        event.registry_check = None if event.registry else checks.get(event.id, dict(NOT_CHECKED))
    return events


def event_out(event: Event) -> EventOut:
    mentions = [_mention_out(m) for m in event.mentions]
    url = next((m.url for m in mentions if m.article_id == event.evidence_article_id), None)
    return dataclass_from(
        EventOut,
        event,
        sources=event.source_count,
        url=url,
        mentions=mentions,
        edited_fields=list(event.edited_fields or []),
    )


def _mention_out(m: Mention) -> MentionOut:
    a: Article = m.article
    published = a.published.isoformat() if a.published else None
    return dataclass_from(
        MentionOut,
        m,
        article_id=a.id,
        url=a.url,
        source=a.source_path,
        title=a.title,
        published=published,
        language=a.language,
        merged_because=(m.extra or {}).get("merge"),
    )


def find_entities(session: Session, name: str) -> list[Entity]:
    """Entities ``name`` may stand for, best first: by canonical key or any key of the name (acronym,
    quoted name), by an alias with that key or that spelling; failing those, aliases containing it."""
    keys = set(name_keys(name).strong) | ({entity_key(name)} - {None})
    folded = " ".join(name.casefold().split())
    by_alias = select(Alias.entity_id).where(or_(Alias.key.in_(keys), Alias.name_folded == folded))
    found = _ranked(session, or_(Entity.key.in_(keys), Entity.id.in_(by_alias)))
    if not found and len(folded) >= 3:
        pattern = "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found = _ranked(session, Entity.id.in_(select(Alias.entity_id).where(Alias.name_folded.like(pattern, "\\"))))
    return found


def _ranked(session: Session, condition) -> list[Entity]:
    """Entities meeting the condition, those named by most events first."""
    events = func.count(EventEntity.event_id)
    query = (
        select(Entity)
        .outerjoin(EventEntity, EventEntity.entity_id == Entity.id)
        .where(condition)
        .group_by(Entity.id)
        .order_by(events.desc(), Entity.id)
    )
    return list(session.scalars(query))


@dataclass
class AliasOut:
    name: str
    language: str | None
    seen: int
    added_by: str | None = None  # the analyst who added it from the entity page


@dataclass
class TimelineItem:
    roles: list[str]  # how the entity figures in the event: target, actor, location
    event: EventOut


@dataclass
class EntityProfile:
    id: int
    key: str
    name: str
    kind: str
    aliases: list[AliasOut]
    timeline: list[TimelineItem]
    registry: list[dict]  # see ``registry_status``

    def to_dict(self) -> dict:
        return asdict(self)


def registered_entries(session: Session, entity: Entity) -> list[dict]:
    """The register entries attached to the entity (``civicwatch.store.registry``), earliest inclusion first:
    {"register", "entry_id", "name", "listed", "delisted", "missing_since", "as_of", "source"}, where
    ``listed``/``delisted`` are the decision dates (FARA: registration and termination), ``as_of`` and
    ``source`` the snapshot the entry's data comes from, ``missing_since`` set when a newer snapshot no
    longer lists it."""
    query = (
        select(RegistryRecord, RegistryImport)
        .join(RegistryImport, RegistryImport.id == RegistryRecord.last_import_id)
        .where(RegistryRecord.entity_id == entity.id)
        .order_by(RegistryRecord.date_in.is_(None), RegistryRecord.date_in, RegistryRecord.register, RegistryRecord.id)
    )
    return [
        {
            "register": record.register,
            "entry_id": record.entry_id,
            "name": record.name,
            "listed": record.date_in.isoformat() if record.date_in else None,
            "delisted": record.date_out.isoformat() if record.date_out else None,
            "missing_since": record.missing_since.isoformat() if record.missing_since else None,
            "as_of": snapshot.as_of.isoformat() if snapshot.as_of else None,
            "source": snapshot.source,
        }
        for record, snapshot in session.execute(query)
    ]


# Functions (session, entity) -> the entity's register entries, each a dict (see ``registered_entries``).
REGISTRY_PROVIDERS: list[Callable[[Session, Entity], list[dict]]] = [registered_entries]


def registry_status(session: Session, entity: Entity) -> list[dict]:
    """What official registers say about the entity (empty until a registry import lists it)."""
    return [entry for provider in REGISTRY_PROVIDERS for entry in provider(session, entity)]


def entity_profile(
    session: Session, entity: Entity, include_boilerplate: bool = False, include_rejected: bool = False
) -> EntityProfile:
    """The entity with its aliases (most used first) and the events that name it, oldest first (those an
    analyst rejected only with ``include_rejected``)."""
    aliases = sorted(entity.aliases, key=lambda a: (-a.seen, a.name))
    roles: dict[int, list[str]] = {}
    for link in session.scalars(select(EventEntity).where(EventEntity.entity_id == entity.id)):
        roles.setdefault(link.event_id, []).append(link.role)
    query = (
        select(Event)
        .where(Event.id.in_(list(roles)))
        .options(selectinload(Event.mentions).selectinload(Mention.article))
        .order_by(Event.date_start.is_(None), Event.date_start, Event.id)
    )
    if not include_boilerplate:
        query = query.where(Event.boilerplate.is_(False))
    if not include_rejected:
        query = query.where(Event.review_state.not_in(HIDDEN_STATES))
    events = with_registry(session, [event_out(e) for e in session.scalars(query)])
    timeline = [TimelineItem(sorted(roles[e.id]), e) for e in events]
    return EntityProfile(
        id=entity.id,
        key=entity.key,
        name=entity.name,
        kind=entity.kind,
        aliases=[AliasOut(a.name, a.language, a.seen, a.added_by) for a in aliases],
        timeline=timeline,
        registry=registry_status(session, entity),
    )
