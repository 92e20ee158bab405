"""Feeds: RSS and Atom through the Fetcher, broken feeds, and the seen-items state file."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local_server import LocalServer, running

from civicwatch.sources import feeds
from civicwatch.sources.feeds import FeedItem, FeedState, parse_feed, read_feed
from civicwatch.sources.fetch import Fetcher, FetchError, FetchSettings
from civicwatch.sources.files import SourceError

SETTINGS = FetchSettings(
    connect_timeout=1.0, read_timeout=1.0, retries=0, host_delay=0.0, respect_robots=False, allow_private=True
)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Civic news</title>
    <link>https://news.example/</link>
    <item>
      <title>Фонд внесён в реестр</title>
      <link>/2024/03/fund-listed</link>
      <guid isPermaLink="false">news-1001</guid>
      <pubDate>Mon, 04 Mar 2024 13:00:00 +0300</pubDate>
    </item>
    <item>
      <title>  Court fines newspaper  </title>
      <link>https://news.example/2024/03/fine</link>
    </item>
  </channel>
</rss>
""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Watch</title>
  <id>urn:uuid:feed</id>
  <updated>2024-05-02T10:00:00Z</updated>
  <entry>
    <title>NGO liquidated</title>
    <id>urn:uuid:entry-1</id>
    <link rel="alternate" href="https://watch.example/ngo-liquidated"/>
    <link rel="edit" href="https://watch.example/edit/1"/>
    <published>2024-05-01T08:30:00+02:00</published>
    <updated>2024-05-02T10:00:00Z</updated>
  </entry>
  <entry>
    <title>Only updated</title>
    <id>urn:uuid:entry-2</id>
    <link href="javascript:alert(1)"/>
    <updated>2024-05-02T09:00:00Z</updated>
  </entry>
</feed>
"""


# ----------------------------------------------------------------------------------------- test server


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with running("application/rss+xml; charset=utf-8") as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(SETTINGS) as f:
        yield f


# ----------------------------------------------------------------------------------------- reading


