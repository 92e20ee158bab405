"""The one event filter: which events, in which order, which page. The CLI, the pages, the API, the exports
and the feed all read events through an ``EventQuery`` (``civicwatch.store.browse``), and ``conditions``
is the one place it becomes SQL (bound parameters only: nothing a visitor types becomes SQL text).

Events an analyst rejected are not published: every query leaves them out unless it asks for them
(``review_state="rejected"``, or ``include_rejected``), which the web app allows analysts only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, false, or_, select
from sqlalchemy.orm import Session

from civicwatch.resolve import entity_key, name_keys
from civicwatch.store.cache import cache, db_key, newest
from civicwatch.store.models import HIDDEN_STATES, MAX_ID, Alias, Article, Entity, Event, EventEntity, Mention
from civicwatch.store.queries import find_entities
from civicwatch.store.search import fulltext_event_ids, parse_query, words_of

ORDERS = ("newest", "oldest", "added")  # by event date (undated last), or by when the event was stored


@dataclass
class EventQuery:
    """Which events, in which order, which page. Every filter left None lets everything through."""

    type: str | None = None
    subtype: str | None = None
    status: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, any case
    language: str | None = None  # reported in this language by at least one article
    date_from: date | None = None  # events whose date range reaches this day or later (undated ones excluded)
    date_to: date | None = None  # events whose date range starts on or before this day (undated ones excluded)
    entity: str | None = None  # an entity id ("12"), or a name in any spelling (see queries.find_entities)
    review_state: str | None = None  # "rejected" lists the rejected events, which every other query leaves out
    include_rejected: bool = False  # also the events an analyst rejected (analysts' views)
    q: str | None = None  # full-text search over the evidence and titles; a name also finds its other aliases
    include_boilerplate: bool = False
    limit: int | None = None  # None: every match (lists), the default page size (pages)
    offset: int = 0
    cursor: str | None = None  # from Page.next_cursor; continues after the previous page
    order: str = "newest"

    def filter_key(self) -> tuple:
        """What decides the set of events (not the page): the key of the count cache."""
        return (
            self.type,
            self.subtype,
            self.status,
            self.country.upper() if self.country else None,
            self.language,
            self.date_from,
            self.date_to,
            self.entity,
            self.review_state,
            self.include_rejected,
            (self.q or "").strip() or None,
            self.include_boilerplate,
        )


def entity_ids(session: Session, entity: str) -> list[int]:
    """The ids a name stands for (cached: the lookup ranks candidates by their number of events)."""
    value = entity.strip()
    if value.isascii() and value.isdigit():  # an id ("²" is a digit too, but no number int() reads)
        return [int(value)] if int(value) <= MAX_ID else []
    key = ("entity_ids", db_key(session), newest(session, Entity), value)
    return cache.get_or_compute(key, lambda: [e.id for e in find_entities(session, value)])


MAX_OTHER_NAMES = 16  # per term: an entity's most used aliases


def other_names(session: Session, q: str) -> dict[str, list[str]]:
    """Other names of what the query's terms (or the whole query) name: the aliases, in every language and
    script, of the entities a term is exactly a name of ("мемориал" -> Memorial, ...). Cached per database."""
    terms = [term for term in parse_query(q) if not term.prefix]
    texts = {" ".join(term.words) for term in terms}
    if len(terms) > 1:
        texts.add(" ".join(word for term in terms for word in term.words))
    found = {}
    for text in texts:
        key = ("other_names", db_key(session), newest(session, Alias), text)
        names = cache.get_or_compute(key, functools.partial(_names_of, session, text))
        if names:
            found[text] = names
    return found


def _names_of(session: Session, text: str) -> list[str]:
    keys = set(name_keys(text).strong) | ({entity_key(text)} - {None})
    by_alias = select(Alias.entity_id).where(or_(Alias.key.in_(keys), Alias.name_folded == text))
    ids = session.scalars(select(Entity.id).where(or_(Entity.key.in_(keys), Entity.id.in_(by_alias))).limit(5)).all()
    if not ids:
        return []
    aliases = session.scalars(
        select(Alias.name).where(Alias.entity_id.in_(ids)).order_by(Alias.seen.desc(), Alias.id).limit(MAX_OTHER_NAMES)
    ).all()
    names = [*session.scalars(select(Entity.name).where(Entity.id.in_(ids))), *aliases]
    return list(dict.fromkeys(name for name in names if words_of(name) != tuple(text.split())))


def conditions(session: Session, query: EventQuery, many: bool = False) -> list:
    """The WHERE terms of an event query (bound parameters only).

    ``many``: the filters keep a good share of the events, so the database should walk the date index and
    test each event rather than fetch every match of an id set (search, entity) and sort them all:
    ``events.id + 0`` hides the primary key from SQLite's planner (see also ``_order_by``).
    """
    terms: list = []
    event_id = Event.id + 0 if many else Event.id
    if query.type:
        terms.append(Event.type == query.type)
    if query.subtype:
        terms.append(Event.subtype == query.subtype)
    if query.status:
        terms.append(Event.status == query.status)
    if query.country:
        terms.append(Event.country == query.country.upper())
    if query.date_from:
        terms.append(Event.date_end >= query.date_from)
    if query.date_to:
        terms.append(Event.date_start <= query.date_to)
    if not query.include_boilerplate:
        terms.append(Event.boilerplate.is_(False))
    if query.language:
        reported_in = (
            select(Mention.id)
            .join(Article, Article.id == Mention.article_id)
            .where(Mention.event_id == Event.id, Article.language == query.language)
        )
        terms.append(exists(reported_in))
    if query.entity:
        ids = entity_ids(session, query.entity)
        if not ids:
            terms.append(false())
        else:
            if many:  # tested event by event through the (event_id, entity_id, role) key: no id set to build
                linked = select(EventEntity.event_id).where(
                    EventEntity.event_id == Event.id, EventEntity.entity_id.in_(ids)
                )
                terms.append(exists(linked))
            else:
                terms.append(Event.id.in_(select(EventEntity.event_id).where(EventEntity.entity_id.in_(ids))))
    if query.review_state:
        terms.append(Event.review_state == query.review_state)
    elif not query.include_rejected:
        terms.append(Event.review_state.not_in(HIDDEN_STATES))
    else:
        terms.append(Event.review_state != "merged")  # merged into another event: shown as that one
    if query.q and query.q.strip():
        q = query.q.strip()
        terms.append(event_id.in_(fulltext_event_ids(session, q, other_names(session, q))))
    return terms
