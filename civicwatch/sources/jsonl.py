"""Read articles from JSON Lines exports: one JSON object a line.

Scrapers and news APIs hand over batches as JSONL, each line an article with
``url``, ``title``, ``published`` and either its clean ``text`` or the page's
``html`` (which goes through ``article_from_html``). Optional fields:
``language``, ``author``. A bad line is reported as a ``SourceError`` naming
the file and the line number, and reading goes on with the next line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from civicwatch.model import Article
from civicwatch.sources.files import SourceError
from civicwatch.sources.html import article_from_html

JSONL_SUFFIXES = (".jsonl", ".ndjson")
_STRING_FIELDS = ("url", "title", "language", "author", "text", "html")


def iter_jsonl_articles(path: Path | str) -> Iterator[Article | SourceError]:
    """Each line's article, or a SourceError ("line N: reason") for a line that holds none."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(path, f"cannot read ({exc.strerror or exc})")
        return
    with handle:
        # Binary lines: a stray byte that is not UTF-8 spoils its own line, not the file.
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _line_article(raw, path, number)


def _line_article(raw: bytes, path: Path, number: int) -> Article | SourceError:
    try:
        return article_from_record(_record(raw), source=f"{path}:{number}")
    except _LineError as exc:
        return SourceError(path, f"line {number}: {exc}")
    except SourceError as exc:  # the html field held no article
        return SourceError(path, f"line {number}: {exc.reason}")


class _LineError(ValueError):
    """Why one line is unusable; becomes a SourceError naming the file and line."""


def _record(raw: bytes) -> dict:
    try:
        # utf-8-sig: a BOM on the first line is an editor's doing, not an error.
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _LineError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise _LineError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise _LineError(f"expected a JSON object, got {type(record).__name__}")
    return record


def article_from_record(record: dict, source: str | None = None) -> Article:
    """The article one JSON object describes; raises ValueError (or SourceError for bad html) if none."""
    for name in _STRING_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise _LineError(f"'{name}' must be a string or null, not {type(record[name]).__name__}")
    published = _published(record.get("published"))
    text, html = (record.get("text") or "").strip(), record.get("html") or ""
    if text:
        article = Article(text=text, source=source)
    elif html.strip():
        article = article_from_html(html, url=record.get("url"), source=source)
    else:
        raise _LineError("neither 'text' nor 'html' holds anything")
    # The record's own fields are what the collector knew; they beat what the page says.
    article.url = record.get("url") or article.url
    article.published = published or article.published
    article.title = record.get("title") or article.title
    article.author = record.get("author") or article.author
    article.language = record.get("language") or article.language
    return article


def _published(value: object) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _LineError(f"'published' must be an ISO date string, not {value!r}")
    try:
        # Feeds often store full timestamps ("2024-03-04T10:00:00Z"): the day is what counts.
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise _LineError(f"'published' is not an ISO date: {value!r}") from exc
