"""What the store keeps for the learning loop: events analysts add, the review queue, the reviewed
articles that become training examples, and re-extraction that keeps the analysts' work.

    event = add_event(s, article_id, user, {"type": "sanction", "subtype": "fine", "targets": ["X"], ...},
                      evidence_start=120, evidence_end=212)
    for event, title in review_queue(s, limit=20): ...   # unreviewed, least certain first
    for article in reviewed_articles(s): ...             # articles with reviewed or added events
    change = replace_events(s, article_id, events)       # re-extraction: counts added/removed/changed by type

An added event is a miss of the extractor: it is stored "confirmed", every editable field counted as
the analyst's (``edited_fields``: later merges and re-extraction leave them alone), with the audit
action "add"; its mention's ``extra["added_by"]`` names the analyst. Like ``civicwatch.store.review``,
the functions change rows in the caller's session and flush; **the caller commits**.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicwatch.core.dates import date_range
from civicwatch.core.schema import EDITABLE_FIELDS, field_values
from civicwatch.model import Event as EventIn
from civicwatch.store.models import Article, AuditLogEntry, Event, Mention, User
from civicwatch.store.review import ReviewError, _now, _plain, _relink, _who, record_audit, validate_changes

REVIEW_COUNTED = ("confirm", "reject", "edit", "add")  # audit actions that teach the extractor
TRAIN_ACTION = "train"  # the audit action ``civicwatch train`` records (object_type "model")
BOUNDARY = 0.5  # the extractor's decision threshold on an event's probability (civicwatch.extract.training)
COMPARED = ("type", "subtype", "status", "targets", "actor", "date", "location", "country")


# -- adding a missed event ------------------------------------------------------------------------
def add_event(
    session: Session,
    article_id: int,
    user: User | str | None,
    fields: dict[str, Any],
    evidence_start: int,
    evidence_end: int,
    note: str | None = None,
) -> Event:
    """Store an event the extractor missed in an article: ``fields`` are the editable fields (type,
    subtype and targets required), the evidence is the article's text between the offsets."""
    article = session.get(Article, article_id)
    if article is None:
        raise ReviewError(f"no article with id {article_id}")
    if not 0 <= evidence_start < evidence_end <= len(article.text):
        raise ReviewError("select the evidence sentence in the article's text", "evidence")
    evidence = article.text[evidence_start:evidence_end].strip()
    if not evidence:
        raise ReviewError("the evidence is empty: select the sentence that reports the act", "evidence")
    for required in ("type", "subtype", "targets"):
        if not fields.get(required):
            raise ReviewError(f"{required} is required", required)
    template = Event(type=fields["type"], subtype=fields["subtype"])
    clean = validate_changes(template, {"status": "occurred", **fields})
    lead = len(article.text[evidence_start:evidence_end]) - len(article.text[evidence_start:evidence_end].lstrip())
    start = evidence_start + lead
    _, username = _who(session, user)
    values = {name: clean.get(name) for name in EDITABLE_FIELDS}
    mention = Mention(
        article_id=article.id,
        **values,
        evidence=evidence,
        evidence_start=start,
        evidence_end=start + len(evidence),
        confidence=1.0,
        boilerplate=False,
        extra={"added_by": username, "language": article.language},
    )
    span = date_range(values["date"]) if values["date"] else None
    event = Event(
        **field_values(mention),
        date_start=span[0] if span else None,
        date_end=span[1] if span else None,
        evidence_article_id=article.id,
        source_count=1,
        first_published=article.published,
        last_published=article.published,
        review_state="confirmed",
        reviewed_at=_now(),
        reviewed_by=username,
        edited_fields=list(EDITABLE_FIELDS),
    )
    mention.event = event
    session.add_all([event, mention])
    article.event_count = (article.event_count or 0) + 1
    session.flush()
    _relink(session, event, {"target", "actor", "location"})
    session.flush()
    after = {name: _plain(value) for name, value in values.items()} | {"evidence": evidence, "article_id": article.id}
    record_audit(session, user, "add", "event", event.id, None, after, note)
    return event


