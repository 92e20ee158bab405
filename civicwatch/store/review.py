"""The analyst review of extracted events: confirm, reject, reopen or edit, every change in the audit log.

    event = review_event(s, 42, user, "confirm", note="checked against the ministry's register")
    event = edit_event(s, 42, user, {"date": "2021-12-28", "targets": ["Memorial"]}, note="date from the ruling")
    s.commit()
    for entry in event_history(s, 42): print(entry.at, entry.username, entry.action, entry.before, entry.after)

``Event.review_state`` is "unreviewed" (as extracted), "confirmed", "rejected" or "edited" (an analyst changed
fields; ``Event.edited_fields`` lists them). Later reports merged into the event (``civicwatch.store.merge``)
never overwrite an edited field and never change the review state: a rejected event stays rejected.

Edited values are checked against the event schema (``shared/eval/SCHEMA.md``: types, subtypes, statuses,
EDTF dates, ISO 3166-1 alpha-2 countries); ``ReviewError`` names the field at fault. The functions add and
change rows in the caller's session and flush; **the caller commits**.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from civicwatch.core.dates import date_range, is_valid_edtf
from civicwatch.core.schema import EDITABLE_FIELDS, EVENT_TYPES, STATUSES, dataclass_from, field_values
from civicwatch.core.text import strip_controls
from civicwatch.model import Event as EventIn
from civicwatch.resolve import entity_key
from civicwatch.store.entities import EntityResolver
from civicwatch.store.entities import named as _named_in
from civicwatch.store.link import check_events
from civicwatch.store.models import Alias, Article, AuditLogEntry, Entity, Event, EventEntity, User

REVIEW_ACTIONS = {"confirm": "confirmed", "reject": "rejected"}  # "reopen": back to unreviewed (or edited)
_ROLE_OF_FIELD = {"targets": "target", "actor": "actor", "location": "location"}
_MAX_NAME = 500

# ISO 3166-1 alpha-2 (officially assigned codes)
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
    BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM
    FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN
    MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT
    PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL
    TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)


class ReviewError(Exception):
    """A review request that cannot be done (unknown event, bad value); ``field`` names the field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class AuditEntry:
    """One audit log row, as read back."""

    id: int
    at: datetime
    user_id: int | None
    username: str | None
    action: str
    object_type: str
    object_id: str | None
    before: dict | None
    after: dict | None
    note: str | None

    def to_dict(self) -> dict:
        return {**self.__dict__, "at": self.at.isoformat()}


def _now() -> datetime:
    return datetime.now(UTC)


def _who(session: Session, user: User | str | None) -> tuple[int | None, str | None]:
    if isinstance(user, User):
        return user.id, user.username
    if isinstance(user, str):
        found = session.scalars(select(User).where(User.username == user)).first()
        return (found.id if found else None), user
    return None, None


