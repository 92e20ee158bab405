"""Server-rendered pages: dashboard, event list, event, entity and article pages.

Everything shown comes from the database and is treated as hostile (see ``templating``); highlights are
built as a list of text segments, escaped when printed. The read side is ``civicwatch.store.browse``;
this module turns its results into template contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from civicwatch.store import browse
from civicwatch.store.cache import SEARCH_TTL_S, db_key, newest, search_pages
from civicwatch.store.filters import EventQuery
from civicwatch.store.models import Event
from civicwatch.store.review import event_history
from civicwatch.web.chart import stacked_bars, timeline
from civicwatch.web.deps import DbSession, Id, can_review, current_user, found, published, reader
from civicwatch.web.security import SecureRoute
from civicwatch.web.templating import anonymous, render, shared_page
from civicwatch.web.worldmap import shaded_map

router = APIRouter(route_class=SecureRoute, dependencies=[Depends(reader)])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# The filters of /events, as GET parameters (the same names as the API's and the exports').
FILTERS = ("type", "subtype", "status", "country", "language", "date_from", "date_to", "entity", "review_state", "q")
# WEB-CORE's export and feed endpoints take the same filters.
EXPORTS = (("CSV", "/api/events.csv"), ("JSON Lines", "/api/events.jsonl"), ("Parquet", "/api/events.parquet"))
FEED = "/feed.atom"


# -------------------------------------------------------------------------------------------- dashboard


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, session: DbSession) -> Response:
    board = browse.dashboard(session)
    chart = stacked_bars(((m.month, m.type, m.count) for m in board.per_month), board.no_month.items())
    return render(request, "dashboard.html", {"nav": "dashboard", "board": board, "chart": chart})


@router.get("/map", include_in_schema=False)
def map_page(request: Request, session: DbSession) -> Response:
    world = shaded_map(browse.country_counts(session))
    return render(request, "map.html", {"nav": "map", "map": world})


# ----------------------------------------------------------------------------------------------- events


@dataclass
class FilterForm:
    """The /events form's values as typed (strings), and the problems found reading them."""

    values: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def query_string(self, *leave_out: str, **extra: str) -> str:
        kept = {k: v for k, v in self.values.items() if v and k not in leave_out}
        return urlencode({**kept, **extra})


