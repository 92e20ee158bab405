"""The pages of issue 14 in a real browser (see test_browser.py for how browser tests run here): the chart's
undated bar and its legend of every type, the map of events by country and its links, the event list's
evidence and confidence columns, linked targets, pages both ways and ISO date fields."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from test_browser import browser  # noqa: F401  (the fixture)
from webui_support import browser_tab, ingest_real_articles, serve_app

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import connect
from civicwatch.web.chart import TYPE_ORDER

UNDATED = "The parliament of Freedonia adopted a law on foreign funding, a rights group said."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn server over real articles and one undated event (a law, in Kazakhstan)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'civicwatch.db'}"
    engine = connect(url)
    ingest_real_articles(engine)
    article = ArticleIn(text=f"Undated\n\n{UNDATED}", published=date(2024, 1, 2), source="/undated.txt", language="en")
    law = EventIn(type="law", subtype="adopted", status="occurred", targets=["law on foreign funding"],
                  evidence=UNDATED, country="KZ", confidence=0.9)  # fmt: skip
    [result] = ingest_results(engine, [FileResult(Path("/undated.txt"), article=article, events=[law])])
    assert result.status == "stored", result.reason
    engine.dispose()
    with serve_app(url) as base:
        yield type("Server", (), {"url": base})


@pytest.fixture
def page(browser, server):  # noqa: F811
    with browser_tab(browser, server.url) as tab:
        yield tab


def test_the_chart_draws_undated_events_as_a_bar_of_their_own(page, server):
    page.goto(server.url + "/")
    undated = page.locator("#events-chart rect.bar.undated")
    dated = page.locator("#events-chart rect.bar:not(.undated)")
    assert undated.count() >= 1 and dated.count() >= 1
    boxes = [undated.nth(i).bounding_box() for i in range(undated.count())]
    assert all(box and box["width"] > 0 and box["height"] > 0 for box in boxes)
    rightmost_dated = max(b["x"] + b["width"] for b in (dated.nth(i).bounding_box() for i in range(dated.count())))
    assert min(box["x"] for box in boxes) > rightmost_dated  # after the dated bars, set apart
    assert page.locator("#events-chart text.undated-label").text_content() == "undated"
    assert "no month known" in page.locator("#events-chart rect.bar.undated title").first.text_content()
    assert "undated" in page.locator(".chart-note").inner_text()
    legend = [item.split()[0] for item in page.locator(".legend li").all_inner_texts()]
    assert legend == list(TYPE_ORDER)  # reaction included, and types without events
    for index in range(len(TYPE_ORDER)):
        swatch = page.locator(".legend .swatch").nth(index).bounding_box()
        assert swatch and swatch["width"] > 0
    assert page.errors == [] and page.elsewhere == []


def test_the_map_shades_countries_and_links_them_to_their_events(page, server):
    page.goto(server.url + "/")
    page.locator("header nav").get_by_role("link", name="Map").click()
    page.wait_for_url(server.url + "/map")
    world = page.locator("#world-map")
    box = world.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 300
    russia = page.locator('#world-map a[data-country="RU"] path')
    shape = russia.bounding_box()
    assert shape and shape["width"] > 50  # drawn large, as Russia is
    blank = page.evaluate("getComputedStyle(document.querySelector('#world-map path.c0')).fill")
    shaded = page.evaluate("""getComputedStyle(document.querySelector('#world-map a[data-country="RU"] path')).fill""")
    assert shaded != blank and shaded not in ("", "none", "rgb(0, 0, 0)")
    assert page.locator('#world-map a[data-country="FR"]').count() == 0  # no events: not a link
    count = int(
        re.search(r"(\d+) events?", page.locator('#world-map a[data-country="RU"]').get_attribute("aria-label"))[1]
    )
    page.locator('#world-map a[data-country="RU"]').click()
    page.wait_for_url(re.compile(r"/events\?country=RU$"))
    assert page.locator("#result-count").inner_text() == f"{count} event{'s' if count != 1 else ''}"
    assert page.locator('#country option[value="RU"]').get_attribute("selected") is not None
    assert "CC BY 4.0" in page.goto(server.url + "/map").text()
    assert page.errors == [] and page.elsewhere == []  # no script errors, nothing fetched from elsewhere


def test_the_event_list_shows_evidence_confidence_linked_targets_and_pages_both_ways(page, server):
    page.goto(server.url + "/events?limit=3")
    headers = page.locator("#event-table thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers][:8] == [
        "date", "event", "targets", "actor", "country", "evidence", "confidence", "sources"
    ]  # fmt: skip
    first = page.locator("#event-table tbody tr").first
    assert len(first.locator("td.evidence").inner_text()) > 20
    assert re.fullmatch(r"[01]\.\d\d", first.locator("td.confidence").inner_text())
    rows = page.locator("#event-table tbody tr td:nth-child(2) a")
    page_one = rows.all_inner_texts()
    ids_one = [rows.nth(i).get_attribute("href") for i in range(rows.count())]

    page.get_by_role("link", name=re.compile("Next 3")).click()
    page.wait_for_url(re.compile(r"cursor="))
    ids_two = [rows.nth(i).get_attribute("href") for i in range(rows.count())]
    assert ids_two and not set(ids_one) & set(ids_two)
    page.get_by_role("link", name=re.compile("Previous 3")).click()
    page.wait_for_url(re.compile(r"cursor="))
    assert [rows.nth(i).get_attribute("href") for i in range(rows.count())] == ids_one
    assert rows.all_inner_texts() == page_one

    target = page.locator("#event-table td.targets a").first
    name = target.inner_text()
    target.click()
    page.wait_for_url(re.compile(r"/entities/\d+$"))
    assert name in page.locator("h1").inner_text()
    assert page.locator("#timeline-chart rect.bar").count() >= 1  # the entity's timeline chart
    assert page.errors == []


def test_the_date_filters_take_iso_dates_as_typed(page, server):
    page.goto(server.url + "/events")
    field = page.locator("#date_from")
    assert field.get_attribute("type") == "text" and field.get_attribute("placeholder") == "yyyy-mm-dd"
    field.fill("12/28/2021")  # not ISO: the browser's own check stops the form
    page.get_by_role("button", name="Filter").click()
    assert page.evaluate("document.querySelector('#date_from').validity.patternMismatch") is True
    assert "date_from" not in page.url
    field.fill("2021-12-01")
    page.locator("#date_to").fill("2021-12-31")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"date_from=2021-12-01&date_to=2021-12-31"))
    assert page.locator("#date_from").input_value() == "2021-12-01"
    dates = page.locator("#event-table tbody td.nowrap").all_inner_texts()
    assert dates and all(d.startswith("2021-12") for d in dates)
    assert page.errors == []
