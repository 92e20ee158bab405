"""The server-rendered pages, with the in-process client, on SQLite and PostgreSQL: real articles through the
real extractor, every page, filters, highlights, 404s, security headers, and hostile article text."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import BACKENDS, _fresh_database
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from webui_support import ingest_real_articles, store_hostile_article

from civicwatch.store import connect
from civicwatch.store.browse import EventQuery, search_events
from civicwatch.store.models import Article, Entity, Event, Mention
from civicwatch.web.app import create_app
from civicwatch.web.pages import highlight

HTML = {"accept": "text/html"}
MEMORIAL_HRC = "memorial-hrc"  # the samples' Memorial Human Rights Centre (the alias table keeps it apart)


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """(client, engine) over a database holding real articles, made once per backend."""
    with _fresh_database(request.param, tmp_path_factory.mktemp("site")) as url:
        engine = connect(url)
        ingest_real_articles(engine)
        with TestClient(create_app(url)) as client:
            yield client, engine
        engine.dispose()


def ids(engine, model) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(model.id).order_by(model.id)))


def test_every_page_renders_for_real_articles(site):
    client, engine = site
    for path in ["/", "/events", "/login"]:
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    event_ids, article_ids, entity_ids = ids(engine, Event), ids(engine, Article), ids(engine, Entity)
    assert event_ids and article_ids and entity_ids
    for path in [f"/events/{i}" for i in event_ids] + [f"/articles/{i}" for i in article_ids]:
        assert client.get(path, headers=HTML).status_code == 200, path
    for path in [f"/entities/{i}" for i in entity_ids]:
        assert client.get(path, headers=HTML).status_code == 200, path


def test_dashboard_has_the_chart_latest_events_and_targets(site):
    client, engine = site
    html = client.get("/").text
    assert '<svg class="chart" id="events-chart"' in html
    bars = re.findall(r'<rect class="bar fill-(\w+)" data-type="(\w+)"[^>]*height="([\d.]+)"', html)
    assert bars and all(float(height) > 0 for _, _, height in bars)
    assert re.search(r"<title>\d{4}(-\d\d)?: \d+ \w+ events?</title>", html)  # a tooltip per bar segment
    assert 'class="legend"' in html
    with Session(engine) as session:
        newest = search_events(session, EventQuery(order="newest", date_to=date.today(), limit=1)).rows[0]
        memorial = session.scalar(select(Entity).where(Entity.key == MEMORIAL_HRC))
    assert f'href="/events/{newest.id}"' in html  # latest events: the newest by their own date
    assert memorial is not None and f'href="/entities/{memorial.id}"' in html  # most targeted


def test_event_page_shows_fields_sources_evidence_and_links(site):
    client, engine = site
    with Session(engine) as session:
        mention = session.scalar(select(Mention).where(Mention.type == "sanction").limit(1))
        event = session.get(Event, mention.event_id)
        title = session.get(Article, mention.article_id).title
    html = client.get(f"/events/{event.id}").text
    assert "sanction" in html and "fine" in html
    assert f'href="/articles/{mention.article_id}#event-{event.id}"' in html  # the sentence in its article
    assert escape(title) in html
    assert f"<mark><bdi>{escape(mention.evidence)}</bdi></mark>" in html
    assert "Review history" in html and "Not reviewed yet" in html
    assert 'action="/events/' not in html  # anonymous visitors get no review forms


def test_article_page_highlights_each_event_like_displacy(site):
    client, engine = site
    with Session(engine) as session:
        article = session.scalar(select(Article).where(Article.event_count > 0).limit(1))
        mentions = session.scalars(select(Mention).where(Mention.article_id == article.id)).all()
    html = client.get(f"/articles/{article.id}").text
    for mention in mentions:
        assert f'id="event-{mention.event_id}"' in html
        assert f'<a class="label" href="/events/{mention.event_id}"' in html
    first = min(mentions, key=lambda m: m.evidence_start)
    assert re.search(rf'<mark id="event-\d+" class="type-mark-{first.type}">', html)


def test_entity_page_shows_aliases_registry_and_timeline(site):
    client, engine = site
    with Session(engine) as session:
        memorial = session.scalar(select(Entity).where(Entity.key == MEMORIAL_HRC))
        aliases = [a.name for a in memorial.aliases]
    html = client.get(f"/entities/{memorial.id}").text
    assert "Names" in html and "Official registers" in html and "Timeline" in html
    for alias in aliases:
        assert escape(alias) in html
    assert '<ol class="timeline">' in html and 'href="/events/' in html


def test_event_list_filters_search_and_pages(site):
    client, engine = site
    everything = client.get("/events").text
    total = int(re.search(r'id="result-count">(\d+) event', everything).group(1))
    assert total == len(ids(engine, Event))

    sanctions = client.get("/events", params={"type": "sanction"}).text
    assert 'class="badge type type-sanction"' in sanctions
    assert "type-designation" not in re.search(r"<tbody>(.*)</tbody>", sanctions, re.S).group(1)
    links = set(re.findall(r'href="(/api/events\.\w+\?type=sanction|/feed\.atom\?type=sanction)"', sanctions))
    assert len(links) == 4  # CSV, JSON Lines, Parquet, Atom: the same filter
    for link in links:
        assert client.get(link).status_code == 200, link

    found = client.get("/events", params={"q": "liquidation"}).text
    assert 0 < int(re.search(r'id="result-count">(\d+) event', found).group(1)) < total

    with Session(engine) as session:
        memorial = session.scalar(select(Entity).where(Entity.key == MEMORIAL_HRC))
    of_memorial = client.get("/events", params={"entity": str(memorial.id)}).text
    assert 0 < int(re.search(r'id="result-count">(\d+) event', of_memorial).group(1)) < total

    unreviewed = client.get("/events", params={"review_state": "unreviewed", "date_from": "", "country": ""})
    assert unreviewed.status_code == 200  # empty GET fields (no JavaScript) are no filter
    assert f'id="result-count">{total} event' in unreviewed.text

    bad = client.get("/events", params={"date_from": "yesterday", "limit": "many"}).text
    assert "is not a date" in bad and "is not a number" in bad

    first = client.get("/events", params={"limit": "2"}).text
    next_link = re.search(r'href="(/events\?[^"]*cursor=[^"]+)" rel="next"', first).group(1)
    second = client.get(next_link.replace("&amp;", "&")).text
    rows = re.compile(r'<td><a href="/events/(\d+)">')
    assert len(rows.findall(first)) == 2 and len(rows.findall(second)) == 2
    assert not set(rows.findall(first)) & set(rows.findall(second))


def test_missing_things_answer_404_pages(site):
    client, _ = site
    for path in ["/events/999999", "/entities/999999", "/articles/999999", "/no/such/page"]:
        response = client.get(path, headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "404" in response.text and "Not Found" in response.text
    assert client.get("/events/abc", headers=HTML).status_code == 404  # not an id: names nothing


def test_pages_send_security_headers(site):
    client, _ = site
    for path in ["/", "/events", "/login", "/events/999999"]:
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_static_assets_are_served_by_the_app(site):
    client, _ = site
    html = client.get("/").text
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in re.sub(r'href="http[^"]*"', "", html.split("<main")[0])  # no CDN in the head


# ---------------------------------------------------------------------------------------- hostile input


def test_hostile_article_text_is_escaped_everywhere(store_engine):
    article_id, event_id = store_hostile_article(store_engine)
    client = TestClient(create_app(store_engine.url.render_as_string(hide_password=False)))
    for path in ["/", "/events", f"/events/{event_id}", f"/articles/{article_id}"]:
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert not re.search(r'(href|src|action)="\s*javascript:', html, re.I), path  # shown, never a link
    article = client.get(f"/articles/{article_id}").text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in article
    assert re.search(
        r'<mark id="event-\d+" class="type-mark-sanction"><bdi>The court fined the &lt;script&gt;', article
    )


def test_highlight_segments_cover_the_text_once():
    from civicwatch.store.browse import ArticleMention

    text = "One. Two fined. Three raided. Four."

    def mention(event_id: int, evidence: str, start: int | None = None) -> ArticleMention:
        start = text.index(evidence) if start is None else start
        return ArticleMention(event_id, event_id, "sanction", "fine", "occurred", None, ["X"], None, evidence,
                              start, start + len(evidence), 0.9, False)  # fmt: skip

    segments = highlight(
        text,
        [
            mention(1, "Two fined."),
            mention(2, "Two fined."),  # a second event of the same sentence: one highlight, two labels
            mention(3, "fined. Three"),  # overlaps: left unhighlighted
            mention(4, "Three raided.", start=0),  # stale offsets: found by its text
            mention(5, "not in the text", start=0),
        ],
    )
    assert "".join(s.text for s in segments) == text
    marked = [(s.text, [m.event_id for m in s.mentions]) for s in segments if s.mentions]
    assert marked == [("Two fined.", [1, 2]), ("Three raided.", [4])]


def test_chart_stacks_types_per_month_and_switches_to_years_over_long_spans():
    from civicwatch.web.chart import MAX_MONTHS, stacked_bars

    chart = stacked_bars([("2021-01", "designation", 3), ("2021-03", "sanction", 2), ("2021-03", "designation", 1)])
    assert chart.period == "month" and chart.total == 6 and chart.types == ["designation", "sanction"]
    assert [label.text for label in chart.labels] == ["2021-01", "2021-02", "2021-03"]  # empty months stay
    march = [s for s in chart.segments if s.title.startswith("2021-03")]
    assert [s.type for s in march] == ["designation", "sanction"]
    assert march[1].y + march[1].height == march[0].y  # stacked: the second sits on the first
    assert march[0].height == chart.segments[0].height / 3  # heights are proportional to counts
    assert chart.ticks[-1].label == "4" and chart.plot_bottom - chart.segments[0].y > 0

    years = stacked_bars([("2012-01", "law", 1), (f"{2012 + MAX_MONTHS // 12 + 1}-06", "law", 2)])
    assert years.period == "year" and years.labels[0].text == "2012"
    assert stacked_bars([]).total == 0 and stacked_bars([]).segments == []


def test_security_headers_middleware_covers_static_files_and_the_api(tmp_path):
    from civicwatch.web.security import SecurityHeadersMiddleware

    app = create_app(f"sqlite:///{tmp_path / 'civicwatch.db'}")
    app.add_middleware(SecurityHeadersMiddleware)
    client = TestClient(app)
    for path in ["/static/style.css", "/api/events", "/api/nothing-here", "/"]:
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
    docs = client.get("/api/docs").headers
    assert "content-security-policy" not in docs and docs["x-frame-options"] == "DENY"
