"""Log-in, sessions, CSRF, API tokens, the log-in rate limit, private mode and security headers.

* A browser logs in at ``/login`` (``store.accounts.authenticate``); the session token lives in an HttpOnly,
  SameSite=Lax cookie (Secure when the app was made with ``secure_cookies``). Every form carries a CSRF token:
  the session's own once logged in, before that (the log-in form) a random token also kept in a cookie
  (double submit). A POST without the right token gets 403.
* Scripts send ``Authorization: Bearer TOKEN`` (``civicwatch user token``): no cookie, so no CSRF token needed.
* Failed log-ins are limited per username and client address (``LoginLimiter``: 5 failures in 15 minutes
  answer 429). The count is kept in the memory of each server process: a restart forgets it, and with several
  workers each keeps its own count.
* ``reader`` guards every read route: in private mode it asks for a user or a token (pages redirect to
  ``/login``, the API answers 401). ``reviewer`` guards the review routes: analysts and admins only.
* ``SecureRoute`` adds the security headers (a Content-Security-Policy with no inline scripts, nosniff,
  Referrer-Policy, no framing) to every response of the pages, log-in and review routers.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders

SESSION_COOKIE = "civicwatch_session"
LOGIN_CSRF_COOKIE = "civicwatch_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
REVIEWER_ROLES = ("analyst", "admin")
SESSION_MAX_AGE = 14 * 24 * 3600  # seconds; the store decides when a session really expires

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class SecurityHeadersMiddleware:
    """ASGI middleware that adds ``SECURITY_HEADERS`` to every response of the app (static files and the API
    too): ``app.add_middleware(SecurityHeadersMiddleware)``. The interactive API docs load their script from
    elsewhere, so they get every header but the Content-Security-Policy."""

    def __init__(self, app, docs_paths: tuple[str, ...] = ("/api/docs", "/api/docs/oauth2-redirect")) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        skip_policy = scope.get("path") in self.docs_paths

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if not (skip_policy and name == "Content-Security-Policy"):
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecureRoute(APIRoute):
    """A route whose responses carry ``SECURITY_HEADERS`` (for the HTML routers; the API has its own headers)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def secured(request: Request) -> Response:
            return add_security_headers(await handler(request))

        return secured


router = APIRouter(route_class=SecureRoute)


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
    from civicwatch.store import accounts

    auth = Auth()
    bearer = _bearer_token(request)
    cookie = request.cookies.get(SESSION_COOKIE)
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
    return path == "/api" or path.startswith("/api/")


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


# ----------------------------------------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> str:
    """The token the page's forms must send back: the session's, or the log-in form's (set as a cookie)."""
    auth = authenticate_request(request)
    if auth.csrf_token:
        return auth.csrf_token
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or getattr(request.state, "new_login_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_login_csrf = token  # set_csrf_cookie puts it on the response
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the log-in form's CSRF cookie when this request made a new one."""
    token = getattr(request.state, "new_login_csrf", None)
    if token:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=request.app.state.secure_cookies, path="/"
        )


def check_csrf(request: Request, submitted: str | None) -> None:
    """403 unless ``submitted`` is the CSRF token of this browser; requests with a bearer token need none."""
    auth = authenticate_request(request)
    if auth.via == "token":
        return
    expected = auth.csrf_token or request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise HTTPException(403, "the form's security token is missing or out of date: reload the page and try again")


# -------------------------------------------------------------------------------------- log-in rate limit


class LoginLimiter:
    """At most ``max_failures`` failed log-ins per key (username and client address) in ``window`` seconds.

    In memory, per process (see the module docstring)."""

    def __init__(self, max_failures: int = 5, window: float = 15 * 60, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def retry_after(self, key: tuple[str, str]) -> int | None:
        """Seconds until the key may try again, None when it may try now."""
        with self._lock:
            times = self._recent(key)
            if len(times) < self.max_failures:
                return None
            return max(1, int(times[0] + self.window - self.clock()) + 1)

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._recent(key)
            self._failures.setdefault(key, deque()).append(self.clock())

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


def login_limiter(request: Request) -> LoginLimiter:
    state = request.app.state
    limiter = getattr(state, "login_limiter", None)
    if limiter is None:
        limiter = state.login_limiter = LoginLimiter()
    return limiter


# ------------------------------------------------------------------------------------------- the routes


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, status_code: int = 200, **context) -> Response:
    from civicwatch.web import pages

    context.setdefault("next", _safe_next(request.query_params.get("next")))
    context.setdefault("username", "")
    context.setdefault("error", None)
    return pages.render(request, "login.html", context, status_code=status_code)


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str, Form()] = "/",
) -> Response:
    from civicwatch.store import accounts

    check_csrf(request, csrf_token)
    target = _safe_next(next)
    client = request.client.host if request.client else "unknown"
    key = (username.strip().casefold(), client)
    limiter = login_limiter(request)
    wait = limiter.retry_after(key)
    if wait is not None:
        minutes = (wait + 59) // 60
        response = _login_page(
            request,
            429,
            next=target,
            username=username,
            error=f"Too many failed log-ins for this account from your address. Try again in {minutes} minute"
            + ("s." if minutes != 1 else "."),
        )
        response.headers["Retry-After"] = str(wait)
        return response
    with request.app.state.sessions() as session:
        user = accounts.authenticate(session, username.strip(), password)
        if user is None or getattr(user, "disabled", False):
            session.rollback()
            limiter.failed(key)
            return _login_page(request, 401, next=target, username=username, error="Wrong username or password.")
        session_token, _csrf = accounts.start_session(session, user)
        session.commit()
    limiter.succeeded(key)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    flash(response, "ok", f"Logged in as {user.username}.")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    from civicwatch.store import accounts

    check_csrf(request, csrf_token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with request.app.state.sessions() as session:
            accounts.end_session(session, cookie)
            session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    flash(response, "ok", "Logged out.")
    return response


# ------------------------------------------------------------------------------------------ flash messages

FLASH_COOKIE = "civicwatch_flash"


def flash(response: Response, kind: str, message: str) -> None:
    """A message shown once on the next page (redirect after POST)."""
    response.set_cookie(FLASH_COOKIE, quote(f"{kind}:{message}"[:500]), httponly=True, samesite="lax", path="/")


def take_flashes(request: Request) -> list[tuple[str, str]]:
    """The pending message, if any (``pages.render`` clears the cookie)."""
    from urllib.parse import unquote

    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    kind, _, message = unquote(raw).partition(":")
    return [(kind if kind in ("ok", "error") else "ok", message)]
