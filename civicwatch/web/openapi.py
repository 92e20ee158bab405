"""What the OpenAPI schema (/openapi.json) says beyond the routes' own types: errors, statuses and security.

* ``ErrorOut``: the one JSON error shape (``{"error": {"status", "code", "message", "detail"?}}``), answered by
  every route under /api and by /feed.atom (``app._respond``).
* ``responses(...)``: the error statuses a route documents, each with that shape.
* Security: ``bearer`` (``Authorization: Bearer TOKEN``, from ``civicwatch user token``) and ``cookie`` (the
  session cookie of a browser logged in at /login; its writes also send the ``X-CSRF-Token`` header).
  ``AUTHENTICATED`` marks a route as needing either (the review routes), so Swagger UI shows its Authorize
  button; ``secure_everything`` marks every route so on a private instance (``civicwatch serve --private``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Security
from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel, Field

from civicwatch.web.security import SESSION_COOKIE


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="not_found, invalid_request, method_not_allowed, unauthorized, internal_error, ...")
    message: str
    detail: list[dict[str, Any]] | None = Field(None, description="Validation problems, one per parameter.")


class ErrorOut(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail


WHY = {
    400: "The body is not JSON (or not UTF-8)",
    401: "Not logged in: send an API token (Authorization: Bearer TOKEN) or the session cookie",
    403: "Not allowed: only analysts and admins review events and list rejected ones; a browser session's "
    "writes need the X-CSRF-Token header",
    404: "No such id",
    410: "Withdrawn: an analyst rejected this event, so it is no longer published",
    422: "Invalid parameters",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error statuses of a route, for its ``responses=``: each with ``ErrorOut`` and why it is answered."""
    return {status: {"model": ErrorOut, "description": WHY[status]} for status in statuses}


BEARER_DOC = "An API token: `civicwatch user token NAME --name WHAT`."
COOKIE_DOC = "The session cookie of a browser logged in at /login (its writes also send X-CSRF-Token)."
# Documentation only (auto_error=False: they never refuse a request); deps.reviewer and deps.reader decide.
bearer = HTTPBearer(auto_error=False, scheme_name="bearer", description=BEARER_DOC)
cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, scheme_name="cookie", description=COOKIE_DOC)
AUTHENTICATED = [Security(bearer), Security(cookie)]  # either one: OpenAPI lists them as alternatives
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"cookie": []}]


def secure_everything(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a private instance: every operation needs a token or a session, and may answer 401."""
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("security", SECURITY)
            operation.setdefault("responses", {}).setdefault(
                "401", {"description": WHY[401], "content": {"application/json": {"schema": error}}}
            )
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes.setdefault("bearer", {"type": "http", "scheme": "bearer", "description": BEARER_DOC})
    schemes.setdefault("cookie", {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE, "description": COOKIE_DOC})
    return schema
