"""Templating: pages rendered from ``templates/`` with who is logged in, the forms' CSRF token and flash messages.

Everything shown comes from the database and is treated as hostile: templates autoescape, no ``|safe`` on
data, and links only ever point to http(s) URLs (``safe_url``). Flash messages (``flash``) are shown once,
on the page a redirect after a POST leads to.

Bidirectional isolation: every stored string a page shows (article text and titles, names, targets, actors,
places, evidence, notes) is printed through the ``bdi`` filter (``bdi_join`` for lists), inside ``<bdi>``:
its direction is its own, and no right-to-left override in it can reorder the page around it (the readers
strip such characters, but a database filled another way may hold them). A ``<title>`` cannot hold markup,
so its text goes through ``unbidi``, which drops them.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from markupsafe import Markup

from civicwatch.web import deps
from civicwatch.web.chart import TYPE_ORDER
from civicwatch.web.security import FLASH_COOKIE, add_security_headers


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None: a stored ``javascript:`` or ``data:`` URL is never a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def bdi(value: object) -> Markup:
    """``value`` escaped inside ``<bdi>``; nothing for None or empty text."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>%s</bdi>") % value


def bdi_join(values: Any, separator: str = ", ") -> Markup:
    """Each of ``values`` inside its own ``<bdi>``, joined by ``separator`` (escaped)."""
    return Markup.escape(separator).join(bdi(value) for value in values or ())


def unbidi(value: object) -> str:
    """The text without bidi embeddings, overrides and isolates (for ``<title>``, which holds no markup)."""
    return "" if value is None else str(value).translate(_BIDI_CONTROLS)


def install_filters(env: jinja2.Environment) -> None:
    env.filters.update(bdi=bdi, bdi_join=bdi_join, unbidi=unbidi)


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A page from ``templates/``, with who is logged in, the forms' CSRF token and pending flash messages."""
    user = deps.current_user(request)
    full = {
        "request": request,
        "user": user,
        "can_review": deps.can_review(user),
        # anonymous pages have no form but the log-in form: no token (and no cookie) for them
        "csrf_token": deps.csrf_token(request) if user is not None or template == "login.html" else "",
        "flashes": take_flashes(request),
        "safe_url": safe_url,
        "chart_types": TYPE_ORDER,
        **context,
    }
    response = request.app.state.templates.TemplateResponse(request, template, full, status_code=status_code)
    deps.set_csrf_cookie(request, response)
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    response.headers["Cache-Control"] = "no-store" if user is not None else "no-cache"
    return add_security_headers(response)


def anonymous(request: Request) -> bool:
    """Whether the page is the same for this visitor as for any other: not logged in, no message pending."""
    return deps.current_user(request) is None and not request.cookies.get(FLASH_COOKIE)


def shared_page(body: bytes) -> Response:
    """A page rendered earlier for an ``anonymous`` visitor, with the headers ``render`` gives such a page."""
    response = Response(body, media_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return add_security_headers(response)


def render_error(request: Request, status_code: int, message: str) -> Response:
    """The error page for paths outside /api (redirects raised as errors, such as to /login, pass through)."""
    if 300 <= status_code < 400:
        return add_security_headers(PlainTextResponse(message, status_code=status_code))
    try:
        reason = HTTPStatus(status_code).phrase
    except ValueError:
        reason = "Error"
    try:
        return render(
            request,
            "error.html",
            {"status_code": status_code, "reason": reason, "message": message, "nav": None},
            status_code=status_code,
        )
    except Exception:  # the error page must not fail in turn (say the database is down)
        return add_security_headers(PlainTextResponse(f"{status_code} {reason}: {message}", status_code=status_code))


# ------------------------------------------------------------------------------------------ flash messages


def flash(response: Response, kind: str, message: str) -> None:
    """A message shown once on the next page (redirect after POST)."""
    response.set_cookie(FLASH_COOKIE, quote(f"{kind}:{message}"[:500]), httponly=True, samesite="lax", path="/")


def take_flashes(request: Request) -> list[tuple[str, str]]:
    """The pending message, if any (``pages.render`` clears the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    kind, _, message = unquote(raw).partition(":")
    return [(kind if kind in ("ok", "error") else "ok", message)]
