"""FastAPI dependencies shared by the routers: the database session, who is asking, CSRF, the event filters.

* ``get_session`` / ``DbSession``: one database session per request.
* Who is asking: ``authenticate_request`` finds the user from ``Authorization: Bearer TOKEN`` (scripts:
  ``civicwatch user token``) or the session cookie (browsers, ``/login``). ``reader`` guards every read
  route: in private mode it asks for a user or a token (pages redirect to ``/login``, the API answers 401).
  ``reviewer`` guards the review routes: analysts and admins only.
* CSRF: every form carries a token, the session's own once logged in, before that (the log-in form) a
  random token also kept in a cookie (double submit); ``check_csrf`` answers 403 to a POST without it.
  Requests with a bearer token need none.
* ``EventFilters``: the query-string filters of every event list (API, exports, feed).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, StringConstraints
from sqlalchemy.orm import Session

from civicwatch.core.schema import ALL_SUBTYPES, EVENT_TYPES, STATUSES
from civicwatch.store import accounts
from civicwatch.store.filters import ORDERS, EventQuery
from civicwatch.store.models import MAX_ID, REVIEW_STATES
from civicwatch.web import security

T = TypeVar("T")
D = TypeVar("D")
API_PREFIX = "/api"
REVIEWER_ROLES = ("analyst", "admin")


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


DbSession = Annotated[Session, Depends(get_session)]

# The id in /events/ID, /entities/ID, /articles/ID: a path whose id is not one (abc, -1, past MAX_ID)
# names nothing, and the app answers 404 for it (``app._validation_error``), as for an id not in the store.
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive integer id (at most 2^31 - 1).")]


def found(value: T | None, missing: str) -> T:
    """The value a lookup found; 404 with the message ``missing`` when it found nothing."""
    if value is None:
        raise HTTPException(404, missing)
    return value


def site_base(request: Request) -> str:
    """The site's address ending with "/": its public URL when configured (CIVICWATCH_PUBLIC_URL), so links
    written into exports stay the same whatever host a request came through; else the request's."""
    return getattr(request.app.state, "public_url", None) or str(request.base_url)


def published(request: Request, detail: D) -> D:
    """An event's detail (``browse.EventDetail``) as this reader may see it: an event an analyst rejected is
    withdrawn from publication, so for anyone but analysts and admins it is gone (410), with when and why."""
    if getattr(detail, "review_state", None) == "rejected" and not can_review(current_user(request)):
        event_id = getattr(getattr(detail, "event", None), "id", "")
        reviewed = getattr(detail, "reviewed_at", None)
        when = f" on {reviewed:%Y-%m-%d}" if reviewed else ""
        raise HTTPException(
            410, f"event {event_id} was withdrawn{when}: an analyst rejected it, so it is no longer published"
        )
    return detail


def get_settings(request: Request) -> Settings:
    state = request.app.state
    return Settings(private=state.private, secure_cookies=state.secure_cookies)


# ----------------------------------------------------------------------------------------- who is asking


@dataclass
class Auth:
    """Who made the request: a user (or None), how (``session``, ``token`` or None), the session's CSRF token."""

    user: Any | None = None
    via: str | None = None
    csrf_token: str | None = None


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticate_request(request: Request) -> Auth:
    """The request's user from its bearer token or session cookie (looked up once per request)."""
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    auth = Auth()
    bearer = _bearer_token(request)
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if bearer or cookie:
        with request.app.state.sessions() as session:
            if bearer:
                user = accounts.user_for_token(session, bearer)
                if user is not None:
                    auth = Auth(user, "token")
            elif cookie:
                found = accounts.user_for_session(session, cookie)
                if found is not None:
                    user, web_session = found
                    auth = Auth(user, "session", web_session.csrf_token)
            session.commit()  # the store may note when a token or session was last used
    if auth.user is not None and getattr(auth.user, "disabled", False):
        auth = Auth()
    request.state.auth = auth
    return auth


def current_user(request: Request) -> Any | None:
    """The logged-in user (or the owner of the API token), None for anonymous visitors."""
    return authenticate_request(request).user


def can_review(user: Any | None) -> bool:
    return user is not None and getattr(user, "role", None) in REVIEWER_ROLES


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def wants_html(request: Request) -> bool:
    return not is_api(request) and "text/html" in request.headers.get("accept", "")