# -- the review queue --------------------------------------------------------------------------
def review_queue(
    session: Session, limit: int = 50, boundary: float = BOUNDARY, skip: tuple[int, ...] = ()
) -> list[tuple[Event, str | None]]:
    """Unreviewed events, the least certain first (confidence closest to the decision boundary),
    each with its evidence article's title; ``skip``: event ids passed over."""
    query = (
        select(Event, Article.title)
        .outerjoin(Article, Article.id == Event.evidence_article_id)
        .where(Event.review_state == "unreviewed")
        .order_by(func.abs(Event.confidence - boundary), Event.id)
        .limit(limit)
    )
    if skip:
        query = query.where(Event.id.not_in(skip))
    return [(event, title) for event, title in session.execute(query)]


def last_training(session: Session) -> datetime | None:
    """When ``civicwatch train`` last ran on this database."""
    return session.scalar(select(func.max(AuditLogEntry.at)).where(AuditLogEntry.action == TRAIN_ACTION))


def reviews_since_training(session: Session) -> int:
    """Reviews (confirm, reject, edit, add) recorded since the last training (all of them before one)."""
    query = select(func.count(AuditLogEntry.id)).where(
        AuditLogEntry.object_type == "event", AuditLogEntry.action.in_(REVIEW_COUNTED)
    )
    since = last_training(session)
    if since is not None:
        query = query.where(AuditLogEntry.at > since)
    return session.scalar(query) or 0


def record_training(
    session: Session, user: User | str | None, outcome: dict[str, Any], note: str | None = None
) -> None:
    """Write the audit row of a training run (``outcome``: versions, scores, whether it was installed)."""
    record_audit(session, user, TRAIN_ACTION, "model", outcome.get("candidate"), None, outcome, note)


# -- reviewed articles, for training --------------------------------------------------------------
@dataclass
class ReviewedEvent:
    """One event of a reviewed article, with the values this article reports, the analyst's where edited."""

    event_id: int
    review_state: str  # "unreviewed", "confirmed", "rejected" or "edited"
    added: bool  # an analyst added it (a miss of the extractor)
    values: dict[str, Any]  # type, subtype, status, targets, actor, date, location, country, evidence


@dataclass
class ReviewedArticle:
    id: int
    text: str
    language: str | None
    published: date | None
    url: str | None
    events: list[ReviewedEvent] = field(default_factory=list)


def reviewed_articles(session: Session) -> list[ReviewedArticle]:
    """Articles holding at least one reviewed or added event, each with all its events (oldest first)."""
    reviewed = (
        select(Mention.article_id)
        .join(Event, Event.id == Mention.event_id)
        .where(Event.review_state != "unreviewed")
        .distinct()
    )
    query = select(Article).where(Article.id.in_(reviewed)).order_by(Article.id)
    found = []
    for article in session.scalars(query):
        item = ReviewedArticle(article.id, article.text, article.language, article.published, article.url)
        mentions = session.execute(
            select(Mention, Event).join(Event, Event.id == Mention.event_id).where(Mention.article_id == article.id)
        )
        for mention, event in mentions:
            values = {name: _plain(getattr(mention, name)) for name in (*COMPARED, "evidence")}
            for name in event.edited_fields or []:
                values[name] = _plain(getattr(event, name))
            added = bool((mention.extra or {}).get("added_by"))
            item.events.append(ReviewedEvent(event.id, event.review_state, added, values))
        found.append(item)
    return found


# -- re-extraction -------------------------------------------------------------------------------
@dataclass
class Changes:
    """What a re-extraction changed, per event type."""

    added: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # reviewed events the new extraction no longer finds, kept

    def update(self, other: Changes) -> None:
        for name in ("added", "removed", "changed", "kept"):
            getattr(self, name).update(getattr(other, name))


def _names(values: list[str] | None) -> set[str]:
    return {" ".join(v.casefold().split()) for v in values or []}


def _same_act(mention: Mention, event: EventIn) -> bool:
    if mention.type != event.type:
        return False
    old, new = _names(mention.targets), _names(event.targets)
    if old & new or any(a in b or b in a for a in old for b in new):
        return True
    return mention.evidence_start < event.evidence_end and event.evidence_start < mention.evidence_end


