"""Storing articles with their extracted events: one transaction per article, idempotent, resumable.

The store is passive: reading, screening, extraction and the decision what to extract belong to
``civicwatch.pipeline``. ``ArticleStore`` takes an article (``civicwatch.model.Article``, its title and
language as they are to be kept) and the events the extractor found in it (``civicwatch.model.Event``),
and writes them:

* an article is stored once: one whose URL or normalised-text hash is already there is a "duplicate"
  (``lookup`` tells before extraction, so a re-run after a crash only extracts what is missing);
* a near-duplicate of a stored article (a repost or syndicated copy: ``dedup.py``) is stored as a copy of
  its story: the article row with ``story_id`` set, and no events (``lookup`` says so before extraction;
  events given for a copy are dropped);
* otherwise one transaction writes the article row, a mention per event, the events they create or merge
  into (``merge.py``), the entities they name (``entities.py``) and the registers' verdict on them
  (``link.py``). A process killed mid-way loses at most the article in flight.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from civicwatch.core.schema import field_values
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.store import dedup, merge
from civicwatch.store.entities import EntityResolver
from civicwatch.store.link import check_events
from civicwatch.store.models import Article, Entity, Event, EventEntity, Mention, RegistryEventSource

RETRIES = 3  # a concurrent writer created the same entity first: redo the article


@dataclass
class IngestResult:
    """What happened to one input: stored, already there, or failed (with the reason)."""

    path: Path | str  # a file, FILE@OFFSET in an archive, FILE:LINE in JSON lines, or a URL
    status: str  # "stored", "duplicate", "irrelevant" (the prefilter dropped it) or "failed"
    article_id: int | None = None
    events: int = 0  # events the extractor found in it
    new_events: int = 0  # of those, acts not in the database before
    merged: int = 0  # of those, reports added to events already stored
    reason: str | None = None  # why it failed, or which stored article it duplicates
    kind: str | None = None  # a failure's reason as a short label ("timeout", "invalid-json"), for counts by reason
    notice: str | None = None  # e.g. the legacy encoding the text was decoded from
    warning: str | None = None  # e.g. a meta file that was ignored ("PATH: reason")
    story_id: int | None = None  # stored as a near-duplicate copy: the story's first article (no events stored)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Known:
    """What the store knows of an article before it is extracted."""

    duplicate: IngestResult | None = None  # stored already (same URL or text): the result to report
    copy: bool = False  # a near-duplicate of a stored story: store it without extracting its events


def normalised_hash(text: str) -> str:
    """sha256 of the text with Unicode forms, case and whitespace normalised."""
    normal = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def stored_article(session: Session, url: str | None, text_hash: str) -> Article | None:
    """The stored article with this URL or this normalised text, if any."""
    same = Article.text_hash == text_hash
    if url:
        same = or_(same, Article.url == url)
    return session.scalars(select(Article).where(same).limit(1)).first()


class ArticleStore:
    """Writes articles and their events, one transaction each. Keep one per ingest run: it holds the index
    of the stored stories (built lazily from the database, brought up to date before each lookup)."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.stories = dedup.StoryIndex()

    def lookup(
        self, path: Path | str, article: ArticleIn, notice: str | None = None, warning: str | None = None
    ) -> Known:
        """Whether the article is stored already, or is a copy of a stored story (both: nothing to extract)."""
        with self.sessions() as session:
            known = stored_article(session, article.url, normalised_hash(article.text))
            if known is not None:
                return Known(duplicate=_duplicate(path, known, notice=notice, warning=warning))
            return Known(copy=self.stories.find(session, dedup.sign(article.text)) is not None)

    def store(
        self,
        path: Path | str,
        article: ArticleIn,
        events: list[EventIn],
        notice: str | None = None,
        warning: str | None = None,
    ) -> IngestResult:
        """Store one article and its events in their own transaction; a duplicate is reported, not stored
        again, and a near-duplicate is stored as a copy of its story, without events."""
        notes: dict[str, Any] = {"notice": notice, "warning": warning}
        text_hash = normalised_hash(article.text)
        signature = dedup.sign(article.text)
        for _ in range(RETRIES):
            try:
                with self.sessions.begin() as session:
                    known = stored_article(session, article.url, text_hash)
                    if known is not None:
                        return _duplicate(path, known, **notes)
                    story = self.stories.find(session, signature)
                    kept = [] if story else events
                    stored = _store(session, article, kept, text_hash, signature.stored(), story)
                    stored.path, stored.notice, stored.warning = path, notice, warning
                    return stored
            except IntegrityError:
                continue  # another writer stored this article or one of its entities meanwhile: look again
        reason = "conflicting concurrent writes; run again"
        return IngestResult(path, "failed", reason=reason, kind="write-conflict", **notes)


def _duplicate(path: Path | str, known: Article, **notes: Any) -> IngestResult:
    how = f"url {known.url}" if known.url else "the same text"
    return IngestResult(path, "duplicate", article_id=known.id, reason=f"already stored ({how})", **notes)


