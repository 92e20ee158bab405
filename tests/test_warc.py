"""Pages from web archives: filtering, offsets, and damaged files that must not stop a batch.

The archives are built here, record by record, as WARC/1.0 text (one gzip member per
record for .warc.gz, as crawlers write them), so each test shows exactly what is in its file.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator

from civicwatch.sources.files import SourceError
from civicwatch.sources.warc import WarcPage, WarcStats, article_from_page, iter_warc_pages

WEB = Path(__file__).parent / "data" / "web"
HTML = b"<!DOCTYPE html><html><body><p>page %d</p></body></html>"


def http(body: bytes, content_type: str | None = "text/html; charset=utf-8", status: str = "200 OK", extra=()) -> bytes:
    headers = [f"HTTP/1.1 {status}"]
    headers += [f"Content-Type: {content_type}"] if content_type else []
    headers += [*extra, f"Content-Length: {len(body)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def record(url: str, block: bytes, kind: str = "response", number: int = 0) -> bytes:
    msgtype = "request" if kind == "request" else "response"
    content_type = "application/warc-fields" if kind == "warcinfo" else f"application/http; msgtype={msgtype}"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T12:00:00Z\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def pages_records(count: int) -> list[bytes]:
    return [record(f"https://site.example/{i}", http(HTML % i + b" " * 2000), number=i) for i in range(count)]


def write(path: Path, records: list[bytes]) -> Path:
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r) for r in records))
    else:
        path.write_bytes(b"".join(records))
    return path


def read(path: Path) -> tuple[list[WarcPage], list[SourceError], WarcStats]:
    stats = WarcStats()
    items = list(iter_warc_pages(path, stats))  # must never raise
    pages = [i for i in items if isinstance(i, WarcPage)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert len(pages) + len(errors) == len(items)
    return pages, errors, stats


def urls(pages: list[WarcPage]) -> list[str]:
    return [p.url for p in pages]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_are_yielded_and_the_rest_counted(tmp_path: Path, name: str) -> None:
    records = [
        record("", b"software: test\r\n", kind="warcinfo"),
        record("https://site.example/a", b"GET /a HTTP/1.1\r\nHost: site.example\r\n\r\n", kind="request"),
        record("https://site.example/a", http(HTML % 1), number=1),
        record("https://site.example/logo.png", http(b"\x89PNG\r\n\x1a\n", "image/png"), number=2),
        record("https://site.example/api", http(b"{}", "application/json"), number=3),
        record("https://site.example/old", http(b"", status="301 Moved Permanently"), number=4),
        record("https://site.example/x", http(HTML % 5, "application/xhtml+xml"), number=5),
        record("https://site.example/untyped", http(HTML % 6, content_type=None), number=6),
        record("https://site.example/untyped.bin", http(b"\x00\x01binary", content_type=None), number=7),
    ]
    pages, errors, stats = read(write(tmp_path / name, records))
    assert not errors
    assert urls(pages) == ["https://site.example/a", "https://site.example/x", "https://site.example/untyped"]
    assert (stats.seen, stats.html, stats.skipped_non_html, stats.skipped_status) == (7, 3, 3, 1)
    first = pages[0]
    assert first.html == HTML % 1
    assert (first.content_type, first.charset) == ("text/html", "utf-8")
    assert first.record_id == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert first.warc_date == "2024-05-01T12:00:00Z"
    assert first.source == f"{tmp_path / name}@{first.offset}"


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_offsets_point_at_the_records(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, pages_records(3))
    pages, _, _ = read(path)
    for page in pages:
        with path.open("rb") as handle:
            handle.seek(page.offset)
            assert next(iter(ArchiveIterator(handle))).headers["WARC-Target-URI"] == page.url


@pytest.mark.parametrize(
    ("keep", "last_page_read"),
    [(0.5, False), (20, False), (-3, True)],  # half the last member; its first 20 bytes; all but its trailer
    ids=["mid-record", "member-header", "trailer"],
)
def test_truncated_warc_gz_keeps_the_pages_before_the_cut(tmp_path: Path, keep: float, last_page_read: bool) -> None:
    members = [gzip.compress(r) for r in pages_records(4)]
    last = members[-1]
    kept = last[: int(len(last) * keep)] if isinstance(keep, float) else last[:keep]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(members[:-1]) + kept)
    pages, errors, stats = read(path)
    assert urls(pages) == [f"https://site.example/{i}" for i in range(4 if last_page_read else 3)]
    (error,) = errors
    assert error.path == path and "offset" in error.reason
    assert stats.failed == [error.reason]


def test_truncated_plain_warc_names_the_short_record(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    path.write_bytes(b"".join(pages_records(3))[:-1000])
    pages, errors, _ = read(path)
    assert urls(pages) == ["https://site.example/0", "https://site.example/1"]
    (error,) = errors
    assert "is truncated" in error.reason and "offset" in error.reason


def test_corrupt_gzip_member_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    records = pages_records(4)
    members = [gzip.compress(r) for r in records]
    damaged = members[1][:30] + b"\x00garbage\xff" * 8 + members[1][-20:]
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(members[0] + damaged + members[2] + members[3])
    pages, errors, stats = read(path)
    assert urls(pages) == ["https://site.example/0", "https://site.example/2", "https://site.example/3"]
    (error,) = errors
    assert error.reason.startswith("damaged data after the record at offset 0")
    assert f"resumed at offset {len(members[0]) + len(damaged)}" in error.reason
    assert stats.failed == [error.reason]


def test_garbage_between_plain_records_is_skipped(tmp_path: Path) -> None:
    records = pages_records(3)
    path = tmp_path / "garbage.warc"
    path.write_bytes(records[0] + b"this is not a WARC record\r\n\r\n" + records[1] + records[2])
    pages, errors, _ = read(path)
    assert urls(pages) == [f"https://site.example/{i}" for i in range(3)]
    (error,) = errors
    assert "Invalid WARC header" in error.reason


def test_record_with_unreadable_http_headers_fails_alone(tmp_path: Path) -> None:
    records = pages_records(2)
    broken = record("https://site.example/broken", b"no http here\r\n\r\nbody", number=9)
    pages, errors, stats = read(write(tmp_path / "c.warc", [records[0], broken, records[1]]))
    assert urls(pages) == ["https://site.example/0", "https://site.example/1"]
    (error,) = errors
    assert "unreadable HTTP headers" in error.reason and stats.seen == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"hello, this is not an archive\n" * 20, "Invalid WARC header")],
    ids=["empty", "not-a-warc"],
)
def test_files_that_are_not_archives(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(data)
    pages, errors, _ = read(path)
    assert not pages and len(errors) == 1 and reason in errors[0].reason


def test_missing_file(tmp_path: Path) -> None:
    pages, errors, stats = read(tmp_path / "missing.warc.gz")
    assert not pages and "cannot read" in errors[0].reason and stats.failed


def test_content_encoding_is_undone_unless_already_decoded(tmp_path: Path) -> None:
    gz = ["Content-Encoding: gzip"]
    records = [
        record("https://site.example/gz", http(gzip.compress(HTML % 1), extra=gz), number=1),
        record("https://site.example/stored-decoded", http(HTML % 2, extra=gz), number=2),
        record("https://site.example/bad", http(b"\x1f\x8b\x08 not really gzip", extra=gz), number=3),
    ]
    pages, errors, _ = read(write(tmp_path / "enc.warc", records))
    assert [p.html for p in pages] == [HTML % 1, HTML % 2]
    (error,) = errors
    assert "Content-Encoding" in error.reason


def test_article_from_archived_page(tmp_path: Path) -> None:
    body = (WEB / "en-ngo-fined.html").read_bytes()
    path = write(tmp_path / "news.warc.gz", [record("https://courier.example.org/?p=1", http(body), number=1)])
    (page,), _, _ = read(path)
    article = article_from_page(page)
    assert article.title == "Court fines rights group Vigil"
    assert article.source == f"{path}@0"
    assert article.url == "https://courier.example.org/2016/03/04/court-fines-vigil"
