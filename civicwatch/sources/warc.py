"""Stream the HTML pages out of a web archive (.warc or .warc.gz).

Crawls arrive as WARC files of thousands of records, and real ones are damaged:
cut off by a full disk, a failed upload, or a crawler crash. A damaged stretch
must cost the records in it and nothing else, so the iterator never raises: it
yields a ``SourceError`` naming the file and offset, skips to the next record
it can find (the next gzip member or "WARC/1." line), and carries on. Pages
read before the damage have already been yielded.
"""

from __future__ import annotations

import mmap
import os
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from civicwatch.model import Article
from civicwatch.sources.files import SourceError
from civicwatch.sources.html import article_from_html

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_PAGE_BYTES = 20 * 1024 * 1024  # a decompressed page beyond this is not an article

_GZIP_MAGIC = b"\x1f\x8b\x08"  # every gzip member starts so: the resync point in a .warc.gz
_WARC_LINE = b"\nWARC/1."  # a record's first line, after the previous record's blank lines
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)", re.I | re.S)
_SNIFF_BYTES = 1024
_TAIL_CHECK_BYTES = 64 * 1024 * 1024  # more after the last record start means one big gzip stream


@dataclass
class WarcPage:
    """One HTML response from the archive, undecoded."""

    url: str
    html: bytes  # the HTTP body, Content-Encoding (gzip, deflate) removed
    content_type: str
    charset: str | None  # the charset the HTTP header declared, if any
    headers: dict[str, str]  # HTTP response headers
    record_id: str | None
    offset: int  # where the record starts in the file (in the compressed file for .warc.gz)
    path: Path
    warc_date: str | None = None

    @property
    def source(self) -> str:
        """Names the record for messages and ``Article.source``: FILE@OFFSET, which WARC tools can seek to."""
        return f"{self.path}@{self.offset}"


@dataclass
class WarcStats:
    """What one pass over an archive met; filled in while iterating."""

    seen: int = 0  # response records
    html: int = 0  # pages yielded
    skipped_non_html: int = 0  # 200 responses of another content type (images, PDF, JSON...)
    skipped_status: int = 0  # redirects, errors and other non-200 responses
    failed: list[str] = field(default_factory=list)  # one reason per damaged record or stretch


def iter_warc_pages(path: Path | str, stats: WarcStats | None = None) -> Iterator[WarcPage | SourceError]:
    """Each HTML page (HTTP 200) in a .warc or .warc.gz, in file order, or a SourceError for damage.

    Pass a ``WarcStats`` to learn how many records were seen, skipped and failed.
    """
    path = Path(path)
    stats = stats if stats is not None else WarcStats()
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _fail(stats, SourceError(path, f"cannot read ({exc.strerror or exc})", kind="cannot-read"))
        return
    with handle:
        if not handle.read(1):
            yield _fail(stats, SourceError(path, "empty file", kind="empty-file"))
            return
        start: int | None = 0
        try:
            while start is not None:
                start = yield from _read_run(handle, start, path, stats)
        except Exception as exc:  # the last line of defence: the iterator never raises
            yield _fail(
                stats, SourceError(path, f"reading stopped ({type(exc).__name__}: {exc})", kind="reader-failed")
            )


def _read_run(
    handle: BinaryIO, start: int, path: Path, stats: WarcStats
) -> Generator[WarcPage | SourceError, None, int | None]:
    """Yield pages from ``start`` on; at damage, yield its SourceError and return where to resume (None: stop)."""
    handle.seek(start)
    # Every record type: a record whose header was cut before its WARC-Type would be
    # filtered out silently by a response-only iterator. auto_decode stays off: one
    # mislabelled Content-Encoding would end the whole iterator.
    records = iter(ArchiveIterator(handle, record_types=WarcRecordType.any_type, parse_http=True))
    where, position, failed_at = f"at offset {start}", start, None
    while True:
        try:
            record = next(records)
            position = record.stream_pos
            where = f"in the record at offset {position}"
            item = _page_or_error(record, path, stats)
        except StopIteration:
            if failed_at != position:  # the last record's own error already covers the end
                yield from _check_gzip_tail(handle, position, path, stats)
            return None
        except Exception as exc:  # fastwarc raises OSError on damage; nothing may escape the iterator
            resume_at = _resync(handle, position + 1)
            yield _fail(stats, _damage(path, where, position, exc, resume_at))
            return resume_at
        where = f"after the record at offset {position}"
        if isinstance(item, SourceError):
            failed_at = position
            yield _fail(stats, item)
        elif item is not None:
            yield item


def _page_or_error(record: WarcRecord, path: Path, stats: WarcStats) -> WarcPage | SourceError | None:
    """The record's page; None for any other record or response; SourceError for a broken one."""
    offset = record.stream_pos
    if not record.headers.get("Content-Length"):
        return SourceError(
            path,
            f"record at offset {offset} is incomplete (headers cut off; file truncated?)",
            position=f"offset {offset}",
            kind="truncated-record",
        )
    if record.record_type != WarcRecordType.response:
        return None
    stats.seen += 1
    if not record.http_headers or record.http_headers.status_code is None:
        return SourceError(
            path, f"record at offset {offset} has unreadable HTTP headers", position=f"offset {offset}", kind="bad-http"
        )
    if record.http_headers.status_code != 200:
        stats.skipped_status += 1
        return None
    expected = record.content_length
    body = record.reader.read()
    if len(body) < expected:
        return SourceError(
            path,
            f"record at offset {offset} is truncated ({len(body)} of {expected} body bytes)",
            position=f"offset {offset}",
            kind="truncated-record",
        )
    return _html_page(record, body, path, stats)


