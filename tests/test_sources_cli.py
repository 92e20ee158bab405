"""`civicwatch ingest` on archives, pages and feeds, and `civicwatch watch`: the real CLI, a real
SQLite file, and HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from local_server import LocalServer
from sqlalchemy import func, select
from test_inputs import NEWS, RECIPE, _page, _warc, server  # noqa: F401  (fixture)
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.store import connect
from civicwatch.store.models import Article

runner = CliRunner()


def _articles(db: str) -> int:
    engine = connect(db)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return int(count or 0)


def test_ingest_a_warc_keeps_the_civic_page_and_counts_failures(tmp_path: Path) -> None:
    warc = _warc(
        tmp_path / "crawl.warc.gz",
        [("https://example.org/news", _page(NEWS)), ("https://example.org/cake", _page(RECIPE, "Cake"))],
    )
    truncated = tmp_path / "broken.warc.gz"
    truncated.write_bytes(warc.read_bytes()[:-40])
    db = str(tmp_path / "events.db")
    result = runner.invoke(app, ["ingest", str(warc), str(truncated), "--db", db, "--quiet"])
    assert result.exit_code == 1, result.output  # the truncated archive failed
    # 4 pages read: the recipe screened out, the news page stored once (again in the broken copy)
    assert "4 inputs: 3 relevant, 1 stored" in result.stderr and "1 already stored" in result.stderr
    assert "1 failed (truncated-record: 1)" in result.stderr  # counted by the reason's kind
    assert "error:" in result.stderr and "broken.warc.gz" in result.stderr
    assert _articles(db) == 1  # the civic page, once; the recipe was never extracted


def test_ingest_a_feed_url_and_watch_it(tmp_path: Path, server: LocalServer) -> None:  # noqa: F811
    news = server.serve("/news", _page(NEWS))
    items = f"<item><title>t</title><link>{news}</link><guid>n1</guid></item>"
    feed = server.serve(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode(),
        "application/rss+xml",
    )
    db = str(tmp_path / "events.db")
    refused = runner.invoke(app, ["ingest", feed, "--db", db])
    assert refused.exit_code == 1 and "blocked-private-address" in refused.stderr  # the SSRF guard
    state = tmp_path / "seen.json"
    first = runner.invoke(app, ["watch", feed, "--once", "--allow-private", "--db", db, "--state", str(state)])
    assert first.exit_code == 0, first.output
    assert "1 stored" in first.stderr and _articles(db) == 1
    assert news in json.loads(state.read_text()).__repr__()
    second = runner.invoke(app, ["watch", feed, "--once", "--allow-private", "--db", db, "--state", str(state)])
    assert second.exit_code == 0 and "0 inputs" in second.stderr  # nothing new across restarts


def test_watch_rejects_a_bad_interval(tmp_path: Path) -> None:
    result = runner.invoke(app, ["watch", "https://example.org/rss", "--every", "soon", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "--every" in result.stderr
