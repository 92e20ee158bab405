"""Server-rendered pages (owned by the pages work; this is the initial stub)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

router = APIRouter()


def render_error(request: Request, status_code: int, message: str) -> Response:
    """The error page for paths outside /api."""
    return PlainTextResponse(message, status_code=status_code)