def _check_gzip_tail(handle: BinaryIO, offset: int, path: Path, stats: WarcStats) -> Iterator[SourceError]:
    """Yield a SourceError when a .warc.gz does not end cleanly after the member at ``offset``.

    fastwarc stops without a word at a gzip member cut off before its first record (or
    before its trailer), which is what a truncated download looks like; decompressing the
    file's tail from the last record read tells.
    """
    handle.seek(0)
    if handle.read(len(_GZIP_MAGIC)) != _GZIP_MAGIC:
        return
    size = os.fstat(handle.fileno()).st_size
    if size - offset > _TAIL_CHECK_BYTES:
        return  # one gzip stream for the whole file, not a member a record; nothing to learn cheaply
    handle.seek(offset)
    problem = _gzip_members_problem(handle.read())
    if problem:
        reason = f"damaged data after the record at offset {offset} ({problem})"
        yield _fail(stats, SourceError(path, reason, position=f"offset {offset}", kind="damaged-archive"))


def _gzip_members_problem(data: bytes) -> str | None:
    """Why ``data`` is not whole gzip members of which all but the first hold no record; None if it is."""
    first = True
    while data:
        member = zlib.decompressobj(31)  # 31: gzip header and trailer
        try:
            content = member.decompress(data)
        except zlib.error as exc:
            return f"undecodable gzip data: {exc}"
        if not member.eof:
            return "the file ends inside a gzip member; truncated?"
        if not first and content.strip():
            return "a gzip member no record could be read from"
        data, first = member.unused_data, False
    return None


def _html_page(record: WarcRecord, body: bytes, path: Path, stats: WarcStats) -> WarcPage | SourceError | None:
    offset = record.stream_pos
    headers = {name: value for name, value in record.http_headers.items()}
    try:
        body = _decode_content(body, headers)
    except (zlib.error, ValueError) as exc:
        return SourceError(
            path,
            f"record at offset {offset}: cannot undo its Content-Encoding ({exc})",
            position=f"offset {offset}",
            kind="bad-content-encoding",
        )
    content_type = (record.http_content_type or "").lower()
    if not _is_html(content_type, body):
        stats.skipped_non_html += 1
        return None
    stats.html += 1
    return WarcPage(
        url=(record.headers.get("WARC-Target-URI") or "").strip("<>"),
        html=body,
        content_type=content_type or "text/html",
        charset=record.http_charset,
        headers=headers,
        record_id=record.record_id,
        offset=offset,
        path=path,
        warc_date=record.headers.get("WARC-Date"),
    )


def _is_html(content_type: str, body: bytes) -> bool:
    if content_type:
        return content_type in HTML_TYPES
    # No Content-Type at all: look at the body, as browsers do.
    return _HTML_START.match(body[:_SNIFF_BYTES]) is not None


def _decode_content(body: bytes, headers: dict[str, str]) -> bytes:
    """Undo gzip/deflate Content-Encoding; bodies already stored decoded are kept as they are.

    Many crawlers store the decoded body but keep the original header, so the header alone
    is not trusted: only a body that starts like compressed data is decompressed.
    """
    encoding = next((v.strip().lower() for k, v in headers.items() if k.lower() == "content-encoding"), "")
    if encoding not in ("gzip", "x-gzip", "deflate") or _HTML_START.match(body[:_SNIFF_BYTES]):
        return body
    # wbits 47 reads gzip or zlib headers; -15 reads the raw deflate some servers send.
    for wbits in (47, -15):
        try:
            return _bounded_decompress(body, wbits)
        except zlib.error:
            continue
    raise ValueError(f"body is not valid {encoding} data")


def _bounded_decompress(body: bytes, wbits: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    data = decompressor.decompress(body, MAX_PAGE_BYTES)
    if decompressor.unconsumed_tail:
        raise ValueError(f"decompressed page larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    return data


def _resync(handle: BinaryIO, after: int) -> int | None:
    """Offset of the first readable record at or after ``after``; None when there is none."""
    handle.seek(0)
    gzipped = handle.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    # mmap lets find() scan a multi-gigabyte file without reading it into memory.
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        candidate = _candidate(data, after, gzipped)
        while candidate is not None and not _readable_at(handle, candidate):
            candidate = _candidate(data, candidate + 1, gzipped)
    return candidate


def _candidate(data: mmap.mmap, after: int, gzipped: bool) -> int | None:
    """Where the next record may start: a gzip member header, else a "WARC/1." line."""
    if gzipped:
        found = data.find(_GZIP_MAGIC, after)
        return None if found < 0 else found
    found = data.find(_WARC_LINE, max(after - 1, 0))
    return None if found < 0 else found + 1


def _readable_at(handle: BinaryIO, offset: int) -> bool:
    """Whether a whole record can be read at ``offset`` (a gzip header or "WARC/1." inside damage may be a fluke)."""
    handle.seek(offset)
    try:
        record = next(iter(ArchiveIterator(handle, record_types=WarcRecordType.any_type, parse_http=False)))
        expected = record.content_length
        return bool(record.headers.get("Content-Length")) and len(record.reader.read()) >= expected
    except Exception:  # any failure means: not here
        return False


def _damage(path: Path, where: str, offset: int, exc: Exception, resume_at: int | None) -> SourceError:
    detail = str(exc) or type(exc).__name__
    then = f"resumed at offset {resume_at}" if resume_at is not None else "nothing readable after it"
    reason = f"damaged data {where} ({detail}); {then}"
    return SourceError(path, reason, position=f"offset {offset}", kind="damaged-archive")


def _fail(stats: WarcStats, error: SourceError) -> SourceError:
    stats.failed.append(error.reason)
    return error


def article_from_page(page: WarcPage) -> Article:
    """The article in an archived page (see ``article_from_html``); raises SourceError naming FILE@OFFSET."""
    return article_from_html(page.html, url=page.url or None, source=page.source, charset=page.charset)