def _parse_day(name: str, value: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{name.replace('_', ' ')} {value!r} is not a date (YYYY-MM-DD): ignored")
        return None


def read_filters(request: Request) -> tuple[FilterForm, EventQuery]:
    """The filters of a GET form: empty fields are no filter, unreadable ones are ignored with a message."""
    params = request.query_params
    filters = FilterForm({name: params.get(name, "").strip() for name in FILTERS})
    v = filters.values
    problems = filters.problems
    query = EventQuery(
        type=v["type"] or None,
        subtype=v["subtype"] or None,
        status=v["status"] or None,
        country=v["country"] or None,
        language=v["language"] or None,
        date_from=_parse_day("date_from", v["date_from"], problems),
        date_to=_parse_day("date_to", v["date_to"], problems),
        entity=v["entity"] or None,
        review_state=v["review_state"] or None,
        q=v["q"] or None,
        limit=PAGE_SIZE,
        cursor=params.get("cursor") or None,
    )
    if query.review_state == "rejected" and not can_review(current_user(request)):
        problems.append("rejected events are not published: log in as an analyst to list them")
        query.review_state = None
    limit = params.get("limit", "")
    if limit:
        if limit.isascii() and limit.isdigit() and 1 <= int(limit) <= MAX_PAGE_SIZE:
            query.limit = int(limit)
            filters.values["limit"] = limit
        else:
            problems.append(f"limit {limit!r} is not a number from 1 to {MAX_PAGE_SIZE}: showing {PAGE_SIZE}")
    order = params.get("order", "")
    if order in browse.ORDERS:
        query.order = order
        filters.values["order"] = order
    return filters, query


@router.get("/events", include_in_schema=False)
def events_page(request: Request, session: DbSession) -> Response:
    """The event list. What a visitor who is not logged in sees is the same page for every such visitor (a
    search most of all, which reads every match of the index): it is kept for SEARCH_TTL_S (a new event
    makes it stale at once, a review drops it)."""
    if anonymous(request):
        key = ("events_page", db_key(session), newest(session, Event), request.url.query)
        body = search_pages.get_or_compute(key, lambda: bytes(_events_page(request, session).body), ttl=SEARCH_TTL_S)
        return shared_page(body)
    return _events_page(request, session)


def _events_page(request: Request, session: Session) -> Response:
    filters, query = read_filters(request)
    try:
        page = browse.search_events(session, query)
    except browse.BrowseError as exc:
        filters.problems.append(str(exc))
        query.cursor = None
        page = browse.search_events(session, query)
    plain = filters.query_string()
    whole = filters.query_string("limit")  # exports and feeds take every matching event
    context = {
        "nav": "events",
        "filters": filters,
        "facets": browse.facets(session),
        "page": page,
        "target_links": browse.target_links(session, [row.id for row in page.rows]),
        "first_page": bool(query.cursor),
        "next_url": f"/events?{filters.query_string(cursor=page.next_cursor)}" if page.next_cursor else None,
        "prev_url": f"/events?{filters.query_string(cursor=page.prev_cursor)}" if page.prev_cursor else None,
        "first_url": f"/events?{plain}" if plain else "/events",
        "exports": [(label, f"{path}?{whole}" if whole else path) for label, path in EXPORTS],
        "feed_url": f"{FEED}?{whole}" if whole else FEED,
        "api_url": f"/api/events?{plain}" if plain else "/api/events",
    }
    return render(request, "events.html", context)


@dataclass
class ReviewView:
    """What the event page shows of the review: the history, and the edit form's current values."""

    history: list[Any]
    form: dict[str, str]
    error: str | None = None
    error_field: str | None = None


def event_context(request: Request, session: Session, event_id: int, error: Any = None) -> dict[str, Any]:
    detail = published(request, found(browse.event_detail(session, event_id), f"there is no event {event_id}"))
    event = detail.event
    form = {
        "type": event.type,
        "subtype": event.subtype,
        "status": event.status,
        "date": event.date or "",
        "actor": event.actor or "",
        "targets": "\n".join(event.targets),
        "location": event.location or "",
        "country": event.country or "",
    }
    review = ReviewView(
        history=list(reversed(event_history(session, event_id))),
        form=form,
        error=str(error) if error else None,
        error_field=getattr(error, "field", None),
    )
    by_role: dict[str, list[browse.LinkedEntity]] = {}
    for entity in detail.entities:
        by_role.setdefault(entity.role, []).append(entity)
    undone = {(entry.after or {}).get("undoes") for entry in review.history if entry.action.startswith("undo-")}
    return {
        "nav": "events",
        "detail": detail,
        "event": event,
        "entities": by_role,
        "review": review,
        "facets": browse.facets(session),
        # why each report is part of the event, in words (article id -> sentence; None: the first report)
        "reasons": {m.article_id: merge_reason(m.merged_because, detail.names_by_key) for m in event.mentions},
        "outlets": {m.article_id: _outlet(m.url) for m in event.mentions},
        # the merges and splits of this event that can still be undone (audit log ids)
        "undoable": {e.id for e in review.history if e.action in ("merge", "split") and e.id not in undone},
    }


def _outlet(url: str | None) -> str | None:
    """The site an article comes from ("meduza.io"), for the list of reports."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # stored as found: "http://[bad"
        return None
    return host.removeprefix("www.") if host else None


def _kind(pair: str) -> str:
    return pair.strip().replace("/", " / ").replace("_", " ")


def merge_reason(reason: dict | None, names: dict[str, str]) -> str | None:
    """Why a report joined its event (``civicwatch.store.merge.explain``, or an analyst's merge), in words."""
    if not reason:
        return None
    if "merged_by" in reason:
        said = f" ({reason['note']})" if reason.get("note") else ""
        return f"Merged by {reason['merged_by'] or 'an analyst'}{said}."
    parts = []
    shared = [names.get(key, key) for key in reason.get("shared") or []]
    if shared:
        parts.append(f"it names the same {'target' if len(shared) == 1 else 'targets'}: {', '.join(shared)}")
    if reason.get("dates"):
        dates = str(reason["dates"])
        parts.append(f"the dates agree ({dates})" if " agrees with " in dates else f"the dates are close ({dates})")
    pair = [_kind(side) for side in str(reason.get("subtypes") or "").split(" + ") if side.strip()]
    if len(pair) == 2:
        same = pair[0] == pair[1]
        parts.append(f"the same kind of act ({pair[0]})" if same else f"compatible acts ({pair[0]} and {pair[1]})")
    return ("Merged because " + "; ".join(parts) + ".") if parts else None


@router.get("/events/{event_id}", include_in_schema=False)
def event_page(event_id: Id, request: Request, session: DbSession) -> Response:
    return render(request, "event.html", event_context(request, session, event_id))


# --------------------------------------------------------------------------------------------- entities


@router.get("/entities/{entity_id}", include_in_schema=False)
def entity_page(entity_id: Id, request: Request, session: DbSession) -> Response:
    detail = found(browse.entity_detail(session, entity_id), f"there is no entity {entity_id}")
    chart = timeline((item.event.date, item.event.type) for item in detail.profile.timeline)
    context = {"nav": None, "detail": detail, "profile": detail.profile, "chart": chart}
    return render(request, "entity.html", context)


# --------------------------------------------------------------------------------------------- articles


@dataclass
class Highlight:
    """One stretch of an article's text: plain, or the evidence of one or more events (``mentions``)."""

    text: str
    mentions: list[browse.ArticleMention] = field(default_factory=list)


def highlight(text: str, mentions: list[browse.ArticleMention]) -> list[Highlight]:
    """The text cut into plain and highlighted segments, as displaCy shows entities.

    Events reported by the same sentence share one highlight; a span overlapping an earlier one is left
    unhighlighted (the event still appears in the list under the text). Offsets that do not match the text
    (an article stored before a fix, say) fall back to the first place where the evidence occurs."""
    spans: dict[tuple[int, int], list[browse.ArticleMention]] = {}
    for mention in mentions:
        start, end = mention.evidence_start, mention.evidence_end
        if not (0 <= start < end <= len(text)) or text[start:end] != mention.evidence:
            found = text.find(mention.evidence) if mention.evidence else -1
            if found < 0:
                continue
            start, end = found, found + len(mention.evidence)
        spans.setdefault((start, end), []).append(mention)
    segments: list[Highlight] = []
    position = 0
    for (start, end), group in sorted(spans.items()):
        if start < position:
            continue  # overlaps the previous highlight
        if start > position:
            segments.append(Highlight(text[position:start]))
        segments.append(Highlight(text[start:end], group))
        position = end
    if position < len(text):
        segments.append(Highlight(text[position:]))
    return segments


@router.get("/articles/{article_id}", include_in_schema=False)
def article_page(article_id: Id, request: Request, session: DbSession) -> Response:
    detail = found(
        browse.article_detail(session, article_id, with_rejected=can_review(current_user(request))),
        f"there is no article {article_id}",
    )
    context = {
        "nav": None,
        "detail": detail,
        "article": detail.article,
        "segments": highlight(detail.text, detail.mentions),
    }
    return render(request, "article.html", context)
