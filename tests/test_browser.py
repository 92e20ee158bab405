"""The web UI in a real browser: Playwright driving Debian's Chromium against a real uvicorn server on 127.0.0.1
with a real SQLite database. Dashboard → event → its source article → back → log in → confirm → history;
the chart draws; hostile article text never runs.

Playwright never downloads a browser here: it drives /usr/bin/chromium (``apt-get install chromium``). Without
it the tests are skipped, except in CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from webui_support import (
    CHEAP_HASHER,
    PASSWORD,
    PAYLOAD,
    add_user,
    browser_tab,
    ingest_real_articles,
    serve_app,
    store_hostile_article,
)

from civicwatch.store import accounts, connect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(f"{reason}: install it with `apt-get install -y chromium` to run the browser tests")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a uvicorn server on a free port, over a SQLite database with real articles, a hostile
    article and an analyst (anna); the ids of the hostile article and its event in ``server.hostile``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'civicwatch.db'}"
    engine = connect(url)
    ingest_real_articles(engine)
    hostile = store_hostile_article(engine)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "password_hasher", CHEAP_HASHER)
        add_user(engine)
        engine.dispose()
        with serve_app(url) as base:
            yield type("Server", (), {"url": base, "hostile": hostile})


@pytest.fixture
def page(browser, server):
    with browser_tab(browser, server.url) as tab:
        tab.on("dialog", lambda dialog: (tab.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        yield tab


def test_the_chart_draws(page, server):
    page.goto(server.url + "/")
    bars = page.locator("#events-chart rect.bar")
    assert bars.count() > 0
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    legend = page.locator(".legend li")
    assert legend.count() > 0
    swatch = page.locator(".legend .swatch").first.bounding_box()
    assert swatch["width"] > 0 and swatch["height"] > 0
    # the stylesheet loaded (from the app itself) and coloured the bars
    fill = page.evaluate("getComputedStyle(document.querySelector('#events-chart rect.bar')).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    assert page.errors == []


def test_dashboard_to_event_to_article_and_review(page, server):
    page.goto(server.url + "/")
    page.locator("section[aria-labelledby=latest-heading] li a").first.click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    event_url = page.url
    event_id = event_url.rsplit("/", 1)[1]
    heading = page.locator("h1").inner_text()

    page.get_by_role("link", name="Read it in the article →").first.click()
    page.wait_for_url(re.compile(rf"/articles/\d+#event-{event_id}$"))
    mark = page.locator(f"#article-text mark#event-{event_id}, #article-text span#event-{event_id} + mark").first
    assert mark.is_visible()
    assert page.locator(f'#article-text a.label[href="/events/{event_id}"]').count() >= 1

    page.go_back()
    page.wait_for_url(event_url)
    assert page.locator("h1").inner_text() == heading
    assert page.locator("form[action$='/review']").count() == 0  # anonymous: no review buttons

    page.locator("main").get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(event_url)
    assert "Signed in as anna" in page.locator("header").inner_text()

    page.locator("#review-note").fill("seen in the <register>")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(event_url)
    assert page.locator(".flash-ok").inner_text() == "Event confirmed."
    history = page.locator("#history li").first.inner_text()
    assert history.startswith("confirm by anna")
    assert "unreviewed" in history and "confirmed" in history  # before → after
    assert "“seen in the <register>”" in history
    assert page.locator("dd .badge.state-confirmed").is_visible()
    assert page.errors == []


def test_hostile_article_never_runs_and_reads_literally(page, server):
    article_id, event_id = server.hostile
    for path in ["/", "/events", f"/events/{event_id}", f"/articles/{article_id}"]:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, path
        assert "pwned" not in page.title(), path
        assert page.locator("main script, main img").count() == 0, path
    text = page.locator("#article-text").inner_text()
    for line in PAYLOAD.strip().splitlines():
        assert line in text  # markup shown as text, not run
    source = page.locator("dl.fields").inner_text()
    assert "javascript:window.__xss=4" in source and page.locator("a[href^='javascript']").count() == 0
    page.goto(server.url + f"/events/{event_id}")
    assert '<img src=x onerror="window.__xss=5">' in page.locator("h1").inner_text()
    assert page.errors == []
