"""Read articles from JSON Lines exports: one JSON object a line.

Scrapers and news APIs hand over batches as JSONL, each line an article with
``url``, ``title``, ``published`` and either its clean ``text`` or the page's
``html`` (which goes through ``article_from_html``). Optional fields:
``language``, ``author``. A bad line is reported as a ``SourceError`` naming
the file and the line number, and reading goes on with the next line: nothing a
line holds (bad UTF-8, nesting thousands deep, a 5,000-digit number, a line of
gigabytes) costs more than that line.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from civicwatch.core.text import strip_controls
from civicwatch.model import Article
from civicwatch.sources.files import SourceError, failure, without_controls
from civicwatch.sources.html import article_from_html

JSONL_SUFFIXES = (".jsonl", ".ndjson")
_STRING_FIELDS = ("url", "title", "language", "author", "text", "html")
MAX_LINE_BYTES = 20 * 1024 * 1024  # a line beyond this is not one article; it is skipped unread
_CHUNK = 1024 * 1024


def iter_jsonl_articles(path: Path | str) -> Iterator[Article | SourceError]:
    """Each line's article, or a SourceError ("line N: reason") for a line that holds none."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(path, f"cannot read ({exc.strerror or exc})", kind="cannot-read")
        return
    with handle:
        # Binary lines: a stray byte that is not UTF-8 spoils its own line, not the file.
        for number, raw in enumerate(_lines(handle), start=1):
            if raw is None:
                limit = f"{MAX_LINE_BYTES // (1024 * 1024)} MB"
                yield SourceError(
                    path,
                    f"line {number}: line longer than {limit}; skipped",
                    position=f"line {number}",
                    kind="line-too-long",
                )
            elif raw.strip():
                yield _line_article(raw, path, number)


def _lines(handle) -> Iterator[bytes | None]:
    """The file's lines; None for one longer than MAX_LINE_BYTES, which is skipped without being held in memory."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):  # skip the rest of the long line
            line = handle.readline(_CHUNK)
        yield None


def _line_article(raw: bytes, path: Path, number: int) -> Article | SourceError:
    where = f"line {number}"
    try:
        return article_from_record(_record(raw), source=f"{path}:{number}")
    except _LineError as exc:
        return SourceError(path, f"{where}: {exc}", position=where, kind=exc.kind)
    except SourceError as exc:  # the html field held no article
        return SourceError(path, f"{where}: {exc.reason}", position=where, kind=exc.kind)
    except Exception as exc:  # nothing one line holds may end the file
        return failure(path, exc, where)


class _LineError(ValueError):
    """Why one line is unusable; becomes a SourceError naming the file and line."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _record(raw: bytes) -> dict:
    try:
        # utf-8-sig: a BOM on the first line is an editor's doing, not an error.
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _LineError(f"not UTF-8 ({exc.reason} at byte {exc.start})", "not-utf8") from exc
    except json.JSONDecodeError as exc:
        raise _LineError(f"invalid JSON ({exc.msg} at column {exc.colno})", "invalid-json") from exc
    except RecursionError as exc:
        raise _LineError("invalid JSON (nested too deeply)", "invalid-json") from exc
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise _LineError(f"invalid JSON ({exc})", "invalid-json") from exc
    if not isinstance(record, dict):
        raise _LineError(f"expected a JSON object, got {type(record).__name__}", "not-an-object")
    return record


def article_from_record(record: dict, source: str | None = None) -> Article:
    """The article one JSON object describes; raises ValueError (or SourceError for bad html) if none."""
    for name in _STRING_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise _LineError(f"'{name}' must be a string or null, not {type(record[name]).__name__}", "bad-field")
    published = _published(record.get("published"))
    text, html = strip_controls(record.get("text") or "").strip(), record.get("html") or ""
    if text:
        article = Article(text=text, source=source)
    elif html.strip():
        article = article_from_html(html, url=record.get("url"), source=source)
    else:
        raise _LineError("neither 'text' nor 'html' holds anything", "no-text")
    # The record's own fields are what the collector knew; they beat what the page says.
    article.url = record.get("url") or article.url
    article.published = published or article.published
    article.title = record.get("title") or article.title
    article.author = record.get("author") or article.author
    article.language = record.get("language") or article.language
    return without_controls(article)


def _published(value: object) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _LineError(f"'published' must be an ISO date string, not {reprlib.repr(value)}", "bad-date")
    try:
        # Feeds often store full timestamps ("2024-03-04T10:00:00Z"): the day is what counts.
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise _LineError(f"'published' is not an ISO date: {reprlib.repr(value)}", "bad-date") from exc
