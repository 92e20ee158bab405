"""Stored articles keep the page's own title (trafilatura's metadata: <title>, og:title), tested on real saved
pages from ../shared/bench/web-pages.warc.gz; the first short line of the text is only a fallback."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import select

from civicwatch.model import Article
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.sources.files import SourceError
from civicwatch.sources.html import article_from_html, decode_html
from civicwatch.sources.warc import article_from_page, iter_warc_pages
from civicwatch.store import session
from civicwatch.store.models import Article as StoredArticle

WARC = Path(__file__).resolve().parents[2] / "shared" / "bench" / "web-pages.warc.gz"
PAGES = 25


def page_titles(html: bytes) -> set[str]:
    """What the page itself calls its title: <title> and og:title (whitespace folded)."""
    tree = lxml.html.fromstring(decode_html(html)[0])
    found = tree.xpath("//title/text()") + tree.xpath("//meta[@property='og:title']/@content")
    return {" ".join(text.split()) for text in found if text.strip()}


@pytest.mark.skipif(not WARC.exists(), reason="needs ../shared/bench/web-pages.warc.gz")
def test_stored_titles_come_from_the_saved_pages(store_engine) -> None:
    results, titles = [], {}
    for page in iter_warc_pages(WARC):
        if isinstance(page, SourceError):
            continue
        try:
            article = article_from_page(page)
        except SourceError:
            continue
        titles[article.url] = page_titles(page.html)
        results.append(FileResult(Path(page.url), article=article, events=[]))
        if len(results) == PAGES:
            break
    stored_results = list(ingest_results(store_engine, results))
    assert all(r.ok for r in stored_results), [r.reason for r in stored_results if not r.ok]
    with session(store_engine) as s:
        stored = s.execute(select(StoredArticle.url, StoredArticle.title)).all()
    assert len(stored) == PAGES
    missing = [url for url, title in stored if not title]
    assert missing == []
    # each title is the page's own, or trafilatura's reading of it (a site name trimmed off)
    for url, title in stored:
        assert any(title in own for own in titles[url]), (url, title, titles[url])


def test_a_page_without_metadata_title_falls_back_to_its_headline(store_engine) -> None:
    text = "Court fines the rights group\n\nA district court fined the group on Monday for missing labels."
    [result] = ingest_results(store_engine, [FileResult(Path("/a.txt"), article=Article(text=text), events=[])])
    assert result.ok
    with session(store_engine) as s:
        assert s.scalar(select(StoredArticle.title)) == "Court fines the rights group"


def test_html_without_a_trafilatura_title_uses_og_title() -> None:
    body = "<p>" + "A district court fined the group on Monday for missing labels on its posts. " * 3 + "</p>"
    html = f'<html><head><meta property="og:title" content="Fine for labels"></head><body>{body}</body></html>'
    assert article_from_html(html, url="https://example.org/a").title == "Fine for labels"
