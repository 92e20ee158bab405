"""What the pages show (issue 14): the chart's undated bar and full legend, the map of events by country, the
event list's columns, links, pages both ways and ISO date fields, the entity timeline chart, the dashboard's
latest events by date and its most targeted without noise. Real store (tests/web_data.py), both backends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from web_data import PAGED_EVENTS, TOTAL_EVENTS, client_for, fill

from civicwatch.model import Article, Event
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import browse
from civicwatch.store.models import Entity
from civicwatch.web.chart import TYPE_ORDER, month_of, stacked_bars, timeline
from civicwatch.web.worldmap import SHADES, bounds, shaded_map, world

ROW = re.compile(r'<td><a href="/events/(\d+)">')


@pytest.fixture
def client(store_engine):
    fill(store_engine)
    return client_for(store_engine)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="(/events\?[^"]*)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


# ------------------------------------------------------------------------------------------------ chart


def test_chart_puts_events_without_a_month_in_a_last_bar_and_lists_every_type():
    chart = stacked_bars([("2021-01", "designation", 2), ("2021-02", "sanction", 1)], [("law", 3), ("reaction", 1)])
    assert chart.total == 3 and chart.undated == 4 and chart.shown == 7
    undated = [s for s in chart.segments if s.undated]
    dated = [s for s in chart.segments if not s.undated]
    assert {s.type: s.count for s in undated} == {"law": 3, "reaction": 1}
    assert all(s.title.startswith("no month known: ") for s in undated)
    assert min(s.x for s in undated) > max(s.x + s.width for s in dated)  # set apart, after the months
    assert chart.labels[-1].text == "undated" and chart.ticks[-1].label == "4"  # the axis reaches the tallest bar
    assert [entry.type for entry in chart.legend] == list(TYPE_ORDER)  # every type, even without events
    counts = {entry.type: entry.count for entry in chart.legend}
    assert counts["reaction"] == 1 and counts["law"] == 3 and counts["attack"] == 0

    alone = stacked_bars([], [("attack", 2)])  # only undated events: still a chart
    assert alone.shown == 2 and alone.total == 0 and [s.type for s in alone.segments] == ["attack"]
    assert stacked_bars([]).shown == 0 and len(stacked_bars([]).legend) == len(TYPE_ORDER)


def test_month_of_reads_only_dates_that_name_a_month():
    assert month_of("2015-07-08") == "2015-07" and month_of("2015-07") == "2015-07"
    for edtf in [None, "", "2015", "2015-22", "2015-XX", "XXXX-07-08", "2015-07/2016-01", "2015-13"]:
        assert month_of(edtf) is None, edtf
    small = timeline([("2021-03-04", "sanction"), ("2021-05", "sanction"), ("2021", "law"), (None, "attack")])
    assert small.height == 160 and small.total == 2 and small.undated == 2
    assert all(s.y + s.height <= small.plot_bottom + 0.01 for s in small.segments)  # drawn within its height


def test_dashboard_chart_shows_the_undated_event_and_every_type(client):
    html = client.get("/").text
    undated = re.findall(r'<rect class="bar fill-(\w+) undated" data-type="(\w+)"', html)
    assert undated == [("law", "law")]  # the undated law of the test data, not dropped
    assert "<title>no month known: 1 law event</title>" in html
    legend = re.findall(
        r'<li[^>]*><span class="swatch fill-\w+" aria-hidden="true"></span><a href="/events\?type=(\w+)"', html
    )
    assert legend == list(TYPE_ORDER)
    assert 'class="small muted chart-note"' in html


# -------------------------------------------------------------------------------------------------- map


def test_map_shades_countries_by_count_and_links_each_to_its_events():
    shapes = world()
    codes = {c["id"] for c in shapes["countries"]}
    assert {"RU", "BY", "KZ", "UA", "GE", "HU", "US", "FR"} <= codes and len(codes) > 200
    assert all(re.fullmatch(r"[A-Z]{2}(-[A-Z]{2})?", code) for code in codes)  # UM-.. for the outlying islands

    drawn = shaded_map({"ru": 100, "BY": 10, "KZ": 1, "ZZ": 3, "FR": 0})
    by_code = {c.code: c for c in drawn.countries}
    assert by_code["RU"].shade == SHADES and by_code["KZ"].shade == 1 and 1 < by_code["BY"].shade < SHADES
    assert by_code["RU"].url == "/events?country=RU" and by_code["FR"].url is None and by_code["FR"].shade == 0
    assert [c.code for c in drawn.ranked] == ["RU", "BY", "KZ"] and drawn.unmapped == [("ZZ", 3)]
    assert drawn.total == 114 and drawn.scale[0].label == "1–3" and drawn.scale[-1].label.endswith("–100")
    assert bounds(1) == [1] and bounds(100)[-1] == 100 and bounds(100) == sorted(set(bounds(100)))


def test_map_page_links_countries_to_their_filtered_lists(client):
    html = client.get("/map").text
    assert '<svg class="world-map" id="world-map"' in html and 'href="/map" aria-current="page"' in html
    links = dict(re.findall(r'<a href="/events\?country=(\w\w)" aria-label="[^"]*: (\d+) events?"', html))
    assert links == {"RU": "3", "BY": "1", "KZ": str(PAGED_EVENTS + 1)}
    assert "CC BY 4.0" in html and "<script" not in html.split("<main")[1]  # attributed, no script
    listed = client.get("/events", params={"country": "KZ"}).text
    assert f'id="result-count">{PAGED_EVENTS + 1} events' in listed
    assert Path(browse.__file__).parents[1].joinpath("web/data/README.md").read_text().count("CC BY 4.0") >= 1


# ----------------------------------------------------------------------------------------------- events


def test_event_list_shows_evidence_confidence_and_links_targets_to_their_pages(client, store_engine):
    html = client.get("/events", params={"type": "sanction"}).text
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert ">Evidence</th>" in head and ">Confidence</th>" in head
    with Session(store_engine) as session:
        memorial = session.scalar(select(Entity).where(Entity.name == "Memorial"))
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert f'<td class="targets"><a href="/entities/{memorial.id}"><bdi>Memorial</bdi></a></td>' in row
    assert re.search(
        r'<td class="evidence small"><a href="/articles/\d+"><bdi>A Moscow court fined Memorial\.</bdi>', row
    )
    assert '<td class="confidence">0.90</td>' in row


def test_event_list_pages_forwards_and_back(client):
    for order in ("newest", "oldest", "added"):
        html = client.get("/events", params={"limit": "4", "order": order}).text
        assert _link(html, "prev") is None  # the first page has nothing before it
        pages = [ROW.findall(html)]
        while _link(html, "next"):
            html = client.get(_link(html, "next")).text
            pages.append(ROW.findall(html))
        assert sum(len(p) for p in pages) == TOTAL_EVENTS and len(pages) == -(-TOTAL_EVENTS // 4)
        back = [ROW.findall(html)]
        while _link(html, "prev"):
            html = client.get(_link(html, "prev")).text
            back.append(ROW.findall(html))
        assert back[::-1] == pages, order  # the same pages, walked back to the first


def test_event_list_dates_are_iso_text_fields(client):
    html = client.get("/events", params={"date_from": "2019-01-01", "date_to": "2019-12-31"}).text
    for name in ("date_from", "date_to"):
        field = re.search(rf'<input [^>]*id="{name}"[^>]*>', html, re.S).group(0)
        assert (
            'type="text"' in field and 'placeholder="yyyy-mm-dd"' in field and r'pattern="\d{4}-\d{2}-\d{2}"' in field
        )
    assert 'value="2019-01-01"' in html and 'type="date"' not in html
    assert f'id="result-count">{PAGED_EVENTS} events' in html
    assert "is not a date (YYYY-MM-DD)" in client.get("/events", params={"date_from": "01/02/2019"}).text


# ----------------------------------------------------------------------------------------- entity, board


def test_entity_page_draws_a_timeline_chart(client, store_engine):
    with Session(store_engine) as session:
        memorial = session.scalar(select(Entity).where(Entity.name == "Memorial"))
    html = client.get(f"/entities/{memorial.id}").text
    chart = re.search(r'<svg class="chart" id="timeline-chart" viewBox="0 0 960 160".*?</svg>', html, re.S).group(0)
    titles = re.findall(r"<title>([^<]*)</title>", chart)
    assert "2015: 1 designation event" in titles or "2015-07: 1 designation event" in titles
    assert any(t.endswith("1 sanction event") for t in titles)


def _story(name: str, events: list[Event]) -> FileResult:
    article = Article(text=f"{name}\n\nSome text.", url=f"https://news.example/{name}", source=f"/news/{name}.txt",
                      language="en", title=name)  # fmt: skip
    return FileResult(Path(article.source), article=article, events=events)


def test_dashboard_lists_latest_by_date_and_ranks_trusted_restrictions_only(client, store_engine):
    def event(type_: str, subtype: str, target: str, when: str, confidence: float) -> Event:
        return Event(type=type_, subtype=subtype, status="occurred", targets=[target], date=when, country="RU",
                     evidence=f"{target} {subtype} {when}.", confidence=confidence)  # fmt: skip

    results = ingest_results(
        store_engine,
        [
            _story("guess", [event("sanction", "fine", "Misread Phrase", f"2018-0{n}", 0.4) for n in (1, 2, 3)]),
            _story("reactions", [event("reaction", "appeal", "Amnesty Group", f"2018-0{n}", 0.95) for n in (4, 5)]),
            _story("once", [event("sanction", "warning", "Single Mention Org", "2018-06", 0.95)]),
        ],
    )
    assert all(r.ok for r in results)
    browse.invalidate_caches()
    html = client.get("/").text
    targets = re.search(r'aria-labelledby="targets-heading">(.*?)</section>', html, re.S).group(1)
    assert "Memorial" in targets  # three trusted restrictions
    for noise in ("Misread Phrase", "Amnesty Group", "Single Mention Org"):
        assert noise not in targets, noise
    latest = re.search(r'aria-labelledby="latest-heading">(.*?)</section>', html, re.S).group(1)
    dates = re.findall(r'<div class="small muted">(\d{4}(?:-\d\d){0,2}|undated)', latest)
    assert dates[0] == "2021-12-28" and "undated" not in dates  # by event date, not by when it was stored
    assert dates == sorted(dates, reverse=True)


# --------------------------------------------------------------------------------------------- search


def test_search_pages_are_cached_until_an_event_is_added_or_reviewed(client, store_engine, monkeypatch):
    from civicwatch.store import cache

    monkeypatch.setattr(cache, "NEWEST_TTL_S", 0.0)  # the largest id is itself cached for a second

    def found() -> int:
        html = client.get("/events", params={"q": "memorial"}).text
        return int(re.search(r'id="result-count">(\d+) event', html).group(1))

    before = found()
    assert before > 0 and cache.search_pages._data  # the page is kept
    added = Event(type="attack", subtype="arson", status="occurred", targets=["Memorial"], date="2023-02-10",
                  country="AM", evidence="Unknown men set fire to a Memorial office.")  # fmt: skip
    results = ingest_results(store_engine, [_story("more", [added])])
    assert [r.ok for r in results] == [True]
    assert found() == before + 1  # a new event: stale (within NEWEST_TTL_S)
    browse.invalidate_caches()  # what a review does
    assert not cache.search_pages._data


def test_an_anonymous_search_page_is_shared_but_never_shown_to_an_analyst(client, store_engine, monkeypatch):
    from webui_support import CHEAP_HASHER, add_user, log_in

    from civicwatch.store import accounts, cache

    fresh = client.get("/events", params={"q": "memorial"})
    again = client.get("/events", params={"q": "memorial"})
    assert again.text == fresh.text and any(key[0] == "events_page" for key in cache.search_pages._data)
    for header in ("content-type", "content-security-policy", "cache-control", "x-content-type-options"):
        assert again.headers[header] == fresh.headers[header], header
    assert "set-cookie" not in again.headers

    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)
    add_user(store_engine)
    assert log_in(client).status_code == 303
    mine = client.get("/events", params={"q": "memorial"}).text
    assert "Signed in as" in mine and "Signed in as" not in fresh.text  # the analyst's own page
