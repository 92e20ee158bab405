"""The JSON API under /api: events, entities, articles, the dashboard's numbers and the filter values.

Lists answer ``{"data": [...], "count": N, "next": URL or null}``: ``count`` is every match, ``next`` the
absolute URL of the next page with the same filters (null on the last page). Errors answer
``{"error": {"status", "code", "message", "detail"?}}`` (see ``civicwatch.web.app``).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, get_type_hints

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from civicwatch.store import browse
from civicwatch.store.browse import MAX_LIMIT, ArticleQuery, BrowseError, EventQuery, Page
from civicwatch.store.queries import AliasOut, EventOut, MentionOut
from civicwatch.store.review import event_history
from civicwatch.web.deps import (
    DbSession,
    EventFilters,
    Id,
    IsoDate,
    can_review,
    current_user,
    found,
    published,
    read_access,
)
from civicwatch.web.openapi import responses

router = APIRouter(dependencies=[Depends(read_access)], tags=["api"])

T = TypeVar("T")
# What an event's page adds to the event (browse.EventDetail), as EventDetailOut shows it
DETAIL_FIELDS = (
    *("date_precision", "date_start", "date_end", "language", "first_source_url", "reviewed_at"),
    *("review_state", "reviewed_by", "edited_fields", "created_at", "updated_at"),
)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip (prefer the `next` link).")]
Cursor = Annotated[str | None, Query(max_length=200, description="Where the previous page ended (from `next`).")]


# ----------------------------------------------------------------------------------------------- schemas


class PageOut(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Every row matching the filters, not only this page.")
    next: str | None = Field(description="Absolute URL of the next page with the same filters; null on the last.")


def _utc(moment: datetime) -> datetime:
    """A stored moment with its time zone: SQLite gives naive datetimes, all stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# Every timestamp the API writes has a time zone (OpenAPI's format: date-time requires one)
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
UTC_TYPES: dict[Any, Any] = {datetime: UtcDatetime, datetime | None: UtcDatetime | None}