def _store(
    session: Session,
    article: ArticleIn,
    events: list[EventIn],
    text_hash: str,
    minhash: bytes | None = None,
    story: dedup.StoryMatch | None = None,
) -> IngestResult:
    row = Article(
        **field_values(article, ("url", "title", "published", "language", "text")),
        source_path=article.source,
        text_hash=text_hash,
        event_count=len(events),
        minhash=minhash,
        story_id=story.story_id if story else None,
    )
    session.add(row)
    outcome = IngestResult(Path(article.source or ""), "stored", events=len(events))
    add_reports(session, row, events, outcome)
    outcome.article_id = row.id
    if story:
        outcome.story_id = story.story_id
        outcome.reason = f"a copy of article {story.story_id} (similarity {story.similarity:.2f}): events not stored"
    return outcome


def add_reports(
    session: Session, row: Article, events: list[EventIn], outcome: IngestResult | None = None
) -> list[Event]:
    """Store the events extracted from a stored article: a mention each, merged into the events they report
    or new events, with their entity links and the registers' verdict. The events, in order;
    ``outcome`` counts the new and merged ones."""
    entities = EntityResolver(session, row.language, events)
    links = [entities.links(event) for event in events]
    session.flush()  # ids for the article and new entities: merging looks events up by entity
    reports = [
        merge.Report(_mention(event, row.id), row.published, _target_ids(entities, named), entities.homes(named))
        for event, named in zip(events, links, strict=True)
    ]
    for report, event in zip(reports, events, strict=True):
        beside = _dated_act_beside(event, events)
        if beside:
            report.mention.extra = {**(report.mention.extra or {}), merge.BESIDE: beside}
    assigned = merge.assign(session, reports, row.id)
    known_ids = [event.id for event in assigned if event is not None]
    linked = {
        (event_id, entity_id, role)
        for event_id, entity_id, role in session.execute(
            select(EventEntity.event_id, EventEntity.entity_id, EventEntity.role).where(
                EventEntity.event_id.in_(known_ids)
            )
        )
    }
    with session.no_autoflush:
        for report, named, stored in zip(reports, links, assigned, strict=True):
            if stored is None:
                stored = merge.new_event(report)
                session.add(stored)
                if outcome is not None:
                    outcome.new_events += 1
            else:
                shared = {
                    entity_id for event_id, entity_id, role in linked if event_id == stored.id and role == "target"
                }
                keys = [entity.key for entity, role in named if role == "target" and entity.id in shared]
                why = merge.explain(stored, report, keys or ["a namesake (same surname and initial)"])
                report.mention.extra = {**(report.mention.extra or {}), "merge": why}
                merge.absorb(session, stored, report)
                if outcome is not None:
                    outcome.merged += 1
            report.mention.event = stored
            session.add(report.mention)
            for entity, role in named:
                if merge.keeps_role(stored, role):
                    continue  # an analyst edited this field (civicwatch.store.review): the report adds no link
                link = (stored.id if stored.id is not None else id(stored), entity.id, role)
                if link not in linked:
                    linked.add(link)
                    session.add(EventEntity(event=stored, entity=entity, role=role))
    session.flush()
    # the registers' verdict on the designations this article reports (nothing to do until a registry import)
    check_events(session, [report.mention.event for report in reports])
    return [report.mention.event for report in reports]


def _dated_act_beside(event: EventIn, events: list[EventIn]) -> str | None:
    """For an undated event, the type of a dated event of another type that the same sentence reports."""
    if event.date:
        return None
    for other in events:
        if other is not event and other.date and other.type != event.type and other.evidence == event.evidence:
            if (other.extra or {}).get("date_source") != "published":  # a date the sentence gives, not assumed
                return other.type
    return None


def _target_ids(entities: EntityResolver, named: list[tuple[Entity, str]]) -> set[int]:
    """The target entities a report merges by: its own, and the stored people each may be (a namesake
    with the same surname and initial)."""
    targets = [entity for entity, role in named if role == "target"]
    return {e.id for e in targets} | {i for e in targets for i in entities.namesakes(e)}


def _mention(event: EventIn, article_id: int) -> Mention:
    extra = {k: v for k, v in event.extra.items() if isinstance(v, str | int | float | bool) or v is None}
    return Mention(article_id=article_id, **field_values(event), extra=extra)


def count_consistency_problems(session: Session) -> list[str]:
    """What does not add up: articles whose mentions do not match their event count, events without
    mentions or with a wrong source count. Empty when the database is consistent."""
    problems: list[str] = []
    mentions_per_article = (
        select(Article.id, Article.event_count, func.count(Mention.id))
        .outerjoin(Mention, Mention.article_id == Article.id)
        .group_by(Article.id, Article.event_count)
    )
    for article_id, expected, found in session.execute(mentions_per_article):
        if expected != found:
            problems.append(f"article {article_id}: {found} mentions for {expected} events")
    from_register = exists().where(RegistryEventSource.event_id == Event.id)  # a register's events have no mentions
    per_event = (
        select(Event.id, Event.source_count, func.count(Mention.id))
        .outerjoin(Mention, Mention.event_id == Event.id)
        .where(~from_register, Event.merged_into.is_(None))  # a merged event's reports are in the other one
        .group_by(Event.id, Event.source_count)
    )
    for event_id, sources, found in session.execute(per_event):
        if found == 0 or sources != found:
            problems.append(f"event {event_id}: {found} mentions, source_count {sources}")
    return problems
