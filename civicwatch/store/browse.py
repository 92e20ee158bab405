"""The read side for the web app and exports: filtered, paginated events; entity, article and event pages; dashboard.

Every query is a SQLAlchemy expression with bound parameters; nothing a visitor types becomes SQL text.

Lists stay fast on large databases (100,000 events and more):

* rows are plain column tuples (no ORM objects, no per-row relationship loads), ``targets`` included;
* the default order, newest first, walks the ``date_start`` index, and ``next`` pages continue from a
  keyset cursor (the last row's date and id) instead of an ever larger OFFSET;
* the total count of a filter is cached for a few seconds per database (``CACHE_TTL_S``), and a new
  event (a larger largest event id) makes it stale at once; the dashboard and the filter values are
  cached for a minute (``DASHBOARD_TTL_S``) and renewed by one request while the others get the old
  ones; ``invalidate_caches()`` drops everything (after a review, say);
* a filter that keeps a good share of the events walks the date index (newest first) and tests each
  event, instead of fetching every match through another index and sorting them all (``_conditions``).

An event's *language* is the language of the article its evidence comes from; the ``language`` filter
keeps events reported in that language by any of their articles.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

from sqlalchemy import and_, func, null, or_, select
from sqlalchemy.orm import Session, selectinload

from civicwatch.core.dates import date_precision
from civicwatch.core.schema import EVENT_TYPES, STATUSES, dataclass_from
from civicwatch.store.cache import SEARCH_TTL_S, cache, db_key, newest, search_pages
from civicwatch.store.cache import invalidate_caches as invalidate_caches  # the web app calls it after a review
from civicwatch.store.filters import ORDERS, EventQuery, conditions
from civicwatch.store.models import (
    HIDDEN_STATES,
    MAX_ID,
    REVIEW_STATES,
    Alias,
    Article,
    Entity,
    Event,
    EventEntity,
    Mention,
)
from civicwatch.store.queries import (
    EntityProfile,
    EventOut,
    entity_profile,
    event_out,
    find_entities,
    with_registry,
)

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
DASHBOARD_TTL_S = 60.0  # the dashboard takes a few hundred ms on 100,000 events; it is served stale while renewed
# When at least 1 event in WALK_RATIO matches, reading the date index until a page is full visits at most
# about limit * WALK_RATIO events: cheaper than sorting every match (see _conditions).
WALK_RATIO = 200

T = TypeVar("T")
Day = date  # within EventRow, "date" is a field


class BrowseError(ValueError):
    """A query parameter that cannot be used (a malformed cursor, an unknown order), told as a message."""


# --------------------------------------------------------------------------------------------- queries


@dataclass
class EventRow:
    """One event as lists, exports and feeds show it."""

    id: int
    type: str
    subtype: str
    status: str
    date: str | None
    date_precision: str | None
    date_start: Day | None  # the days the EDTF date covers (None when undated or its year is unknown)
    date_end: Day | None
    targets: list[str]
    actor: str | None
    location: str | None
    country: str | None
    source_count: int
    confidence: float
    boilerplate: bool
    evidence: str
    evidence_article_id: int | None
    first_source_url: str | None  # the earliest published article reporting it
    language: str | None
    review_state: str
    created_at: datetime | None
    updated_at: datetime | None

    def to_dict(self) -> dict:
        # shallow (dataclasses.asdict deep-copies every value: a fifth of an API request's time)
        return dict(self.__dict__)


# The columns an EventRow is read from (all but date_precision, computed from the date)
_ROW_COLUMNS = tuple(f.name for f in fields(EventRow) if f.name != "date_precision")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    count: int  # all rows matching the filters, not just this page
    limit: int
    offset: int
    next_cursor: str | None = None  # continue with this (events); None on the last page
    prev_cursor: str | None = None  # the page before this one (events); None on the first page
    next_offset: int | None = None  # or with this offset (entities, articles); None on the last page


# ------------------------------------------------------------------------------------------- the cache


# ---------------------------------------------------------------------------------------------- events


@functools.cache
def _row_columns() -> tuple:
    """The columns of an ``EventRow`` (built once: the statement's parts are immutable and reusable)."""
    return _build_row_columns()


def _build_row_columns() -> tuple:
    evidence_article = Article.__table__.alias("evidence_article")
    first_url = (
        select(Article.url)
        .join(Mention, Mention.article_id == Article.id)
        .where(Mention.event_id == Event.id)
        .order_by(Article.published.is_(None), Article.published, Mention.id)
        .limit(1)
        .scalar_subquery()
    )
    language = select(evidence_article.c.language).where(evidence_article.c.id == Event.evidence_article_id)
    computed = {
        "first_source_url": first_url.label("first_source_url"),
        "language": language.scalar_subquery().label("language"),
    }
    return tuple(computed[name] if name in computed else getattr(Event, name) for name in _ROW_COLUMNS)


def _to_row(r) -> EventRow:
    values = {name: getattr(r, name) for name in _ROW_COLUMNS}
    values["targets"] = list(values["targets"] or [])
    values["boilerplate"] = bool(values["boilerplate"])
    values["review_state"] = values["review_state"] or "unreviewed"
    return EventRow(**values, date_precision=date_precision(r.date))


def _order_by(order: str, many: bool = True, backwards: bool = False) -> list:
    """The ORDER BY of an event query; ``many``: as for ``_conditions``; ``backwards``: the reverse order (the
    rows before a cursor, nearest first, for a previous page).

    With bound parameters SQLite cannot tell a rare type from a common one and tends to read the date
    index for the order, testing each event: right when many events match, a scan of the whole table
    when few do. For few, the order is on an expression the index does not serve, so the planner fetches
    the matches through the filters' own indexes (type, ids) and sorts those few.
    """
    key = Event.date_start if many else func.coalesce(Event.date_start, null())
    if order not in ORDERS:
        raise BrowseError(f"unknown order {order!r}; one of {', '.join(ORDERS)}")
    if order == "added":
        return [Event.id.asc() if backwards else Event.id.desc()]
    descending = (order == "newest") != backwards
    if descending:
        # SQLite sorts NULL lowest, so DESC already puts undated events last and the date index serves the order
        return [key.desc().nulls_last() if not backwards else key.desc().nulls_first(), Event.id.desc()]
    return [key.asc().nulls_last() if not backwards else key.asc().nulls_first(), Event.id.asc()]


BACK = "b"  # the mark of a cursor that pages backwards


def encode_cursor(order: str, row: EventRow, date_start: date | None, backwards: bool = False) -> str:
    """A keyset cursor: the rows after ``row`` in ``order``, or (``backwards``) the rows before it."""
    values = [order, date_start.isoformat() if date_start else None, row.id] + ([BACK] if backwards else [])
    payload = json.dumps(values, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple[date | None, int, bool]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_order, day, event_id, *direction = json.loads(raw)
        if cursor_order != order or not isinstance(event_id, int) or not 0 <= event_id <= MAX_ID:
            raise ValueError("cursor for another order, or not ours")
        if direction not in ([], [BACK]):
            raise ValueError("not a direction")
        return (date.fromisoformat(day) if day is not None else None), event_id, bool(direction)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise BrowseError(f"invalid cursor {cursor[:40]!r}; use the `next` link of the previous page") from exc


def _after_cursor(order: str, day: date | None, event_id: int, backwards: bool = False):
    """Rows after (day, event_id) in the given order (keyset pagination; undated events come last), or
    (``backwards``) the rows before it."""
    if order == "added":
        return Event.id > event_id if backwards else Event.id < event_id
    earlier = (order == "newest") != backwards  # the rows wanted have earlier dates (or ids)
    later_id = Event.id < event_id if earlier else Event.id > event_id
    undated = Event.date_start.is_(None)
    if day is None:
        # undated events come last: before an undated row come the dated ones and the undated of the right ids
        return or_(Event.date_start.is_not(None), and_(undated, later_id)) if backwards else and_(undated, later_id)
    before = Event.date_start < day if earlier else Event.date_start > day
    same_day = and_(Event.date_start == day, later_id)
    return or_(before, same_day) if backwards else or_(before, same_day, undated)


def count_events(session: Session, query: EventQuery) -> int:
    """How many events match the filters (cached for CACHE_TTL_S; a new event makes it stale at once)."""
    key = ("count_events", db_key(session), newest(session, Event), query.filter_key())

    def compute() -> int:
        return session.scalar(select(func.count()).select_from(Event).where(*conditions(session, query))) or 0

    return cache.get_or_compute(key, compute)


def _is_large_share(session: Session, query: EventQuery, count: int) -> bool:
    """Whether at least 1 in WALK_RATIO events matches (only the date orders profit from walking the date index)."""
    if query.order == "added" or count < 2 * MAX_LIMIT:
        return False
    everything = count_events(session, EventQuery(include_boilerplate=query.include_boilerplate))
    return count * WALK_RATIO >= everything


def search_events(session: Session, query: EventQuery) -> Page[EventRow]:
    """One page of events matching the query, with the total count and the cursors of the next and previous
    pages. A full-text search's page is cached for SEARCH_TTL_S (reading the index's every match is most of
    its cost; the same search comes again as visitors follow a link); a new event makes it stale at once."""
    if not (query.q and query.q.strip()):
        return _search_events(session, query)
    key = (
        db_key(session),
        newest(session, Event),
        query.filter_key(),
        query.order,
        query.cursor,
        query.limit,
        query.offset,
    )
    return search_pages.get_or_compute(key, lambda: _search_events(session, query), ttl=SEARCH_TTL_S)


def _search_events(session: Session, query: EventQuery) -> Page[EventRow]:
    limit = max(1, min(query.limit or DEFAULT_LIMIT, MAX_LIMIT))
    count = count_events(session, query)
    many = _is_large_share(session, query, count)
    statement = select(*_row_columns()).where(*conditions(session, query, many))
    backwards = False
    if query.cursor:
        day, event_id, backwards = _decode_cursor(query.cursor, query.order)
        statement = statement.where(_after_cursor(query.order, day, event_id, backwards))
    elif query.offset:
        statement = statement.offset(max(0, query.offset))
    # through the connection: plain rows, without the ORM's result processing
    ordered = statement.order_by(*_order_by(query.order, many, backwards))
    result = session.connection().execute(ordered.limit(limit + 1)).all()
    more = len(result) > limit  # beyond this page, in the direction read
    found = result[:limit][::-1] if backwards else result[:limit]
    rows = [_to_row(r) for r in found]
    page = Page(rows, count, limit, query.offset)
    if rows and (more or backwards):
        page.next_cursor = encode_cursor(query.order, rows[-1], found[-1].date_start)
    if rows and (more if backwards else bool(query.cursor)):
        page.prev_cursor = encode_cursor(query.order, rows[0], found[0].date_start, backwards=True)
    return page


def list_events(session: Session, query: EventQuery | None = None) -> list[EventOut]:
    """Events matching the filters with the articles that report them (the command line's events), oldest
    first (undated last); ``limit`` None lists every match (``order``, ``offset`` and ``cursor`` are not used)."""
    query = query or EventQuery()
    statement = (
        select(Event)
        .options(selectinload(Event.mentions).selectinload(Mention.article))
        .where(*conditions(session, query))
        .order_by(Event.date_start.is_(None), Event.date_start, Event.id)
    )
    if query.limit:
        statement = statement.limit(query.limit)
    return with_registry(session, [event_out(event) for event in session.scalars(statement)])


def iter_events(session: Session, query: EventQuery, batch: int = 1000) -> Iterator[EventRow]:
    """Every event matching the filters, in the query's order, a batch at a time (exports: no limit)."""
    cursor = None
    many = _is_large_share(session, query, count_events(session, query))
    where = conditions(session, query, many)
    while True:
        statement = select(*_row_columns()).where(*where)
        if cursor:
            day, event_id, _ = _decode_cursor(cursor, query.order)
            statement = statement.where(_after_cursor(query.order, day, event_id))
        result = session.connection().execute(statement.order_by(*_order_by(query.order, many)).limit(batch)).all()
        yield from (_to_row(r) for r in result)
        if len(result) < batch:
            return
        last = result[-1]
        cursor = encode_cursor(query.order, _to_row(last), last.date_start)


@dataclass
class Withdrawn:
    """An event an analyst rejected, or merged into another, after it may have been published (a feed's
    tombstone)."""

    id: int
    rejected_at: datetime | None  # when it was rejected or merged away
    note: str  # what it was: type/subtype and targets
    merged_into: int | None = None  # the event it was merged into (``civicwatch.store.merges``)


def withdrawn_events(session: Session, query: EventQuery, limit: int = DEFAULT_LIMIT) -> list[Withdrawn]:
    """The rejected events matching the query's other filters, and those merged into another event, most
    recently withdrawn first. A merged event keeps no entity links: under a filter by entity, it is one
    merged into an event that matches the filter (the entity's feed says where its act went)."""
    size = max(1, min(limit, MAX_LIMIT))
    found: list[Withdrawn] = []
    for state in ("rejected", "merged"):
        gone = replace(query, review_state=state, cursor=None, offset=0)
        where = conditions(session, gone)
        if state == "merged" and query.entity:
            kept = replace(query, review_state=None, include_rejected=True, cursor=None, offset=0)
            into = select(Event.id).where(*conditions(session, kept)).correlate(None)
            where = [*conditions(session, replace(gone, entity=None)), Event.merged_into.in_(into)]
        statement = (
            select(Event.id, Event.reviewed_at, Event.type, Event.subtype, Event.targets, Event.merged_into)
            .where(*where)
            .order_by(Event.reviewed_at.desc().nulls_last(), Event.id.desc())
            .limit(size)
        )
        found += [
            Withdrawn(i, at, f"{t}/{st}: {'; '.join(targets or []) or 'unnamed target'}", into)
            for i, at, t, st, targets, into in session.execute(statement)
        ]
    oldest = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda w: (_aware(w.rejected_at) if w.rejected_at else oldest, w.id), reverse=True)
    return found[:size]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_rows(session: Session, ids: list[int]) -> list[EventRow]:
    """The rows of the given events, in the order of ``ids`` (missing ones left out)."""
    found: dict[int, EventRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in session.connection().execute(select(*_row_columns()).where(Event.id.in_(chunk))):
            found[r.id] = _to_row(r)
    return [found[i] for i in ids if i in found]


# ---------------------------------------------------------------------------------------------- detail


@dataclass
class LinkedEntity:
    id: int
    name: str
    kind: str
    role: str  # target, actor or location


def target_links(session: Session, event_ids: list[int]) -> dict[int, list[LinkedEntity]]:
    """The entities each of the events targets (the list's links), by name."""
    links: dict[int, list[LinkedEntity]] = {}
    if not event_ids:
        return links
    # through the connection: plain rows, without the ORM's result processing (a list page's every request)
    rows = (
        session.connection()
        .execute(
            select(EventEntity.event_id, Entity.id, Entity.name, Entity.kind)
            .join(Entity, Entity.id == EventEntity.entity_id)
            .where(EventEntity.event_id.in_(event_ids), EventEntity.role == "target")
            .order_by(EventEntity.event_id, Entity.name, Entity.id)
        )
        .all()
    )
    for event_id, entity_id, name, kind in rows:
        links.setdefault(event_id, []).append(LinkedEntity(entity_id, name, kind, "target"))
    return links


@dataclass
class EventDetail:
    """An event with every field, the articles that report it (evidence and offsets), its entities and review."""

    event: EventOut
    date_precision: str | None
    date_start: date | None
    date_end: date | None
    language: str | None
    first_source_url: str | None
    entities: list[LinkedEntity]
    review_state: str
    reviewed_at: datetime | None
    reviewed_by: str | None
    edited_fields: list[str]
    created_at: datetime | None
    updated_at: datetime | None
    merged_into: int | None = None  # an analyst merged this event into that one (civicwatch.store.merges)
    # entity key -> name, for the keys the merge reasons of its reports name (queries.MentionOut.merged_because)
    names_by_key: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def event_detail(session: Session, event_id: int) -> EventDetail | None:
    """The event's page: None when there is no such event."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    out = with_registry(session, [event_out(event)])[0]
    links = session.execute(
        select(EventEntity.role, Entity.id, Entity.name, Entity.kind)
        .join(Entity, Entity.id == EventEntity.entity_id)
        .where(EventEntity.event_id == event_id)
        .order_by(EventEntity.role, Entity.name)
    ).all()
    dated = sorted(out.mentions, key=lambda m: (m.published is None, m.published or "", m.article_id))
    language = next((m.language for m in out.mentions if m.article_id == event.evidence_article_id), None)
    return EventDetail(
        event=out,
        date_precision=date_precision(event.date),
        date_start=event.date_start,
        date_end=event.date_end,
        language=language,
        first_source_url=dated[0].url if dated else None,
        entities=[LinkedEntity(id=i, name=n, kind=k, role=r) for r, i, n, k in links],
        review_state=event.review_state,
        reviewed_at=event.reviewed_at,
        reviewed_by=event.reviewed_by,
        edited_fields=list(event.edited_fields or []),
        created_at=event.created_at,
        updated_at=event.updated_at,
        merged_into=event.merged_into,
        names_by_key=_names_by_key(session, out.mentions),
    )


def _names_by_key(session: Session, mentions: list) -> dict[str, str]:
    keys = {key for m in mentions for key in (m.merged_because or {}).get("shared") or []}
    if not keys:
        return {}
    return {key: name for key, name in session.execute(select(Entity.key, Entity.name).where(Entity.key.in_(keys)))}


@dataclass
class EntityDetail:
    """An entity's page: its profile (aliases, registry status, timeline) and its aliases grouped by language."""

    profile: EntityProfile
    aliases_by_language: dict[str, list[str]]

    def to_dict(self) -> dict:
        return asdict(self)


def entity_detail(session: Session, entity_id: int, include_boilerplate: bool = False) -> EntityDetail | None:
    entity = session.get(Entity, entity_id)
    if entity is None:
        return None
    profile = entity_profile(session, entity, include_boilerplate)
    by_language: dict[str, list[str]] = {}
    for alias in profile.aliases:
        by_language.setdefault(alias.language or "unknown", []).append(alias.name)
    return EntityDetail(profile=profile, aliases_by_language=by_language)


@dataclass
class ArticleMention:
    """An event the article reports, with where its evidence sits in the text (for highlighting)."""

    mention_id: int
    event_id: int
    type: str
    subtype: str
    status: str
    date: str | None
    targets: list[str]
    actor: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    boilerplate: bool


@dataclass
class ArticleRow:
    id: int
    url: str | None
    title: str | None
    published: date | None
    language: str | None
    source_path: str | None
    event_count: int
    story_id: int | None  # the first article of its story when this one is a near-duplicate copy
    ingested_at: datetime | None

    def to_dict(self) -> dict:
        # shallow (dataclasses.asdict deep-copies every value: a fifth of an API request's time)
        return dict(self.__dict__)


@dataclass
class ArticleDetail:
    article: ArticleRow
    text: str
    mentions: list[ArticleMention] = field(default_factory=list)  # by position in the text

    def to_dict(self) -> dict:
        return asdict(self)


def _article_row(a: Article) -> ArticleRow:
    return dataclass_from(ArticleRow, a)


def article_detail(session: Session, article_id: int, with_rejected: bool = True) -> ArticleDetail | None:
    """An article's text and its reports of events; ``with_rejected=False`` leaves out the reports of events
    an analyst rejected (what the public sees)."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    query = select(Mention).where(Mention.article_id == article_id)
    if not with_rejected:
        query = query.join(Event, Event.id == Mention.event_id).where(Event.review_state != "rejected")
    mentions = session.scalars(query.order_by(Mention.evidence_start, Mention.id))
    return ArticleDetail(
        article=_article_row(article),
        text=article.text,
        mentions=[dataclass_from(ArticleMention, m, mention_id=m.id, targets=m.targets or []) for m in mentions],
    )


# ------------------------------------------------------------------------------- entity and article lists


@dataclass
class EntityRow:
    id: int
    key: str
    name: str
    kind: str
    event_count: int  # events naming it in any role (boilerplate-only events included, rejected ones not)

    def to_dict(self) -> dict:
        # shallow (dataclasses.asdict deep-copies every value: a fifth of an API request's time)
        return dict(self.__dict__)


def _like_pattern(text: str) -> str:
    folded = " ".join(text.casefold().split())
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_entities(
    session: Session, name: str | None = None, kind: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> Page[EntityRow]:
    """Entities whose name or any alias contains ``name`` (any case), by name."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    terms = []
    if name and name.strip():
        matching_alias = select(Alias.entity_id).where(Alias.name_folded.like(_like_pattern(name), escape="\\"))
        exact = [e.id for e in find_entities(session, name)]
        terms.append(or_(Entity.id.in_(matching_alias), Entity.id.in_(exact)))
    if kind:
        terms.append(Entity.kind == kind)
    statement = select(Entity.id, Entity.key, Entity.name, Entity.kind).where(*terms)
    found = session.execute(statement.order_by(Entity.name, Entity.id).offset(offset).limit(limit + 1)).all()
    page = found[:limit]
    counts = dict(
        session.execute(
            select(EventEntity.entity_id, func.count(func.distinct(EventEntity.event_id)))
            .join(Event, Event.id == EventEntity.event_id)
            .where(EventEntity.entity_id.in_([r.id for r in page]), Event.review_state.not_in(HIDDEN_STATES))
            .group_by(EventEntity.entity_id)
        ).all()
    )
    count_key = ("count_entities", db_key(session), newest(session, Entity), name, kind)
    total = cache.get_or_compute(
        count_key, lambda: session.scalar(select(func.count()).select_from(Entity).where(*terms)) or 0
    )
    rows = [EntityRow(r.id, r.key, r.name, r.kind, counts.get(r.id, 0)) for r in page]
    return Page(rows, total, limit, offset, next_offset=offset + limit if len(found) > limit else None)


@dataclass
class ArticleQuery:
    language: str | None = None
    published_from: date | None = None
    published_to: date | None = None
    title: str | None = None  # contained in the title, any case
    with_events: bool = False  # only articles in which events were found
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def search_articles(session: Session, query: ArticleQuery) -> Page[ArticleRow]:
    """Articles, newest published first (undated last)."""
    limit = max(1, min(query.limit, MAX_LIMIT))
    offset = max(0, query.offset)
    terms = []
    if query.language:
        terms.append(Article.language == query.language)
    if query.published_from:
        terms.append(Article.published >= query.published_from)
    if query.published_to:
        terms.append(Article.published <= query.published_to)
    if query.title and query.title.strip():
        terms.append(func.lower(Article.title).like(_like_pattern(query.title), escape="\\"))
    if query.with_events:
        terms.append(Article.event_count > 0)
    columns = [getattr(Article, c) for c in ArticleRow.__dataclass_fields__]
    statement = (
        select(*columns)
        .where(*terms)
        .order_by(Article.published.desc().nulls_last(), Article.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    found = session.execute(statement).all()
    rows = [ArticleRow(*r) for r in found[:limit]]
    key = ("count_articles", db_key(session), newest(session, Article), tuple(asdict(query).items())[:5])
    total = cache.get_or_compute(
        key, lambda: session.scalar(select(func.count()).select_from(Article).where(*terms)) or 0
    )
    return Page(rows, total, limit, offset, next_offset=offset + limit if len(found) > limit else None)


# -------------------------------------------------------------------------------------- dashboard, facets


@dataclass
class MonthCount:
    month: str  # "2024-03"
    type: str
    count: int


@dataclass
class TargetCount:
    entity_id: int
    name: str
    kind: str
    events: int


@dataclass
class Dashboard:
    totals: dict[str, int]  # events, articles, entities
    # events dated to a month or a day (boilerplate-only and rejected ones left out), oldest month first;
    # totals counts the others: "undated_events", "events_without_month" (a year, season or interval)
    per_month: list[MonthCount]
    types: list[str]  # the event types present, for the chart's series
    latest: list[EventRow]  # the newest events by date (undated ones by when they were stored)
    most_targeted: list[TargetCount]
    # the counted events with no month, by type (undated, or dated to a year, a season or an interval)
    no_month: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def dashboard(session: Session, latest: int = 10, top: int = 10) -> Dashboard:
    """The dashboard's numbers (cached for DASHBOARD_TTL_S per database; ``invalidate_caches`` renews them)."""
    # keyed by database only: new events show up when the entry is renewed (DASHBOARD_TTL_S), without a stall
    key = ("dashboard", db_key(session), latest, top)
    return cache.get_or_compute(key, lambda: _dashboard(session, latest, top), ttl=DASHBOARD_TTL_S)


def _month(session: Session):
    """The "YYYY-MM" of an event's start date, in the database's own dialect (SQLite keeps dates as text)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(Event.date_start, 1, 7)
    return func.to_char(Event.date_start, "YYYY-MM")


def _published() -> tuple:
    """The events the dashboard counts: not boilerplate only, not rejected by an analyst."""
    return (Event.boilerplate.is_(False), Event.review_state.not_in(HIDDEN_STATES))


def _known_month():
    """The event's EDTF date names a month of a known year ("2015-07", "2015-07-08"), not a year alone, a
    season ("2015-22"), an unknown month ("2015-XX") or an interval: only those are counted in a month."""
    month = func.substr(Event.date, 6, 2)
    return and_(Event.date.like("____-__%"), month >= "01", month <= "12", Event.date.not_like("%/%"))


# Who counts as targeted on the dashboard: the organizations and people a restriction acted on. Laws are
# the targets of law events and places of closures; a reaction's or a delisting's targets were not acted
# against by it; and an extractor's guess of low confidence is left out unless an analyst confirmed it.
TARGETED_KINDS = ("organization", "person")
TARGETING_TYPES = ("designation", "sanction", "prosecution", "closure", "attack")
MIN_TARGET_CONFIDENCE = 0.8  # events from a register have 1.0
MIN_TARGET_EVENTS = 2  # a name seen in one event only is as often a misread phrase as a target


def _trusted():
    """The events the ranking trusts: reviewed (confirmed or edited), or extracted with good confidence."""
    return or_(Event.review_state.in_(("confirmed", "edited")), Event.confidence >= MIN_TARGET_CONFIDENCE)


def _most_targeted(session: Session, top: int) -> list[TargetCount]:
    """The organizations and people most often targeted by restrictions (TARGETING_TYPES) in trusted events
    (``_trusted``) that are published and not boilerplate only, each with MIN_TARGET_EVENTS events or more.

    Counting target links over the whole table is the slow part (each link is read for its role), so
    candidates come from a count of links in any role, which the entity_id index answers alone (an entity
    has at least as many links as target links), and only those candidates are counted exactly.
    """
    links = func.count()
    candidates = session.scalars(
        select(EventEntity.entity_id)
        .group_by(EventEntity.entity_id)
        .having(links >= MIN_TARGET_EVENTS)
        .order_by(links.desc(), EventEntity.entity_id)
        .limit(top * 20)
    ).all()
    events = func.count(func.distinct(EventEntity.event_id))
    rows = session.execute(
        select(Entity.id, Entity.name, Entity.kind, events)
        .join(EventEntity, EventEntity.entity_id == Entity.id)
        .join(Event, Event.id == EventEntity.event_id)
        .where(
            EventEntity.role == "target",
            *_published(),
            Event.type.in_(TARGETING_TYPES),
            _trusted(),
            Entity.id.in_(candidates),
            Entity.kind.in_(TARGETED_KINDS),
        )
        .group_by(Entity.id, Entity.name, Entity.kind)
        .having(events >= MIN_TARGET_EVENTS)
        .order_by(events.desc(), Entity.name)
        .limit(top)
    ).all()
    return [TargetCount(i, n, k, c) for i, n, k, c in rows]


def _latest(session: Session, latest: int) -> list[EventRow]:
    """The newest events by their own date (none dated after today); stored ones when none has a date."""
    dated = search_events(session, EventQuery(order="newest", date_to=date.today(), limit=latest)).rows
    return dated or search_events(session, EventQuery(order="added", limit=latest)).rows


def _dashboard(session: Session, latest: int, top: int) -> Dashboard:
    month = _month(session).label("month")
    monthly = session.execute(
        select(month, Event.type, func.count())
        .where(Event.date_start.is_not(None), _known_month(), *_published())
        .group_by(month, Event.type)
        .order_by(month, Event.type)
    ).all()
    per_month = [MonthCount(m, t, n) for m, t, n in monthly]
    events = session.scalar(select(func.count()).select_from(Event).where(*_published())) or 0
    in_months = sum(m.count for m in per_month)
    undated = session.scalar(select(func.count()).select_from(Event).where(Event.date.is_(None), *_published())) or 0
    totals = {
        "events": events,
        "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
        "entities": session.scalar(select(func.count()).select_from(Entity)) or 0,
        "undated_events": undated,
        "events_without_month": events - in_months - undated,  # a year, season, interval or unknown year
    }
    by_type = dict(session.execute(select(Event.type, func.count()).where(*_published()).group_by(Event.type)).all())
    in_month_by_type: dict[str, int] = {}
    for m in per_month:
        in_month_by_type[m.type] = in_month_by_type.get(m.type, 0) + m.count
    no_month = {t: n - in_month_by_type.get(t, 0) for t, n in sorted(by_type.items())}
    return Dashboard(
        totals=totals,
        per_month=per_month,
        no_month={t: n for t, n in no_month.items() if n},
        types=sorted({m.type for m in per_month}),
        latest=_latest(session, latest),
        most_targeted=_most_targeted(session, top),
    )


def country_counts(session: Session) -> dict[str, int]:
    """Published events per country code (the map), cached like the dashboard."""
    key = ("country_counts", db_key(session))

    def compute() -> dict[str, int]:
        rows = session.execute(
            select(Event.country, func.count()).where(Event.country.is_not(None), *_published()).group_by(Event.country)
        ).all()
        return {country: count for country, count in rows if country}

    return cache.get_or_compute(key, compute, ttl=DASHBOARD_TTL_S)


@dataclass
class Facets:
    """The values filters can take, for drop-downs: every known type and status, the countries and languages present."""

    types: dict[str, list[str]]  # type -> its subtypes
    statuses: list[str]
    countries: list[str]
    languages: list[str]
    review_states: list[str]
    orders: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


def facets(session: Session) -> Facets:
    key = ("facets", db_key(session))
    return cache.get_or_compute(key, lambda: _facets(session), ttl=DASHBOARD_TTL_S)


def _facets(session: Session) -> Facets:
    countries = session.scalars(select(Event.country).where(Event.country.is_not(None)).distinct()).all()
    languages = session.scalars(select(Article.language).where(Article.language.is_not(None)).distinct()).all()
    return Facets(
        types={t: list(subtypes) for t, subtypes in EVENT_TYPES.items()},
        statuses=list(STATUSES),
        countries=sorted(c for c in countries if c),
        languages=sorted(lang for lang in languages if lang),
        review_states=list(REVIEW_STATES),
        orders=list(ORDERS),
    )
