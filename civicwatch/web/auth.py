"""Log-in, sessions and API tokens (owned by the pages work; this is the initial stub)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter()


def reader(request: Request) -> None:
    """Dependency for every read route: in private mode it requires a logged-in user or an API token."""


def current_user(request: Request) -> Any | None:
    """The logged-in user (or the owner of the API token), None for anonymous visitors."""
    return None