def login_redirect(request: Request, message: str) -> HTTPException:
    """A 303 to the log-in page that comes back here afterwards (the error handler keeps the Location header)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, message, headers={"Location": "/login?next=" + quote(target, safe="")})


def reader(request: Request) -> None:
    """Dependency for every read route: in private mode it requires a logged-in user or an API token."""
    if not request.app.state.private or current_user(request) is not None:
        return
    if wants_html(request):
        raise login_redirect(request, "this instance is private: log in to read it")
    raise HTTPException(
        401,
        "this instance is private: log in or send an API token (Authorization: Bearer TOKEN)",
        headers={"WWW-Authenticate": "Bearer"},
    )


def reviewer(request: Request) -> Any:
    """Dependency for the review routes: the user, who must be an analyst or admin."""
    user = current_user(request)
    if user is None:
        if wants_html(request):
            raise login_redirect(request, "log in to review events")
        raise HTTPException(401, "log in or send an API token to review events", headers={"WWW-Authenticate": "Bearer"})
    if not can_review(user):
        raise HTTPException(403, "only analysts and admins can review events")
    return user


async def read_access(request: Request) -> None:
    """``reader`` called on the event loop (see ``get_session``)."""
    reader(request)


# ----------------------------------------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> str:
    """The token the page's forms must send back: the session's, or the log-in form's (set as a cookie)."""
    auth = authenticate_request(request)
    if auth.csrf_token:
        return auth.csrf_token
    token = request.cookies.get(security.LOGIN_CSRF_COOKIE) or getattr(request.state, "new_login_csrf", None)
    if not token:
        token = security.new_token()
        request.state.new_login_csrf = token  # set_csrf_cookie puts it on the response
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the log-in form's CSRF cookie when this request made a new one."""
    token = getattr(request.state, "new_login_csrf", None)
    if token:
        response.set_cookie(
            security.LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=request.app.state.secure_cookies,
            path="/",
        )


def check_csrf(request: Request, submitted: str | None) -> None:
    """403 unless ``submitted`` is the CSRF token of this browser; requests with a bearer token need none."""
    auth = authenticate_request(request)
    if auth.via == "token":
        return
    expected = auth.csrf_token or request.cookies.get(security.LOGIN_CSRF_COOKIE)
    if not security.same_token(expected, submitted):
        raise HTTPException(403, "the form's security token is missing or out of date: reload the page and try again")


# ------------------------------------------------------------------------------ event filters (query string)
# One definition of the event filters for the API, the exports, the feed and the pages: the same names,
# the same validation (an unknown type or a malformed date answers 422) and the same OpenAPI description.

# (mypy cannot list the members of an enum made from the schema's tuples: misc)
EventType = StrEnum("EventType", {name: name for name in EVENT_TYPES})  # type: ignore[misc]
EventSubtype = StrEnum("EventSubtype", {name: name for name in ALL_SUBTYPES})  # type: ignore[misc]
EventStatus = StrEnum("EventStatus", {name: name for name in STATUSES})  # type: ignore[misc]
ReviewState = StrEnum("ReviewState", {name: name for name in REVIEW_STATES})  # type: ignore[misc]
EventOrder = StrEnum("EventOrder", {name: name for name in ORDERS})  # type: ignore[misc]
NEWEST = EventOrder("newest")
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"  # ISO 3166-1 alpha-2, either case
# A name in a review body (a target, the actor, the place): some visible character, at most 500 characters
Name = Annotated[str, StringConstraints(max_length=500, pattern=r"[^\s\x00-\x1f\x7f-\x9f]")]


def rejected_allowed(request: Request, review_state: str | None) -> None:
    """Rejected events are not published: 403 to anyone but an analyst or admin asking for them."""
    if review_state == "rejected" and not can_review(current_user(request)):
        raise HTTPException(403, "rejected events are not published: only analysts and admins can list them")


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> Any:
    """Only a calendar day written YYYY-MM-DD: never a number read as Unix time, nor a timestamp."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


# A date in a query string (pydantic alone would take 1700000000 as a Unix time)
IsoDate = Annotated[date, BeforeValidator(_iso_day)]


async def event_filters(
    request: Request,
    type: Annotated[EventType | None, Query(description="Event type.")] = None,  # noqa: A002 - the public name
    subtype: Annotated[EventSubtype | None, Query(description="Event subtype (foreign_agent, fine, ...).")] = None,
    status: Annotated[EventStatus | None, Query(description="occurred, planned or threatened.")] = None,
    country: Annotated[
        str | None, Query(pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2 country code: RU, BY, ...")
    ] = None,
    language: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$", description="Reported in this language: en, ru, ..."),
    ] = None,
    date_from: Annotated[IsoDate | None, Query(description="Events dated on or after this day (YYYY-MM-DD).")] = None,
    date_to: Annotated[IsoDate | None, Query(description="Events dated on or before this day (YYYY-MM-DD).")] = None,
    entity: Annotated[
        str | None, Query(max_length=300, description="An entity id, or a name in any spelling or language.")
    ] = None,
    review_state: Annotated[
        ReviewState | None,
        Query(description="Analyst review state; rejected events are left out unless asked for (analysts only)."),
    ] = None,
    q: Annotated[str | None, Query(max_length=500, description='Full-text search (words, "a phrase").')] = None,
    include_boilerplate: Annotated[
        bool, Query(description="Also events reported only in boilerplate (site notices, footers).")
    ] = False,
    order: Annotated[EventOrder, Query(description="newest / oldest by event date, or added: newest stored.")] = (
        NEWEST
    ),
) -> EventQuery:
    """The filters of an event list, as an ``EventQuery`` (page fields left at their defaults)."""
    if review_state is not None and review_state.value == "rejected":
        await anyio.to_thread.run_sync(rejected_allowed, request, review_state.value)  # may look up a session
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