def replace_events(session: Session, article_id: int, events: list[EventIn]) -> Changes:
    """Put a new extraction of a stored article in place of its old one.

    A new event and an old report of the same type with a shared target (or overlapping evidence) are
    one act: the report takes the new values, and so does its event while no analyst reviewed it
    (confirmed, rejected and edited events keep theirs: a rejected event stays rejected). Old reports
    of unreviewed events that the new extraction does not find are removed (their event with them when
    it has no other report); reports of reviewed or added events stay. New acts are stored as ingest
    stores them (merged into other articles' events where they report the same act)."""
    article = session.get(Article, article_id)
    if article is None:
        raise ReviewError(f"no article with id {article_id}")
    changes = Changes()
    old = list(session.scalars(select(Mention).where(Mention.article_id == article_id).order_by(Mention.id)))
    matched: dict[int, EventIn] = {}
    fresh: list[EventIn] = []
    for extracted in events:
        same = next((m for m in old if m.id not in matched and _same_act(m, extracted)), None)
        if same is None:
            fresh.append(extracted)
        else:
            matched[same.id] = extracted
    for mention in old:
        new = matched.get(mention.id)
        if (mention.extra or {}).get("added_by") or (mention.extra or {}).get("placed_by"):
            # the analyst's report, or one an analyst merged or split (civicwatch.store.merges): it stays as it
            # is, in its event, found again or not
            if new is None:
                changes.kept[mention.type] += 1
        elif new is not None:
            _renew(session, mention, new, changes)
        elif mention.event.review_state != "unreviewed":
            changes.kept[mention.type] += 1
        else:
            changes.removed[mention.type] += 1
            _drop(session, mention, article_id)
    session.flush()
    if fresh:
        from civicwatch.store.ingest import add_reports  # (deduplication's libraries: not for the web app)

        add_reports(session, article, fresh)
        for new in fresh:
            changes.added[new.type] += 1
    session.flush()
    article.event_count = session.scalar(select(func.count(Mention.id)).where(Mention.article_id == article_id)) or 0
    session.flush()
    return changes


def _renew(session: Session, mention: Mention, new: EventIn, changes: Changes) -> None:
    """The report takes the new extraction's values, and its event too while nobody reviewed it."""
    before = {name: _plain(getattr(mention, name)) for name in COMPARED}
    values = field_values(new)
    for name, value in values.items():
        setattr(mention, name, value)
    mention.extra = {k: v for k, v in new.extra.items() if isinstance(v, str | int | float | bool) or v is None}
    if before != {name: _plain(values[name]) for name in COMPARED}:
        changes.changed[new.type] += 1
    event = mention.event
    if event.review_state == "unreviewed" and event.source_count == 1:
        for name, value in values.items():
            setattr(event, name, value)
        span = date_range(event.date) if event.date else None
        event.date_start, event.date_end = span if span else (None, None)
        _relink(session, event, {"target", "actor", "location"})


def _drop(session: Session, mention: Mention, article_id: int) -> None:
    """Remove a report; its event goes with it when it has no other, else takes another's evidence if needed."""
    event = mention.event
    session.delete(mention)
    event.source_count -= 1
    if event.source_count <= 0:
        session.delete(event)
        return
    if event.evidence_article_id == article_id:
        other = session.scalars(
            select(Mention)
            .where(Mention.event_id == event.id, Mention.id != mention.id)
            .order_by(Mention.confidence.desc(), Mention.id)
        ).first()
        if other is not None:
            event.evidence, event.evidence_article_id = other.evidence, other.article_id
            event.evidence_start, event.evidence_end = other.evidence_start, other.evidence_end


def articles_to_reextract(session: Session, since: date | None = None) -> list[int]:
    """Ids of stored articles (not near-duplicate copies) published on or after ``since``, oldest first."""
    query = select(Article.id).where(Article.story_id.is_(None)).order_by(Article.id)
    if since is not None:
        query = query.where(Article.published >= since)
    return list(session.scalars(query))
