"""FastAPI dependencies shared by the routers: one database session per request, the app's settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from civicwatch.model import EVENT_TYPES, STATUSES
from civicwatch.store.browse import ORDERS, REVIEW_STATES, EventQuery
from civicwatch.web import auth


@dataclass(frozen=True)
class Settings:
    """What the app was started with (see ``create_app``)."""

    private: bool
    secure_cookies: bool


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One database session per request, closed when the response is done.

    An async dependency so that it runs on the event loop rather than taking a trip through the thread
    pool (making a session does no I/O); the session is then used by the route, in a worker thread.
    """
    with request.app.state.sessions() as session:
        yield session


async def read_access(request: Request) -> None:
    """``auth.reader`` (private mode: log-in or token required) called on the event loop, as above."""
    auth.reader(request)


def get_settings(request: Request) -> Settings:
    state = request.app.state
    return Settings(private=state.private, secure_cookies=state.secure_cookies)


# ------------------------------------------------------------------------------ event filters (query string)
# One definition of the event filters for the API, the exports, the feed and the pages: the same names,
# the same validation (an unknown type or a malformed date answers 422) and the same OpenAPI description.

EventType = StrEnum("EventType", {name: name for name in EVENT_TYPES})
EventSubtype = StrEnum("EventSubtype", {name: name for subtypes in EVENT_TYPES.values() for name in subtypes})
EventStatus = StrEnum("EventStatus", {name: name for name in STATUSES})
ReviewState = StrEnum("ReviewState", {name: name for name in REVIEW_STATES})
EventOrder = StrEnum("EventOrder", {name: name for name in ORDERS})


async def event_filters(
    type: Annotated[EventType | None, Query(description="Event type.")] = None,  # noqa: A002 - the public name
    subtype: Annotated[EventSubtype | None, Query(description="Event subtype (foreign_agent, fine, ...).")] = None,
    status: Annotated[EventStatus | None, Query(description="occurred, planned or threatened.")] = None,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 country code: RU, BY, ...")
    ] = None,
    language: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$", description="Reported in this language: en, ru, ..."),
    ] = None,
    date_from: Annotated[date | None, Query(description="Events dated on or after this day (YYYY-MM-DD).")] = None,
    date_to: Annotated[date | None, Query(description="Events dated on or before this day (YYYY-MM-DD).")] = None,
    entity: Annotated[
        str | None, Query(max_length=300, description="An entity id, or a name in any spelling or language.")
    ] = None,
    review_state: Annotated[ReviewState | None, Query(description="Analyst review state.")] = None,
    q: Annotated[str | None, Query(max_length=500, description='Full-text search (words, "a phrase").')] = None,
    include_boilerplate: Annotated[
        bool, Query(description="Also events reported only in boilerplate (site notices, footers).")
    ] = False,
    order: Annotated[EventOrder, Query(description="newest / oldest by event date, or added: newest stored.")] = (
        EventOrder.newest
    ),
) -> EventQuery:
    """The filters of an event list, as an ``EventQuery`` (page fields left at their defaults)."""
    return EventQuery(
        type=type.value if type else None,
        subtype=subtype.value if subtype else None,
        status=status.value if status else None,
        country=country.upper() if country else None,
        language=language.lower() if language else None,
        date_from=date_from,
        date_to=date_to,
        entity=entity.strip() or None if entity else None,
        review_state=review_state.value if review_state else None,
        q=q.strip() or None if q else None,
        include_boilerplate=include_boilerplate,
        order=order.value,
    )


EventFilters = Annotated[EventQuery, Depends(event_filters)]
DbSession = Annotated[Session, Depends(get_session)]