def model_of(
    source: type | tuple[type, ...],
    descriptions: dict[str, str] | None = None,
    names: tuple[str, ...] | None = None,
    types: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """A pydantic model with the fields of the store's read models (dataclasses), each required, with
    ``descriptions`` for the OpenAPI schema: the base of their API model. ``names``: which fields, in which
    order (default: every field of ``source``, in its order); ``types``: the types of fields it adds or
    shows differently."""
    classes = source if isinstance(source, tuple) else (source,)
    hints: dict[str, Any] = {}
    for cls in reversed(classes):  # the first class's type of a name wins
        hints |= get_type_hints(cls)
    hints |= types or {}
    hints = {name: UTC_TYPES.get(hint, hint) for name, hint in hints.items()}
    names = names or tuple(item.name for item in dataclass_fields(classes[0]))
    descriptions = descriptions or {}
    fields: dict[str, Any] = {name: (hints[name], Field(description=descriptions.get(name))) for name in names}
    return create_model(f"{classes[0].__name__}Fields", __config__=ConfigDict(from_attributes=True), **fields)


# The API models of the store's read models add links (mypy cannot follow a base made at run time: misc).
class EventSummary(
    model_of(  # type: ignore[misc]
        browse.EventRow,
        {
            "date": "EDTF: 2015-07-08, 2015-07, 2015, XXXX-07-08, ...",
            "date_precision": "day, month, season, year, decade, century, interval",
            "evidence": "The sentence of the best report.",
            "language": "The language of the article the evidence comes from.",
        },
    )
):
    url: str = Field(description="The event's page.")
    api_url: str


class MentionModel(model_of(MentionOut)):  # type: ignore[misc]
    pass


class LinkedEntityModel(model_of(browse.LinkedEntity)):  # type: ignore[misc]
    pass


class HistoryModel(BaseModel):
    """One change an analyst made to the event."""

    model_config = ConfigDict(from_attributes=True)

    at: UtcDatetime
    username: str | None
    action: str = Field(description="confirm, reject, reopen or edit")
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None


# An event's page as the API gives it: the event's fields and the page's (browse.EventDetail), flat, in this order
EVENT_DETAIL_FIELDS = (
    *("id", "type", "subtype", "status", "date", "date_precision", "date_start", "date_end", "targets", "actor"),
    *("location", "country", "evidence", "evidence_start", "evidence_end", "confidence", "boilerplate"),
    *("source_count", "language", "first_source_url", "mentions", "entities", "registry", "registry_check"),
    *("review_state", "reviewed_at", "reviewed_by", "edited_fields", "history", "created_at", "updated_at", "url"),
)


class EventDetailOut(
    model_of(  # type: ignore[misc]
        (EventOut, browse.EventDetail),
        {
            "mentions": "Every article that reports it, with its own evidence.",
            "registry": "For events made from a register: the entry.",
            "registry_check": "For news events: what the registers say.",
            "history": "The review history, oldest first.",
        },
        names=EVENT_DETAIL_FIELDS,
        types={
            "source_count": int,
            "mentions": list[MentionModel],
            "entities": list[LinkedEntityModel],
            "registry": dict[str, Any] | None,
            "registry_check": dict[str, Any] | None,
            "history": list[HistoryModel],
            "url": str,
        },
    )
):
    pass


class EntitySummary(model_of(browse.EntityRow)):  # type: ignore[misc]
    url: str
    api_url: str


class AliasModel(model_of(AliasOut)):  # type: ignore[misc]
    pass


class TimelineModel(BaseModel):
    roles: list[str]
    event: EventSummary


class EntityDetailOut(BaseModel):
    id: int
    key: str
    name: str
    kind: str
    aliases: list[AliasModel]
    aliases_by_language: dict[str, list[str]]
    registry: list[dict[str, Any]] = Field(description="Register entries: listed/delisted dates, snapshot.")
    timeline: list[TimelineModel]
    url: str


class ArticleSummary(model_of(browse.ArticleRow)):  # type: ignore[misc]
    page_url: str
    api_url: str


class ArticleMentionModel(
    model_of(browse.ArticleMention, {"evidence_start": "Offset of the evidence in `text` (characters)."})  # type: ignore[misc]
):
    pass


class ArticleDetailOut(ArticleSummary):
    text: str
    mentions: list[ArticleMentionModel]


class MonthCountModel(model_of(browse.MonthCount)):  # type: ignore[misc]
    pass


class TargetCountModel(model_of(browse.TargetCount)):  # type: ignore[misc]
    pass


class StatsOut(BaseModel):
    totals: dict[str, int]
    per_month: list[MonthCountModel]
    types: list[str]
    latest: list[EventSummary]
    most_targeted: list[TargetCountModel]


class FacetsOut(model_of(browse.Facets)):  # type: ignore[misc]
    pass


# ---------------------------------------------------------------------------------------------- helpers


def site_url(request: Request, path: str) -> str:
    """An absolute URL on this site (``path`` without a leading slash)."""
    return str(request.base_url) + path


def event_summary(request: Request, row: browse.EventRow) -> EventSummary:
    return EventSummary(
        **row.to_dict(),
        url=site_url(request, f"events/{row.id}"),
        api_url=site_url(request, f"api/events/{row.id}"),
    )


def json_response(model: BaseModel) -> Response:
    """The model as JSON, serialised once (returning the model would have FastAPI validate it again)."""
    return Response(model.model_dump_json(), media_type="application/json")


def next_url(request: Request, page: Page) -> str | None:
    if page.next_cursor is not None:
        return str(request.url.remove_query_params("offset").include_query_params(cursor=page.next_cursor))
    if page.next_offset is not None:
        return str(request.url.include_query_params(offset=page.next_offset))
    return None


def paged_events(session, request: Request, query: EventQuery) -> tuple[Page, list[EventSummary]]:
    try:
        page = browse.search_events(session, query)
    except BrowseError as exc:
        raise HTTPException(422, str(exc)) from exc
    return page, [event_summary(request, row) for row in page.rows]


# ----------------------------------------------------------------------------------------------- routes


@router.get("/events", response_model=PageOut[EventSummary], responses=responses(403, 422))
def list_events(
    request: Request,
    session: DbSession,
    filters: EventFilters,
    limit: Limit = 50,
    offset: Offset = 0,
    cursor: Cursor = None,
) -> Response:
    """Events matching the filters, newest first by default."""
    filters.limit, filters.offset, filters.cursor = limit, offset, cursor
    page, data = paged_events(session, request, filters)
    return json_response(PageOut[EventSummary](data=data, count=page.count, next=next_url(request, page)))


@router.get("/events/{event_id}", response_model=EventDetailOut, responses=responses(404, 410))
def get_event(request: Request, session: DbSession, event_id: Id) -> EventDetailOut:
    """One event with every field, every report (article, evidence and offsets), its entities and review state.
    An event an analyst rejected is withdrawn: 410 Gone, except to analysts and admins."""
    detail = published(request, found(browse.event_detail(session, event_id), f"no event {event_id}"))
    # the event's fields, then what the detail adds (its review fields are the event's too)
    values = detail.event.to_dict() | {name: getattr(detail, name) for name in DETAIL_FIELDS}
    values |= {
        "source_count": detail.event.sources,
        "entities": [LinkedEntityModel.model_validate(e) for e in detail.entities],
        "history": [HistoryModel.model_validate(entry) for entry in event_history(session, event_id)],
        "url": site_url(request, f"events/{event_id}"),
    }
    return EventDetailOut.model_validate(values)


@router.get("/entities", response_model=PageOut[EntitySummary], responses=responses(422))
def list_entities(
    request: Request,
    session: DbSession,
    name: Annotated[str | None, Query(max_length=300, description="Contained in the name or an alias.")] = None,
    kind: Annotated[str | None, Query(pattern=r"^(organization|person|place|law)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Organizations, people, places and laws, by name."""
    page = browse.search_entities(session, name=name, kind=kind, limit=limit, offset=offset)
    data = [
        EntitySummary(
            **row.to_dict(),
            url=site_url(request, f"entities/{row.id}"),
            api_url=site_url(request, f"api/entities/{row.id}"),
        )
        for row in page.rows
    ]
    return json_response(PageOut[EntitySummary](data=data, count=page.count, next=next_url(request, page)))


@router.get("/entities/{entity_id}", response_model=EntityDetailOut, responses=responses(404))
def get_entity(request: Request, session: DbSession, entity_id: Id) -> EntityDetailOut:
    """An entity: its aliases in every language, what registers say about it, and the timeline of its events."""
    detail = found(browse.entity_detail(session, entity_id), f"no entity {entity_id}")
    profile = detail.profile
    ids = [item.event.id for item in profile.timeline]
    rows = {row.id: row for row in _event_rows(session, ids)}
    timeline = [
        TimelineModel(roles=item.roles, event=event_summary(request, rows[item.event.id]))
        for item in profile.timeline
        if item.event.id in rows
    ]
    values = {name: getattr(profile, name) for name in ("id", "key", "name", "kind", "registry")}
    return EntityDetailOut(
        **values,
        aliases=[AliasModel.model_validate(a) for a in profile.aliases],
        aliases_by_language=detail.aliases_by_language,
        timeline=timeline,
        url=site_url(request, f"entities/{entity_id}"),
    )


def _event_rows(session, ids: list[int]) -> list[browse.EventRow]:
    return browse.event_rows(session, ids)


@router.get("/articles", response_model=PageOut[ArticleSummary], responses=responses(422))
def list_articles(
    request: Request,
    session: DbSession,
    language: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")] = None,
    published_from: Annotated[IsoDate | None, Query(description="Published on or after this day (YYYY-MM-DD).")] = None,
    published_to: Annotated[IsoDate | None, Query(description="Published on or before this day (YYYY-MM-DD).")] = None,
    title: Annotated[str | None, Query(max_length=300, description="Contained in the title.")] = None,
    with_events: Annotated[bool, Query(description="Only articles in which events were found.")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Stored articles, newest published first."""
    language = language.lower() if language else None
    query = ArticleQuery(language, published_from, published_to, title, with_events, limit, offset)  # its fields' order
    page = browse.search_articles(session, query)
    data = [ArticleSummary.model_validate(_article_summary(request, row)) for row in page.rows]
    return json_response(PageOut[ArticleSummary](data=data, count=page.count, next=next_url(request, page)))


def _article_summary(request: Request, row: browse.ArticleRow) -> dict:
    return {
        **row.to_dict(),
        "page_url": site_url(request, f"articles/{row.id}"),
        "api_url": site_url(request, f"api/articles/{row.id}"),
    }


@router.get("/articles/{article_id}", response_model=ArticleDetailOut, responses=responses(404))
def get_article(request: Request, session: DbSession, article_id: Id) -> ArticleDetailOut:
    """An article's text and the events found in it, with the evidence offsets into the text."""
    detail = found(
        browse.article_detail(session, article_id, with_rejected=can_review(current_user(request))),
        f"no article {article_id}",
    )
    return ArticleDetailOut(
        **_article_summary(request, detail.article),
        text=detail.text,
        mentions=[ArticleMentionModel.model_validate(m) for m in detail.mentions],
    )


@router.get("/stats", response_model=StatsOut)
def stats(request: Request, session: DbSession) -> Response:
    """The dashboard's numbers: totals, dated events per month by type, the latest events, the most targeted."""
    board = browse.dashboard(session)
    stats = StatsOut(
        totals=board.totals,
        per_month=[MonthCountModel.model_validate(m) for m in board.per_month],
        types=board.types,
        latest=[event_summary(request, row) for row in board.latest],
        most_targeted=[TargetCountModel.model_validate(t) for t in board.most_targeted],
    )
    return json_response(stats)


@router.get("/facets", response_model=FacetsOut)
def facets(session: DbSession) -> FacetsOut:
    """The values the event filters take: types with their subtypes, statuses, the countries and languages present."""
    return FacetsOut.model_validate(browse.facets(session))