def record_audit(
    session: Session,
    user: User | str | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> AuditLogEntry:
    """Write one audit log row (``user``: a User, a username, or None for the command line)."""
    user_id, username = _who(session, user)
    row = AuditLogEntry(
        at=_now(),
        user_id=user_id,
        username=username,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        note=strip_controls(note) if note else None,  # an analyst's words: no control or bidi characters
    )
    session.add(row)
    session.flush()
    return row


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise ReviewError(f"no event with id {event_id}")
    if event.review_state == "merged":  # civicwatch.store.merges: its reports are in the other event
        raise ReviewError(
            f"event {event_id} was merged into event {event.merged_into}: review that one, or undo the merge"
        )
    return event


def review_event(
    session: Session, event_id: int, user: User | str | None, action: str, note: str | None = None
) -> Event:
    """Confirm or reject an event, or reopen it (back to "unreviewed", or "edited" when fields were edited)."""
    if action == "reopen":
        new_state = "edited" if _event(session, event_id).edited_fields else "unreviewed"
    elif action in REVIEW_ACTIONS:
        new_state = REVIEW_ACTIONS[action]
    else:
        raise ReviewError(f"unknown review action {action!r}: use confirm, reject or reopen", field="action")
    event = _event(session, event_id)
    before = {"review_state": event.review_state}
    _, username = _who(session, user)
    event.review_state = new_state
    event.reviewed_at = _now()
    event.reviewed_by = username
    session.flush()
    record_audit(session, user, action, "event", event.id, before, {"review_state": new_state}, note)
    return event


def validate_changes(event: Event, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes with values normalised (names stripped, country upper-case, empty text as None);
    ReviewError naming the first field that is not editable or not valid."""
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ReviewError(f"{name!r} cannot be edited: editable fields are {', '.join(EDITABLE_FIELDS)}", name)
        clean[name] = _clean(name, value)
    event_type = clean.get("type", event.type)
    subtype = clean.get("subtype", event.subtype)
    if subtype not in EVENT_TYPES[event_type]:
        raise ReviewError(
            f"subtype {subtype!r} is not one of type {event_type!r}: use one of {', '.join(EVENT_TYPES[event_type])}",
            "subtype",
        )
    return clean


def _clean(name: str, value: Any) -> Any:
    if name == "targets":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ReviewError("targets must be a list of names", name)
        targets = [_name(name, item) for item in value]
        targets = [t for t in targets if t]
        if not targets:
            raise ReviewError("targets must name at least one target", name)
        return list(dict.fromkeys(targets))
    if value is not None and not isinstance(value, str):
        raise ReviewError(f"{name} must be text", name)
    text = value.strip() if value else None
    if name == "type":
        if text not in EVENT_TYPES:
            raise ReviewError(f"unknown type {value!r}: use one of {', '.join(EVENT_TYPES)}", name)
    elif name == "subtype":
        if not text:
            raise ReviewError("subtype is required", name)
    elif name == "status":
        if text not in STATUSES:
            raise ReviewError(f"unknown status {value!r}: use one of {', '.join(STATUSES)}", name)
    elif name == "date":
        if text is not None and (not is_valid_edtf(text) or (date_range(text) is None and "X" not in text[:4])):
            raise ReviewError(f"date {value!r} is not an EDTF date such as 2021-12-28, 2021-12 or 2021", name)
    elif name == "country":
        text = text.upper() if text else None
        if text is not None and text not in ISO_COUNTRIES:
            raise ReviewError(f"country {value!r} is not an ISO 3166-1 alpha-2 code such as RU or GE", name)
    else:  # actor, location
        text = _name(name, text)
    return text


def _name(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReviewError(f"{field} must be text", field)
    text = " ".join(strip_controls(value).split())
    if len(text) > _MAX_NAME:
        raise ReviewError(f"{field} is too long (at most {_MAX_NAME} characters)", field)
    return text or None


def edit_event(
    session: Session, event_id: int, user: User | str | None, changes: dict[str, Any], note: str | None = None
) -> Event:
    """Change fields of an event (``EDITABLE_FIELDS``); the event becomes "edited", the changed fields are
    added to ``edited_fields`` (later merges leave them alone) and its entity links follow its targets,
    actor and location. Values equal to the current ones are no change; no change writes nothing."""
    event = _event(session, event_id)
    clean = validate_changes(event, changes)
    changed = {name: value for name, value in clean.items() if getattr(event, name) != value}
    if not changed:
        return event
    before = {name: _plain(getattr(event, name)) for name in changed}
    for name, value in changed.items():
        setattr(event, name, value)
    if "date" in changed:
        span = date_range(event.date)
        event.date_start, event.date_end = span if span else (None, None)
    event.edited_fields = list(dict.fromkeys([*(event.edited_fields or []), *changed]))
    event.review_state = "edited"
    event.reviewed_at = _now()
    event.reviewed_by = _who(session, user)[1]
    roles = {_ROLE_OF_FIELD[name] for name in changed if name in _ROLE_OF_FIELD}
    if roles or "type" in changed:
        _relink(session, event, roles | ({"target"} if "type" in changed else set()))
    session.flush()
    if {"type", "subtype", "date", "targets", "country"} & set(changed):
        check_events(session, [event])
    record_audit(session, user, "edit", "event", event.id, before, {n: _plain(v) for n, v in changed.items()}, note)
    return event


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def _relink(session: Session, event: Event, roles: set[str]) -> None:
    """Link the event to the entities its (edited) targets, actor and location name, as ingest does."""
    session.flush()
    session.execute(delete(EventEntity).where(EventEntity.event_id == event.id, EventEntity.role.in_(roles)))
    session.expire(event, ["entity_links"])
    language = session.scalar(select(Article.language).where(Article.id == event.evidence_article_id))
    described = EventIn(
        **field_values(event, ("type", "subtype", "status", "targets", "actor", "location", "evidence"))
    )
    resolver = EntityResolver(session, language, [described])
    linked: set[tuple[int, str]] = set()
    for entity, role in resolver.links(described):
        if role in roles:
            session.flush()  # a new entity needs its id
            if (entity.id, role) not in linked:
                linked.add((entity.id, role))
                session.add(EventEntity(event_id=event.id, entity_id=entity.id, role=role))


_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")


def add_alias(
    session: Session,
    entity_id: int,
    user: User | str | None,
    name: str,
    language: str | None = None,
    note: str | None = None,
) -> Alias:
    """Add a name of an entity (an analyst's, from the entity page): later reports that use it resolve to
    this entity before the shipped alias table is asked (``civicwatch.store.entities``), and search finds the
    entity by it. A name the entity was already seen under becomes the analyst's alias. Audited ("alias.add")."""
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise ReviewError(f"there is no entity {entity_id}", field="entity")
    clean = _name("name", name)
    if not clean:
        raise ReviewError("the name is empty", field="name")
    code = (language or "").strip().lower() or None
    if code is not None and not _LANGUAGE.fullmatch(code):
        raise ReviewError(f"language {language!r} is not a language code such as en, ru or uk", field="language")
    folded = " ".join(clean.casefold().split())
    taken = session.scalars(
        select(Alias).where(Alias.name_folded == folded, Alias.added_by.is_not(None), Alias.entity_id != entity_id)
    ).first()
    if taken is not None:
        raise ReviewError(f"{clean!r} is already an analyst's name of entity {taken.entity_id}", field="name")
    _, username = _who(session, user)
    alias = session.scalars(select(Alias).where(Alias.entity_id == entity_id, Alias.name == clean)).first()
    if alias is not None and alias.added_by is not None:
        raise ReviewError(f"{clean!r} is already a name of this entity", field="name")
    if alias is None:
        alias = Alias(entity_id=entity_id, name=clean, name_folded=folded, key=entity_key(clean), seen=0)
        session.add(alias)
    alias.language = code or alias.language
    alias.added_by = username or "command line"
    session.flush()
    relinked = relink_name(session, folded, alias.key, entity_id)
    after = {"name": clean, "language": alias.language, "key": alias.key, "relinked": relinked}
    record_audit(session, user, "alias.add", "entity", entity_id, None, after, note)
    return alias


def remove_alias(
    session: Session, entity_id: int, user: User | str | None, name: str, note: str | None = None
) -> list[int]:
    """Take back a name an analyst added to an entity: later reports that use it resolve as they would have
    without it, and the events stored since that it linked to the entity are linked again by their names.
    The alias row stays when reports used the name (it is then one of the entity's names as seen, no longer
    the analyst's); otherwise it is deleted. Audited ("alias.remove", with what the alias was: adding the
    name again restores it). Returns the ids of the events linked again."""
    if session.get(Entity, entity_id) is None:
        raise ReviewError(f"there is no entity {entity_id}", field="entity")
    folded = " ".join((_name("name", name) or "").casefold().split())
    alias = session.scalars(
        select(Alias).where(Alias.entity_id == entity_id, Alias.name_folded == folded, Alias.added_by.is_not(None))
    ).first()
    if alias is None:
        raise ReviewError(f"{name.strip()!r} is not an analyst's name of entity {entity_id}", field="name")
    before = {
        "name": alias.name,
        "language": alias.language,
        "key": alias.key,
        "added_by": alias.added_by,
        "seen": alias.seen,
    }
    key = alias.key
    if alias.seen:
        alias.added_by = None
    else:
        session.delete(alias)
    session.flush()
    relinked = relink_name(session, folded, key, entity_id)
    record_audit(session, user, "alias.remove", "entity", entity_id, before, {"relinked": relinked}, note)
    return relinked


def relink_name(session: Session, folded: str, key: str | None, entity_id: int) -> list[int]:
    """Link again, by their names, the stored events that name ``folded`` (or a name of the same key) after
    an analyst's name of entity ``entity_id`` was added or removed: those linked to that entity or to one
    known by the name. In each role that holds the name, the entities the role's
    names resolve to now (an analyst's name first, as for a new report) replace the old links; a law
    event's link to its act is kept. Their registers' verdicts are checked again. Returns their ids."""
    holders = select(Alias.entity_id).where(
        or_(Alias.name_folded == folded, Alias.key == key) if key else (Alias.name_folded == folded)
    )
    linked = select(EventEntity.event_id).where(
        or_(EventEntity.entity_id.in_(holders), EventEntity.entity_id == entity_id)
    )
    events = list(
        session.scalars(select(Event).where(Event.id.in_(linked), Event.merged_into.is_(None)).order_by(Event.id))
    )
    changed: list[Event] = []
    for event in events:
        if _relink_roles(session, event, folded, key):
            changed.append(event)
    session.flush()
    check_events(session, changed)
    return [event.id for event in changed]


def _relink_roles(session: Session, event: Event, folded: str, key: str | None) -> bool:
    language = session.scalar(select(Article.language).where(Article.id == event.evidence_article_id))
    described = EventIn(
        **field_values(event, ("type", "subtype", "status", "targets", "actor", "location", "evidence"))
    )
    named = _named_in(described)
    roles = {
        role
        for name, role, _ in named
        if " ".join(name.casefold().split()) == folded or (key and entity_key(name) == key)
    }
    if not roles:
        return False
    resolver = EntityResolver(session, language, [described], record_aliases=False)
    wanted: set[tuple[int, str]] = set()
    for name, role, kind in named:
        if role in roles and (entity := resolver.entity(name, kind)) is not None:
            session.flush()  # a name that now stands for no stored entity gets one
            wanted.add((entity.id, role))
    current = session.execute(
        select(EventEntity, Entity.kind)
        .join(Entity, Entity.id == EventEntity.entity_id)
        .where(EventEntity.event_id == event.id, EventEntity.role.in_(roles))
    ).all()
    have = {(link.entity_id, link.role) for link, _ in current}
    for link, kind in current:
        if (link.entity_id, link.role) not in wanted and kind != "law":
            session.delete(link)
    for entity_id, role in sorted(wanted - have):
        session.add(EventEntity(event_id=event.id, entity_id=entity_id, role=role))
    session.flush()
    session.expire(event, ["entity_links"])
    return wanted != have


def entity_history(session: Session, entity_id: int) -> list[AuditEntry]:
    """The changes analysts made to an entity (its aliases), oldest first."""
    query = (
        select(AuditLogEntry)
        .where(AuditLogEntry.object_type == "entity", AuditLogEntry.object_id == str(entity_id))
        .order_by(AuditLogEntry.at, AuditLogEntry.id)
    )
    return [_entry(row) for row in session.scalars(query)]


def _entry(row: AuditLogEntry) -> AuditEntry:
    return dataclass_from(AuditEntry, row, at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC))


def event_history(session: Session, event_id: int) -> list[AuditEntry]:
    """The review history of an event, oldest first."""
    query = (
        select(AuditLogEntry)
        .where(AuditLogEntry.object_type == "event", AuditLogEntry.object_id == str(event_id))
        .order_by(AuditLogEntry.at, AuditLogEntry.id)
    )
    return [_entry(row) for row in session.scalars(query)]


def recent_audit(session: Session, limit: int = 100, user: User | str | None = None) -> list[AuditEntry]:
    """The latest audit log rows, newest first; ``user``: only that person's changes."""
    query = select(AuditLogEntry).order_by(AuditLogEntry.at.desc(), AuditLogEntry.id.desc()).limit(limit)
    if isinstance(user, User):
        query = query.where(AuditLogEntry.user_id == user.id)
    elif isinstance(user, str):
        query = query.where(AuditLogEntry.username == user)
    return [_entry(row) for row in session.scalars(query)]
