"""Log-in and log-out: the browser's session cookie (HttpOnly, SameSite=Lax, Secure with ``secure_cookies``).

A log-in checks the password (``civicwatch.store.accounts.authenticate``), the form's CSRF token and the
rate limit of failed log-ins (``security.LoginLimiter``), then starts a session in the store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from civicwatch.store import accounts
from civicwatch.web import deps, security
from civicwatch.web.templating import flash, render

router = APIRouter(route_class=security.SecureRoute)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, status_code: int = 200, **context) -> Response:
    context.setdefault("next", _safe_next(request.query_params.get("next")))
    context.setdefault("username", "")
    context.setdefault("error", None)
    return render(request, "login.html", context, status_code=status_code)


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
    deps.check_csrf(request, csrf_token)
    target = _safe_next(next)
    client = request.client.host if request.client else "unknown"
    key = (username.strip().casefold(), client)
    limiter = security.login_limiter(request)
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
        security.SESSION_COOKIE,
        session_token,
        max_age=security.SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/")
    flash(response, "ok", f"Logged in as {user.username}.")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    deps.check_csrf(request, csrf_token)
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if cookie:
        with request.app.state.sessions() as session:
            accounts.end_session(session, cookie)
            session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    flash(response, "ok", "Logged out.")
    return response
