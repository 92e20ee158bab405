"""Analysts merge and split events: audited, reversible, and respected by later ingests.

    event = merge_events(s, 12, 15, user, note="the same raid")     # event 15's reports join event 12
    new = split_report(s, 12, article_id=40, user=user)             # article 40's report becomes its own event
    undo(s, audit_id, user)                                         # either one, taken back
    s.commit()

* **Merge** B into A: B's reports (mentions) move to A, with B's entity links; B keeps its row with review
  state "merged" and ``merged_into`` = A (its page points to A; no listing shows it), so nothing is lost.
  Two events one article reports cannot merge (an article reports an act once), nor events a register
  import made.
* **Split** one article's report off A: it becomes a new event of its own (A needs another report).
* **Undo** (by the audit log row of the merge or split): the reports go back where they were, B becomes
  what it was (its review state, its links), a split-off event left with no report is marked merged back
  into A. An action is undone once; an event merged since must be taken back first.

Each action writes an audit log row on the event it was made on (``merge``, ``split``, ``undo-merge``,
``undo-split``, with the moved reports' ids) and a row on the other event (``merged-into``, ``split-from``,
``unmerged``, ``unsplit``). The moved reports carry ``extra["placed_by"]``: the analyst's decision, which a
re-extraction (``civicwatch.store.learning.replace_events``) keeps, and ``extra["merge"]`` says who merged
them and why. The events' fields are rebuilt from their reports (``merge.absorb``, fields an analyst edited
kept), their entity links from their reports' names, and the registers' verdict is checked again.

Later ingests never merge two stored events, and a new report joins an event only through its entity links,
which a merged event no longer has: a split stays split and a merge stays merged. The functions change rows
in the caller's session and flush; **the caller commits**.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from civicwatch.core.dates import date_range
from civicwatch.core.schema import REPORT_FIELDS, field_values
from civicwatch.model import Event as EventIn
from civicwatch.store import merge
from civicwatch.store.entities import EntityResolver
from civicwatch.store.link import check_events
from civicwatch.store.models import (
    Article,
    AuditLogEntry,
    Event,
    EventEntity,
    Mention,
    RegistryCheck,
    RegistryEventSource,
    User,
)
from civicwatch.store.review import ReviewError, _now, record_audit

UNDOABLE = {"merge": "undo-merge", "split": "undo-split"}
_ROLE_FIELDS = {"target": "targets", "actor": "actor", "location": "location"}


def _username(session: Session, user: User | str | None) -> str | None:
    return user.username if isinstance(user, User) else user


def _news_event(session: Session, event_id: int, what: str = "event") -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise ReviewError(f"there is no {what} {event_id}", field="event")
    if event.review_state == "merged":
        raise ReviewError(f"event {event_id} was merged into event {event.merged_into}", field="event")
    if session.scalar(select(exists().where(RegistryEventSource.event_id == event_id))):
        raise ReviewError(f"event {event_id} comes from a register: it is never merged or split", field="event")
    return event


def _mentions(session: Session, event_id: int) -> list[Mention]:
    return list(session.scalars(select(Mention).where(Mention.event_id == event_id).order_by(Mention.id)))


def _links(session: Session, event_id: int) -> list[list[Any]]:
    query = select(EventEntity.entity_id, EventEntity.role).where(EventEntity.event_id == event_id)
    return sorted([entity_id, role] for entity_id, role in session.execute(query))


def merge_events(
    session: Session, event_id: int, other_id: int, user: User | str | None, note: str | None = None
) -> Event:
    """Merge event ``other_id`` into event ``event_id`` (see the module doc); returns the merged event."""
    if event_id == other_id:
        raise ReviewError("an event cannot be merged into itself", field="other")
    event = _news_event(session, event_id)
    other = _news_event(session, other_id, "event to merge")
    moving = _mentions(session, other_id)
    here = {m.article_id for m in _mentions(session, event_id)}
    both = sorted(here & {m.article_id for m in moving})
    if both:
        raise ReviewError(
            f"article {both[0]} reports both events: an article reports an act once, so they are two acts",
            field="other",
        )
    username = _username(session, user)
    before: dict[str, Any] = {
        "other_state": other.review_state,
        "links": _links(session, event_id),
        "other_links": _links(session, other_id),
        "reasons": {str(m.id): (m.extra or {}).get("merge") for m in moving},
    }
    for mention in moving:
        extra = {**(mention.extra or {}), "placed_by": username}
        extra["merge"] = {"event": event_id, "merged_by": username, "note": note}
        mention.extra = extra
        mention.event_id = event_id
    other.review_state = "merged"
    other.merged_into = event_id
    other.source_count = 0
    other.reviewed_at, other.reviewed_by = _now(), username  # when it left the listings (a feed's tombstone)
    session.execute(delete(RegistryCheck).where(RegistryCheck.event_id == other_id))
    session.flush()
    _rebuild(session, event)
    _relink(session, event, keep=before["links"])
    session.execute(delete(EventEntity).where(EventEntity.event_id == other_id))
    session.flush()
    session.expire(other, ["entity_links"])
    check_events(session, [event])
    after = {"merged": other_id, "mentions": [m.id for m in moving]}
    record_audit(session, user, "merge", "event", event_id, before, after, note)
    record_audit(
        session,
        user,
        "merged-into",
        "event",
        other_id,
        {"review_state": before["other_state"]},
        {"merged_into": event_id},
        note,
    )
    return event


def split_report(
    session: Session, event_id: int, article_id: int, user: User | str | None, note: str | None = None
) -> Event:
    """Split the report of article ``article_id`` off event ``event_id`` into a new event; returns the new one."""
    event = _news_event(session, event_id)
    mentions = _mentions(session, event_id)
    mention = next((m for m in mentions if m.article_id == article_id), None)
    if mention is None:
        raise ReviewError(f"article {article_id} does not report event {event_id}", field="article")
    if len(mentions) < 2:
        raise ReviewError(f"event {event_id} has only this report: there is nothing to split", field="article")
    username = _username(session, user)
    published = session.scalar(select(Article.published).where(Article.id == article_id))
    new = merge.new_event(merge.Report(mention, published, set()))
    session.add(new)
    session.flush()
    extra = {k: v for k, v in (mention.extra or {}).items() if k != "merge"}
    before = {"reason": (mention.extra or {}).get("merge"), "links": _links(session, event_id)}
    mention.extra = {**extra, "placed_by": username, "split_from": event_id}
    mention.event_id = new.id
    session.flush()
    _rebuild(session, event)
    _rebuild(session, new)
    _relink(session, event)
    _relink(session, new)
    session.flush()
    check_events(session, [event, new])
    after = {"new_event": new.id, "mention": mention.id, "article": article_id}
    record_audit(session, user, "split", "event", event_id, before, after, note)
    record_audit(session, user, "split-from", "event", new.id, None, {"event": event_id, "article": article_id}, note)
    return new


def undo(
    session: Session, audit_id: int, user: User | str | None, note: str | None = None, event_id: int | None = None
) -> Event:
    """Take back a merge or a split (by its audit log row; ``event_id``: it must be a change of that event);
    returns the event it was made on."""
    entry = session.get(AuditLogEntry, audit_id)
    if entry is None or entry.action not in UNDOABLE or entry.object_type != "event" or entry.object_id is None:
        raise ReviewError(f"audit entry {audit_id} is not a merge or a split", field="undo")
    if event_id is not None and entry.object_id != str(event_id):
        raise ReviewError(f"audit entry {audit_id} is a change of event {entry.object_id}, not of this one", "undo")
    if undone_by(session, audit_id) is not None:
        raise ReviewError(f"the {entry.action} of audit entry {audit_id} was undone already", field="undo")
    event = _news_event(session, int(entry.object_id))
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "merge":
        other_id = int(after["merged"])
        other = session.get(Event, other_id)
        if other is None:
            raise ReviewError(f"event {other_id} is gone: the merge cannot be undone", field="undo")
        ids = [int(i) for i in after.get("mentions", [])]
        moving = [m for m in _mentions(session, event.id) if m.id in ids]
        for mention in moving:
            extra = {**(mention.extra or {}), "placed_by": _username(session, user)}
            extra["merge"] = (before.get("reasons") or {}).get(str(mention.id))
            if extra["merge"] is None:
                extra.pop("merge")
            mention.extra = extra
            mention.event_id = other_id
        other.review_state = before.get("other_state") or "unreviewed"
        other.merged_into = None
        session.flush()
        _rebuild(session, event)
        _rebuild(session, other)
        _relink(session, event, keep=before.get("links", []))
        _relink(session, other, keep=before.get("other_links", []))
        session.flush()
        check_events(session, [event, other])
        record_audit(
            session, user, "undo-merge", "event", event.id, None, {"undoes": audit_id, "other": other_id}, note
        )
        record_audit(session, user, "unmerged", "event", other_id, {"merged_into": event.id}, None, note)
        return event
    new_id, mention_id = int(after["new_event"]), int(after["mention"])
    split_off = session.get(Mention, mention_id)
    if split_off is None or split_off.event_id != new_id:
        raise ReviewError(f"the report split off is no longer in event {new_id}", field="undo")
    mention = split_off
    if session.scalar(select(exists().where(Mention.event_id == event.id, Mention.article_id == mention.article_id))):
        raise ReviewError(f"event {event.id} has a report of article {mention.article_id} again", field="undo")
    new = session.get(Event, new_id)
    assert new is not None
    extra = {k: v for k, v in (mention.extra or {}).items() if k != "split_from"}
    extra["placed_by"] = _username(session, user)
    if before.get("reason"):
        extra["merge"] = before["reason"]
    mention.extra = extra
    mention.event_id = event.id
    session.flush()
    _rebuild(session, event)
    if _mentions(session, new_id):
        _rebuild(session, new)
        _relink(session, new)
    else:  # nothing else reports it: it was only the split-off report, now back where it was
        new.review_state, new.merged_into, new.source_count = "merged", event.id, 0
        new.reviewed_at, new.reviewed_by = _now(), _username(session, user)
        session.execute(delete(EventEntity).where(EventEntity.event_id == new_id))
        session.execute(delete(RegistryCheck).where(RegistryCheck.event_id == new_id))
    _relink(session, event)
    session.flush()
    check_events(session, [event] + ([new] if new.review_state != "merged" else []))
    record_audit(session, user, "undo-split", "event", event.id, None, {"undoes": audit_id, "new_event": new_id}, note)
    record_audit(session, user, "unsplit", "event", new_id, None, {"back_to": event.id}, note)
    return event


def undone_by(session: Session, audit_id: int) -> int | None:
    """The id of the audit row that undid the merge or split of ``audit_id``, if any."""
    entry = session.get(AuditLogEntry, audit_id)
    if entry is None or entry.object_id is None:
        return None
    query = select(AuditLogEntry).where(
        AuditLogEntry.object_type == "event",
        AuditLogEntry.object_id == entry.object_id,
        AuditLogEntry.action.in_(tuple(UNDOABLE.values())),
        AuditLogEntry.id > audit_id,
    )
    return next((row.id for row in session.scalars(query) if (row.after or {}).get("undoes") == audit_id), None)


def _rebuild(session: Session, event: Event) -> None:
    """The event's fields from its reports again, as ingest makes them (``merge.absorb``); fields an
    analyst edited keep the analyst's values."""
    session.flush()
    mentions = _mentions(session, event.id)
    if not mentions:
        return
    kept = set(event.edited_fields or ())
    if "type" in kept:
        kept.add("subtype")
    query = select(Article.id, Article.published).where(Article.id.in_([m.article_id for m in mentions]))
    published = {article_id: day for article_id, day in session.execute(query)}
    first = mentions[0]
    for name, value in field_values(first, REPORT_FIELDS).items():
        if name not in kept:
            setattr(event, name, value)
    span = date_range(event.date)
    event.date_start, event.date_end = span if span else (None, None)
    event.evidence_article_id = first.article_id
    event.source_count = 1
    event.first_published = event.last_published = published.get(first.article_id)
    session.flush()
    for mention in mentions[1:]:
        merge.absorb(session, event, merge.Report(mention, published.get(mention.article_id), set()))
    session.flush()


def _relink(session: Session, event: Event, keep: list[list[Any]] | None = None) -> None:
    """The event's entity links from its reports' names. Roles an analyst edited keep their links (those of
    ``keep``, the links before the change, else the current ones)."""
    session.flush()
    edited = {role for role, name in _ROLE_FIELDS.items() if name in (event.edited_fields or ())}
    current = _links(session, event.id)
    kept = {(entity_id, role) for entity_id, role in (keep if keep is not None else current) if role in edited}
    mentions = _mentions(session, event.id)
    reports = [EventIn(**field_values(m, REPORT_FIELDS)) for m in mentions if m.targets]
    language = session.scalar(select(Article.language).where(Article.id == event.evidence_article_id))
    resolver = EntityResolver(session, language, reports, record_aliases=False)
    wanted = set(kept)
    for report in reports:
        for entity, role in resolver.links(report):
            if role not in edited:
                session.flush()  # a new entity needs its id
                wanted.add((entity.id, role))
    session.execute(delete(EventEntity).where(EventEntity.event_id == event.id))
    session.expire(event, ["entity_links"])
    for entity_id, role in sorted(wanted):
        session.add(EventEntity(event_id=event.id, entity_id=entity_id, role=role))
    session.flush()
