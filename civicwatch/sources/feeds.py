"""Read RSS and Atom feeds, and remember which of their items were already handled.

``read_feed`` fetches with a ``Fetcher`` (so feeds get the same SSRF guard,
size cap and politeness as pages) and parses with feedparser. ``FeedState`` is
the memory that lets ``watch`` take only new items, across restarts.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import urllib.parse
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from civicwatch.sources.fetch import Fetcher, FetchError
from civicwatch.sources.files import SourceError

STATE_FILE_NAME = "feed-state.json"
STATE_VERSION = 1
# Keys (ids and links) kept per feed. A feed shows its latest 10-100 items; the
# cap only has to outlast them, so that an item is not taken for new again.
MAX_KEYS_PER_FEED = 5000
# bozo flags that feedparser raises for feeds it read correctly all the same.
_HARMLESS_BOZO = (CharacterEncodingOverride, NonXMLContentType)


@dataclass(frozen=True)
class FeedItem:
    link: str | None  # absolute http(s) URL of the article, if the item has one
    title: str | None
    published: datetime | None  # UTC; the updated date when the item has no published date
    guid: str | None  # RSS guid / Atom id
    error: str | None = None  # why the item could not be read (its other fields are then None)

    @property
    def keys(self) -> tuple[str, ...]:
        """What identifies the item: its id and its link (either may change alone), else its title."""
        keys = tuple(key for key in (self.guid, self.link) if key)
        if keys or not self.title:
            return keys
        return (f"title:{self.title}",)


def read_feed(url: str, fetcher: Fetcher, *, strict: bool = False) -> list[FeedItem]:
    """The items of the feed at ``url``, in feed order. Raises FetchError (code "invalid-feed" for a bad feed)."""
    result = fetcher.fetch(url)
    return parse_feed(result.body, result.final_url, result.headers.get("content-type"), strict=strict, url=url)


def parse_feed(
    data: bytes,
    base_url: str,
    content_type: str | None = None,
    *,
    strict: bool = False,
    url: str | None = None,
) -> list[FeedItem]:
    """The items of a feed document; relative links are resolved against ``base_url``.

    Feeds in the wild are often slightly broken (a bare "&" in a title), and
    feedparser's fallback parser still reads them, so by default a feed counts as
    invalid only when nothing usable came out. ``strict`` refuses any XML error.
    """
    headers = {"content-location": base_url}  # feedparser's base for relative links
    if content_type:
        headers["content-type"] = content_type
    # A file object, never bytes: feedparser treats a bytes argument as a file name first,
    # so a server answering "/etc/passwd" would make it read that local file.
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser's own failure on a hostile document: the feed is invalid, nothing more
        raise FetchError(url or base_url, "invalid-feed", f"{type(exc).__name__}: {_one_line(str(exc))}") from exc
    _check_feed(parsed, url or base_url, strict)
    return [_safe_item(entry, base_url, position) for position, entry in enumerate(parsed.entries, start=1)]


def _check_feed(parsed: Any, url: str, strict: bool) -> None:
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and isinstance(problem, _HARMLESS_BOZO):
        problem = None
    if problem is not None and (strict or not parsed.entries):
        raise FetchError(url, "invalid-feed", _one_line(str(problem)) or type(problem).__name__)
    if not parsed.entries and not parsed.get("version"):
        raise FetchError(url, "invalid-feed", "not an RSS or Atom document")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _safe_item(entry: Any, base_url: str, position: int) -> FeedItem:
    """The item, or an item carrying only the error: one bad entry must not cost the feed its other items."""
    try:
        return _item(entry, base_url)
    except Exception as exc:
        detail = _one_line(str(exc)) or "no detail"
        return FeedItem(None, None, None, None, error=f"item {position}: unreadable ({type(exc).__name__}: {detail})")


def _item(entry: Any, base_url: str) -> FeedItem:
    return FeedItem(
        link=_absolute_link(entry.get("link"), base_url),
        title=_clean(entry.get("title")),
        published=_timestamp(entry.get("published_parsed") or entry.get("updated_parsed")),
        guid=_clean(entry.get("id")),
    )


def _clean(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _absolute_link(link: object, base_url: str) -> str | None:
    """``link`` made absolute; None unless it is http(s) (a "javascript:" link is nothing to fetch)."""
    link = _clean(link)
    if link is None:
        return None
    try:
        absolute = urllib.parse.urljoin(base_url, link)
        parts = urllib.parse.urlsplit(absolute)
    except ValueError:  # "http://[::1" and other links urllib cannot parse: nothing to fetch
        return None
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _timestamp(parsed_time: Any) -> datetime | None:
    """feedparser's time tuple (already converted to UTC) as an aware datetime."""
    if not parsed_time:
        return None
    try:
        year, month, day, hour, minute, second = parsed_time[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# ----------------------------------------------------------------------------------------- state


def user_data_dir() -> Path:
    """Where civicwatch keeps its data for this user, by the platform's convention."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "civicwatch"


def default_state_path() -> Path:
    return user_data_dir() / STATE_FILE_NAME


class FeedState:
    """Per feed URL, the keys (see ``FeedItem.keys``) of the items already handled.

    Call ``mark_seen`` after an item is ingested and ``save`` when convenient:
    an item lost in a crash before ``save`` is ingested again, never skipped.
    One process at a time: two writers would each overwrite the other's file.
    """

    def __init__(self, path: Path | str | None = None, *, max_keys_per_feed: int = MAX_KEYS_PER_FEED) -> None:
        self.path = Path(path) if path is not None else default_state_path()
        self.max_keys_per_feed = max_keys_per_feed
        # dicts, not sets: insertion order tells which keys are oldest when trimming.
        self._seen: dict[str, dict[str, None]] = self._load()

    def is_seen(self, feed_url: str, item: FeedItem) -> bool:
        """True when the item was handled before, or has nothing to identify it by (so it is never "new")."""
        seen = self._seen.get(feed_url, {})
        return not item.keys or any(key in seen for key in item.keys)

    def new_items(self, feed_url: str, items: Iterable[FeedItem]) -> list[FeedItem]:
        """The items not seen before, in the given order, each once."""
        fresh: list[FeedItem] = []
        batch: set[str] = set()
        for item in items:
            if self.is_seen(feed_url, item) or batch.intersection(item.keys):
                continue
            batch.update(item.keys)
            fresh.append(item)
        return fresh

    def mark_seen(self, feed_url: str, items: Iterable[FeedItem]) -> None:
        seen = self._seen.setdefault(feed_url, {})
        for item in items:
            for key in item.keys:
                seen.pop(key, None)  # re-insert so that it counts as recent
                seen[key] = None
        for key in list(seen)[: max(0, len(seen) - self.max_keys_per_feed)]:
            del seen[key]

    def save(self) -> None:
        """Write the state file atomically: a crash leaves the old file or the new one, never half of one."""
        data = {"version": STATE_VERSION, "feeds": {url: list(keys) for url, keys in self._seen.items()}}
        _write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))

    def _load(self) -> dict[str, dict[str, None]]:
        """The saved state; empty when there is no file. A damaged file raises SourceError rather than
        being taken for an empty one, which would ingest every item of every feed again."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8 or JSON, 4,300-digit numbers
            raise SourceError(self.path, f"unreadable feed state ({type(exc).__name__}: {exc})") from exc
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION or not _is_feed_map(raw.get("feeds")):
            raise SourceError(self.path, f"not a civicwatch feed state (version {STATE_VERSION})")
        return {url: dict.fromkeys(keys) for url, keys in raw["feeds"].items()}


def _is_feed_map(feeds: object) -> bool:
    return isinstance(feeds, dict) and all(
        isinstance(keys, list) and all(isinstance(key, str) for key in keys) for keys in feeds.values()
    )


def _write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)  # atomic on POSIX and Windows when both are on one file system
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