def test_rss_feed(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.serve("/rss", RSS)
    items = read_feed(url, fetcher)
    base = url.removesuffix("/rss")
    assert items == [
        FeedItem(
            link=f"{base}/2024/03/fund-listed",  # relative link resolved against the feed's URL
            title="Фонд внесён в реестр",
            published=datetime(2024, 3, 4, 10, 0, tzinfo=UTC),  # +0300 converted to UTC
            guid="news-1001",
        ),
        FeedItem(link="https://news.example/2024/03/fine", title="Court fines newspaper", published=None, guid=None),
    ]


def test_atom_feed(server: LocalServer, fetcher: Fetcher) -> None:
    items = read_feed(server.serve("/atom", ATOM, "application/atom+xml"), fetcher)
    assert items == [
        FeedItem(
            link="https://watch.example/ngo-liquidated",  # the alternate link, not the edit link
            title="NGO liquidated",
            published=datetime(2024, 5, 1, 6, 30, tzinfo=UTC),
            guid="urn:uuid:entry-1",
        ),
        FeedItem(  # no published date: the updated one; a javascript: link is no link
            link=None,
            title="Only updated",
            published=datetime(2024, 5, 2, 9, 0, tzinfo=UTC),
            guid="urn:uuid:entry-2",
        ),
    ]


def test_empty_but_valid_feed_has_no_items(server: LocalServer, fetcher: Fetcher) -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert read_feed(server.serve("/quiet", body), fetcher) == []


@pytest.mark.parametrize(
    "body",
    [
        b"this is not xml <<<",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title></chan',
    ],
    ids=["garbage", "truncated"],
)
def test_invalid_feed_xml(server: LocalServer, fetcher: Fetcher, body: bytes) -> None:
    url = server.serve("/bad", body)
    with pytest.raises(FetchError) as info:
        read_feed(url, fetcher)
    assert info.value.code == "invalid-feed"
    assert info.value.url == url
    assert info.value.detail  # feedparser's reason, e.g. "syntax error"


def test_html_page_is_not_a_feed(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.serve("/page", b"<html><head><title>Home</title></head><body>hi</body></html>", "text/html")
    with pytest.raises(FetchError) as info:
        read_feed(url, fetcher)
    assert (info.value.code, info.value.detail) == ("invalid-feed", "not an RSS or Atom document")


def test_slightly_broken_feed_is_read_unless_strict() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>A & B</title></item></channel></rss>'
    assert [item.title for item in parse_feed(body, "https://news.example/rss")] == ["A & B"]
    with pytest.raises(FetchError) as info:
        parse_feed(body, "https://news.example/rss", strict=True)
    assert info.value.code == "invalid-feed"


def test_body_naming_a_local_file_is_not_read_from_disk(server: LocalServer, fetcher: Fetcher, tmp_path: Path) -> None:
    local = tmp_path / "local.rss"
    local.write_bytes(RSS)
    with pytest.raises(FetchError) as info:
        read_feed(server.serve("/trick", str(local).encode()), fetcher)
    assert info.value.code == "invalid-feed"


def test_feed_http_error_is_a_fetch_error(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as info:
        read_feed(f"http://127.0.0.1:{server.server_address[1]}/gone", fetcher)
    assert info.value.code == "http-404"


# ----------------------------------------------------------------------------------------- state

FEED = "https://news.example/rss"
ONE = FeedItem(link="https://news.example/1", title="One", published=None, guid="id-1")
TWO = FeedItem(link="https://news.example/2", title="Two", published=None, guid="id-2")


def test_state_remembers_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "state" / "feeds.json"
    first = FeedState(path)
    assert first.new_items(FEED, [ONE, TWO]) == [ONE, TWO]
    first.mark_seen(FEED, [ONE])
    first.save()

    second = FeedState(path)
    assert second.new_items(FEED, [ONE, TWO]) == [TWO]
    assert second.new_items("https://other.example/rss", [ONE]) == [ONE]  # remembered per feed
    assert [p.name for p in path.parent.iterdir()] == ["feeds.json"]  # no temporary file left behind


def test_state_matches_on_guid_or_link(tmp_path: Path) -> None:
    state = FeedState(tmp_path / "feeds.json")
    state.mark_seen(FEED, [ONE])
    moved = FeedItem(link="https://news.example/1?utm=x", title="One", published=None, guid="id-1")
    renumbered = FeedItem(link="https://news.example/1", title="One", published=None, guid="id-99")
    assert state.new_items(FEED, [moved, renumbered]) == []


def test_state_new_items_once_each_and_skips_anonymous_items(tmp_path: Path) -> None:
    state = FeedState(tmp_path / "feeds.json")
    anonymous = FeedItem(link=None, title=None, published=None, guid=None)
    assert state.new_items(FEED, [ONE, ONE, anonymous, TWO]) == [ONE, TWO]


def test_state_keeps_only_the_latest_keys(tmp_path: Path) -> None:
    state = FeedState(tmp_path / "feeds.json", max_keys_per_feed=2)
    state.mark_seen(FEED, [ONE])
    state.mark_seen(FEED, [TWO])  # pushes out ONE's two keys
    assert state.new_items(FEED, [ONE, TWO]) == [ONE]


def test_state_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feeds.json"
    state = FeedState(path)
    state.mark_seen(FEED, [ONE])
    state.save()
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    state.mark_seen(FEED, [TWO])
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        state.save()
    assert path.read_bytes() == before  # the old state survives a failed write
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.json"]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 1, "feeds": {"u": "not a list"}}'])
def test_damaged_state_file_is_an_error_not_a_reset(tmp_path: Path, content: str) -> None:
    path = tmp_path / "feeds.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError):
        FeedState(path)


def test_state_file_is_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    state = FeedState(path)
    state.mark_seen(FEED, [ONE])
    state.save()
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "version": 1,
        "feeds": {FEED: ["id-1", "https://news.example/1"]},
    }


def test_default_state_path_is_in_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert FeedState().path == tmp_path / "civicwatch" / feeds.STATE_FILE_NAME
