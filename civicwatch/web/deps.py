"""FastAPI dependencies shared by the routers: one database session per request, the app's settings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Settings:
    """What the app was started with (see ``create_app``)."""

    private: bool
    secure_cookies: bool


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request, closed when the response is done."""
    with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    state = request.app.state
    return Settings(private=state.private, secure_cookies=state.secure_cookies)
