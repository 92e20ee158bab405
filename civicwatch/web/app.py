"""The FastAPI application: ``create_app`` wires the database, templates, static files, routers and error handlers.

Errors have one JSON shape under ``/api``, on ``/openapi.json`` and ``/feed.atom`` (``{"error": {"status",
"code", "message", "detail"?}}``, ``civicwatch.web.openapi.ErrorOut``) and an HTML page elsewhere
(``templating.render_error``), whatever raised them: a missing route, a bad parameter, a wrong method or a
bug (which answers 500 without showing internals). A path whose id is not an id (``abc``, ``-1``, ``2**63``:
past ``MAX_ID``) is a missing page, 404, like an id that is not in the store. Every path answers HEAD and
OPTIONS (``methods``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

import civicwatch
from civicwatch.store import connect
from civicwatch.web import api, atom, exports, login, pages, queue, review
from civicwatch.web.deps import API_PREFIX, read_access
from civicwatch.web.methods import MethodsMiddleware, route_table
from civicwatch.web.openapi import secure_everything
from civicwatch.web.security import SecurityHeadersMiddleware
from civicwatch.web.templating import install_filters, render_error

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
ROUTE_THREADS = 8
DOCS_ASSETS = f"{API_PREFIX}/docs/assets"
OPENAPI_URL = "/openapi.json"
FEED_URL = "/feed.atom"

# Environment read by ``create_app_from_env``: how ``civicwatch serve`` hands its options to uvicorn workers.
ENV_PRIVATE = "CIVICWATCH_WEB_PRIVATE"
ENV_SECURE_COOKIES = "CIVICWATCH_WEB_SECURE_COOKIES"
ENV_THREADS = "CIVICWATCH_WEB_THREADS"  # route threads per worker process (default ROUTE_THREADS)
# The site's public address (``https://example.org/``): the event_url of exports and feeds, whatever the host
# a request came through; unset, the request's own base URL.
ENV_PUBLIC_URL = "CIVICWATCH_PUBLIC_URL"
ENV_FEED_TAG = "CIVICWATCH_FEED_TAG"  # the feed ids' prefix, "tag:example.org,2026:" (default atom.DEFAULT_TAG)

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def create_app(db: str | None = None, *, private: bool = False, secure_cookies: bool = False) -> FastAPI:
    """The web app over the database ``db`` (same URL rules as the CLI's ``--db``; a fresh database gets its tables).

    ``private`` makes every page and API route require a logged-in user or an API token;
    ``secure_cookies`` marks the session cookie Secure (serve behind HTTPS).
    """
    engine = connect(db)
    app = FastAPI(
        lifespan=_lifespan,
        title="civicwatch",
        version=civicwatch.__version__,
        description="Evidence-linked events on restrictions of civil society and independent media.",
        docs_url=None,  # served below from bundled assets, not a CDN: the app works offline
        redoc_url=None,
        openapi_url=None,  # served below, behind the same access rule as the API
    )
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.private = private
    app.state.secure_cookies = secure_cookies
    public_url = os.environ.get(ENV_PUBLIC_URL, "").strip()
    app.state.public_url = public_url.rstrip("/") + "/" if public_url else None
    app.state.feed_tag = os.environ.get(ENV_FEED_TAG) or atom.DEFAULT_TAG
    app.state.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    install_filters(app.state.templates.env)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _add_api_docs(app)

    routers = [
        (login.router, ""),
        (review.router, ""),
        (queue.router, ""),
        (api.router, API_PREFIX),
        (exports.router, ""),
        (atom.router, ""),
        (pages.router, ""),
    ]
    for router, prefix in routers:
        app.include_router(router, prefix=prefix)

    # HEAD and OPTIONS everywhere, and whole Allow headers (inside the security headers, so they get them)
    app.add_middleware(MethodsMiddleware, table=route_table(app.router.routes, routers))
    # security headers (CSP, nosniff, frame denial) on every response: pages, API, static files
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Sync routes run in a thread pool (40 threads by default). Their work is mostly Python holding the
    # GIL, so many threads only take turns slower; a few keep the queue first come, first served.
    threads = os.environ.get(ENV_THREADS, "")
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = int(threads) if threads.isdigit() and int(threads) > 0 else ROUTE_THREADS
    yield
    app.state.engine.dispose()


def _swagger_assets() -> Path | None:
    # swagger-ui-py ships Swagger UI 5 (OpenAPI 3.1); only its files are used, its module is never imported
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(spec.submodule_search_locations[0]) / "static"
    return folder if (folder / "swagger-ui-bundle.js").exists() else None


def _add_api_docs(app: FastAPI) -> None:
    """The OpenAPI schema at /openapi.json and interactive docs at /api/docs (Swagger UI's files served by
    the app itself); a private instance shows them only to those who may read the API."""
    read = [Depends(read_access)]

    async def openapi_schema() -> JSONResponse:
        schema = app.openapi()  # made once, then kept
        return JSONResponse(secure_everything(schema) if app.state.private else schema)

    app.add_api_route(OPENAPI_URL, openapi_schema, include_in_schema=False, dependencies=read)
    assets = _swagger_assets()
    if assets is None:  # the schema is still there
        return
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(assets)), name="api-docs-assets")

    async def api_docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    app.add_api_route(f"{API_PREFIX}/docs", api_docs, include_in_schema=False, dependencies=read)


def create_app_from_env() -> FastAPI:
    """The app as ``civicwatch serve`` configures it through the environment (an import string for uvicorn workers)."""
    return create_app(
        private=os.environ.get(ENV_PRIVATE) == "1",
        secure_cookies=os.environ.get(ENV_SECURE_COOKIES) == "1",
    )


def is_api(request: Request) -> bool:
    """Whether the request's errors are answered as JSON: the API, its schema and the feed (read by programs)."""
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/") or path in (OPENAPI_URL, FEED_URL)


def error_body(status_code: int, message: str, detail: list | None = None) -> dict:
    """The one JSON error shape of the API."""
    error: dict = {"status": status_code, "code": ERROR_CODES.get(status_code, "error"), "message": message}
    if detail is not None:
        error["detail"] = detail
    return {"error": error}


def _reason(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _respond(request: Request, status_code: int, message: str, detail: list | None = None, headers=None) -> Response:
    if is_api(request):
        return JSONResponse(error_body(status_code, message, detail), status_code=status_code, headers=headers)
    response = render_error(request, status_code, message)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # registered for it (starlette types handlers loosely)
    message = exc.detail if isinstance(exc.detail, str) else _reason(exc.status_code)
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"nothing at {request.url.path}"
    elif exc.status_code == 405 and exc.detail == "Method Not Allowed":
        message = f"{request.method} is not allowed on {request.url.path}"
    return _respond(request, exc.status_code, message, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors()):
        return _respond(request, 404, f"nothing at {request.url.path}")  # /events/abc names no event
    detail = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]
    # ("query", "limit") -> "limit": the parameter's name is what the caller can act on
    names = [".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]) for item in detail if item["loc"]]
    fields = ", ".join(dict.fromkeys(names))
    message = f"invalid request: {fields}" if fields else "invalid request"
    return _respond(request, 422, message, jsonable_encoder(detail))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # The traceback goes to the log, never to the visitor.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(request, 500, "internal server error")
