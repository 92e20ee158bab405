"""Every kind of input through one router: files, folders, JSON lines, WARC, article URLs, feeds."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_server import LocalServer, running

from civicwatch.clean.prefilter import Prefilter
from civicwatch.sources.fetch import Fetcher, FetchSettings
from civicwatch.sources.inputs import InputOptions, InputStats, iter_inputs

WEB = Path(__file__).parent / "data" / "web"
NEWS = (
    "Russia's Justice Ministry added the Committee for Civic Rights, a human rights NGO, to its register of "
    "foreign agents on Monday. The group said it would appeal."
)
RECIPE = "Whisk two eggs with sugar, fold in the flour and bake for forty minutes at 180 degrees."


def _page(body: str, title: str = "News") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split(". "))
    head = f"<!DOCTYPE html><html><head><title>{title}</title></head>"
    return f"{head}<body><article>{paragraphs}</article></body></html>".encode()


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    records = []
    for n, (url, html) in enumerate(pages):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(html)
        block = http + html
        head = (
            f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T12:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
        )
        records.append(gzip.compress(head.encode() + block + b"\r\n\r\n"))
    path.write_bytes(b"".join(records))
    return path


def _load(inputs: list, **options) -> tuple[list, InputStats]:
    stats = InputStats()
    loaded = []
    for item in iter_inputs(inputs, InputOptions(**options)):
        stats.count(item)
        loaded.append(item)
    return loaded, stats


def test_a_folder_of_mixed_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NEWS, encoding="utf-8")
    (tmp_path / "b.html").write_bytes(_page(NEWS))
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"url": "https://example.org/c", "published": "2024-05-06", "text": NEWS}) + "\n" + "{broken\n",
        encoding="utf-8",
    )
    _warc(tmp_path / "d.warc.gz", [("https://example.org/d", _page(NEWS))])
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    loaded, stats = _load([tmp_path])
    articles = [item for item in loaded if item.article is not None]
    assert len(articles) == 4
    assert {a.article.url for a in articles} >= {"https://example.org/c", "https://example.org/d"}
    assert all("Civic Rights" in a.article.text for a in articles)
    errors = [item for item in loaded if item.error]
    assert len(errors) == 1 and "line 2" in errors[0].error and "c.jsonl" in errors[0].origin
    assert stats.seen == 5 and stats.relevant == 4


def test_the_prefilter_keeps_civic_pages_and_drops_the_rest(tmp_path: Path) -> None:
    warc = _warc(
        tmp_path / "pages.warc.gz",
        [("https://example.org/news", _page(NEWS)), ("https://example.org/cake", _page(RECIPE, "Cake"))],
    )
    loaded, stats = _load([warc], prefilter=Prefilter.for_languages(("en", "ru")))
    by_url = {item.origin.split("@")[0]: item for item in loaded}
    relevant = [item for item in loaded if item.relevant and item.article is not None]
    assert [item.article.url for item in relevant] == ["https://example.org/news"]
    dropped = [item for item in loaded if not item.relevant]
    assert len(dropped) == 1 and dropped[0].article is None and dropped[0].why
    assert stats.seen == 2 and stats.relevant == 1 and str(warc) in by_url


def test_missing_file_and_empty_folder_are_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    loaded, stats = _load([tmp_path / "nope.txt", tmp_path / "empty"])
    assert [bool(item.error) for item in loaded] == [True, True]
    assert "no such file" in loaded[0].error
    assert sum(stats.failed.values()) == 2


def test_a_page_that_is_all_boilerplate_fails_with_its_reason() -> None:
    loaded, _ = _load([WEB / "boilerplate-only.html"])
    assert loaded[0].article is None and "no article text" in loaded[0].error


# ----------------------------------------------------------------------------------------- URLs and feeds


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with running() as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    settings = FetchSettings(allow_private=True, host_delay=0, retries=0, connect_timeout=2, read_timeout=2)
    with Fetcher(settings) as f:
        yield f


def test_an_article_url_and_a_feed_of_them(server: LocalServer, fetcher: Fetcher) -> None:
    news = server.serve("/news", _page(NEWS))
    cake = server.serve("/cake", _page(RECIPE, "Cake"))
    missing = server.url("/gone")
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in (news, cake, missing))
    feed = server.serve(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode(),
        "application/rss+xml",
    )
    loaded, stats = _load([news], fetcher=fetcher)
    assert loaded[0].article is not None and loaded[0].article.url.endswith("/news")
    loaded, stats = _load([feed], fetcher=fetcher, prefilter=Prefilter.for_languages(("en",)))
    assert [item.origin for item in loaded] == [news, cake, missing]
    assert loaded[0].relevant and loaded[0].article is not None
    assert not loaded[1].relevant
    assert loaded[2].error and "http-404" in loaded[2].error
    assert stats.failed == {"http-404": 1}


def test_a_url_to_a_private_address_is_refused_without_allow_private(server: LocalServer) -> None:
    news = server.serve("/news", _page(NEWS))
    with Fetcher(FetchSettings(host_delay=0, retries=0)) as strict:
        loaded, _ = _load([news], fetcher=strict)
    assert loaded[0].article is None and "blocked-private-address" in loaded[0].error


def test_a_non_html_url_is_reported(server: LocalServer, fetcher: Fetcher) -> None:
    pdf = server.serve("/doc.pdf", b"%PDF-1.4 ...", "application/pdf")
    loaded, _ = _load([pdf], fetcher=fetcher)
    assert loaded[0].error and loaded[0].error.startswith("not-html")
