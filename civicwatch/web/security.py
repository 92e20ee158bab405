"""Security of the web app that needs no database and no request's user: cookies, tokens, headers, rate limit.

* Cookie names and lifetimes; ``new_token`` and ``same_token`` (CSRF tokens: made at random, compared in
  constant time). Passwords are hashed (argon2) and API tokens kept as hashes by ``civicwatch.store.accounts``.
* Security headers: a Content-Security-Policy with no inline scripts, nosniff, Referrer-Policy, no framing,
  on every response (``SecurityHeadersMiddleware``) and again on the HTML routers' own (``SecureRoute``).
* ``LoginLimiter``: failed log-ins are limited per username and client address (5 failures in 15 minutes
  answer 429). The count is kept in the memory of each server process: a restart forgets it, and with
  several workers each keeps its own count.

Who is asking (sessions, API tokens, private mode) and the CSRF check of a request are in ``deps``.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders

SESSION_COOKIE = "civicwatch_session"
LOGIN_CSRF_COOKIE = "civicwatch_login_csrf"
FLASH_COOKIE = "civicwatch_flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
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


def new_token() -> str:
    """A random token (the log-in form's CSRF token)."""
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, submitted: str | None) -> bool:
    """Whether a submitted token is the expected one (compared in constant time)."""
    return bool(expected and submitted) and hmac.compare_digest(str(expected).encode(), str(submitted).encode())


# ------------------------------------------------------------------------------------------- headers


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
    """The app's limiter (one per server process)."""
    state = request.app.state
    limiter = getattr(state, "login_limiter", None)
    if limiter is None:
        limiter = state.login_limiter = LoginLimiter()
    return limiter
