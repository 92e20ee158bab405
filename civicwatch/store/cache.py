"""A small cache shared by every request of a web server process: counts, dashboards, facets, lookups.

Entries are keyed by the database (``db_key``) and, where a new row must make them stale at once, by the
largest id of a table (``newest``). ``invalidate_caches()`` drops everything (after a review, say).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

CACHE_TTL_S = 10.0
NEWEST_TTL_S = 1.0

T = TypeVar("T")


class TTLCache:
    """A small thread-safe cache shared by every request of a process.

    An entry is fresh for the ``ttl`` given when it is read. An expired entry is renewed by one thread
    while the others keep getting the old value (so a slow aggregate never stalls every visitor at once).
    """

    def __init__(self, max_entries: int = 2048) -> None:
        self.max_entries = max_entries
        self._data: dict[Any, tuple[float, Any]] = {}
        self._renewing: set[Any] = set()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], T], ttl: float = CACHE_TTL_S) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                if now - hit[0] < ttl or key in self._renewing:
                    return hit[1]
                self._renewing.add(key)
        try:
            value = compute()
        finally:
            with self._lock:
                self._renewing.discard(key)
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.clear()
            self._data[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


cache = TTLCache()
# pages of full-text search results and anonymous visitors' event lists (tens of kilobytes each: fewer
# entries), fresh for SEARCH_TTL_S
search_pages = TTLCache(max_entries=128)
SEARCH_TTL_S = 5.0


def invalidate_caches() -> None:
    """Forget cached counts, dashboards, facets and search pages (call after changing events)."""
    cache.clear()
    search_pages.clear()


def db_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def newest(session: Session, model) -> int | None:
    """The largest id of a table (a new row makes cached counts stale); itself cached for a second."""
    key = ("newest", db_key(session), model.__tablename__)
    statement = select(func.max(model.id))
    return cache.get_or_compute(key, lambda: session.connection().scalar(statement), ttl=NEWEST_TTL_S)
