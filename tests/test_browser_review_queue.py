"""The review queue (/review) and the add-event form in a real browser (see test_browser.py for how browser
tests run here): events least certain first, the keyboard flow (c confirm, x reject, j next, o open),
the running count of reviews since training, the audit log entries, and an analyst adding a missed event."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from test_browser import browser  # noqa: F401  (the fixture)
from webui_support import CHEAP_HASHER, PASSWORD, add_user, browser_tab, serve_app

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import accounts, connect, event_history, session
from civicwatch.store.models import Event

TEXT = (
    "Court fines Alpha Watch\n\n"
    "A district court fined the rights group Alpha Watch on Monday. "
    "Police searched the office of Beta News the same day. "
    "Prosecutors also opened a case against the blogger Gamma Ray. "
    "Unknown men set fire to the car of the Delta Fund director."
)
# target, confidence: the queue shows them nearest the 0.5 boundary first: Beta (0.52), Gamma (0.61), Alpha (0.97)
EVENTS = (("sanction", "fine", "Alpha Watch", 0.97), ("prosecution", "raid", "Beta News", 0.52))
EVENTS += (("prosecution", "criminal_case", "Gamma Ray", 0.61),)


def _event(kind: str, subtype: str, target: str, confidence: float) -> EventIn:
    sentence = next(s for s in TEXT.split(". ") if target in s)
    start = TEXT.index(sentence)
    return EventIn(
        type=kind, subtype=subtype, status="occurred", targets=[target], evidence=sentence,
        evidence_start=start, evidence_end=start + len(sentence), confidence=confidence,
    )  # fmt: skip


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'civicwatch.db'}"
    engine = connect(url)
    article = ArticleIn(text=TEXT, published=date(2024, 3, 5), source="/a.txt", language="en")
    events = [_event(*e) for e in EVENTS]
    assert [r.status for r in ingest_results(engine, [FileResult(Path("/a.txt"), article=article, events=events)])] == [
        "stored"
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "password_hasher", CHEAP_HASHER)
        add_user(engine)
        with serve_app(url) as base:
            try:
                yield type("Server", (), {"url": base, "engine": engine})
            finally:
                engine.dispose()


@pytest.fixture
def page(browser, server):  # noqa: F811
    with browser_tab(browser, server.url) as tab:
        yield tab


def _log_in(page, server, path: str) -> None:
    page.goto(server.url + path)
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + path)


def _ids(server) -> dict[str, int]:
    with session(server.engine) as s:
        return {e.targets[0]: e.id for e in s.scalars(select(Event))}


def test_review_queue_keyboard_flow(page, server):
    ids = _ids(server)
    _log_in(page, server, "/review")
    items = page.locator(".queue-item")
    assert [int(x) for x in items.evaluate_all("els => els.map(e => e.dataset.eventId)")] == [
        ids["Beta News"],
        ids["Gamma Ray"],
        ids["Alpha Watch"],
    ]  # least certain first
    assert page.locator("#since-training").inner_text() == "0"
    assert page.locator(".queue-item.current").get_attribute("data-event-id") == str(ids["Beta News"])

    page.keyboard.press("c")  # confirm Beta, move to Gamma
    page.wait_for_selector(f"#queue-{ids['Beta News']}.done-confirmed")
    assert page.locator("#since-training").inner_text() == "1"
    assert page.locator(".queue-item.current").get_attribute("data-event-id") == str(ids["Gamma Ray"])
    page.keyboard.press("j")  # skip Gamma
    assert page.locator(".queue-item.current").get_attribute("data-event-id") == str(ids["Alpha Watch"])
    page.keyboard.press("x")  # reject Alpha
    page.wait_for_selector(f"#queue-{ids['Alpha Watch']}.done-rejected")
    assert page.locator("#since-training").inner_text() == "2"
    assert page.locator("#queue-status").inner_text() == f"Event {ids['Alpha Watch']} rejected."
    page.keyboard.press("k")  # back to Gamma, the one left
    assert page.locator(".queue-item.current").get_attribute("data-event-id") == str(ids["Gamma Ray"])

    with session(server.engine) as s:  # the audit log has both reviews, by anna
        assert [(h.action, h.username) for h in event_history(s, ids["Beta News"])] == [("confirm", "anna")]
        assert [(h.action, h.after) for h in event_history(s, ids["Alpha Watch"])] == [
            ("reject", {"review_state": "rejected"})
        ]
        assert event_history(s, ids["Gamma Ray"]) == []

    page.reload()  # reviewed events leave the queue; the count stays
    assert page.locator(".queue-item").count() == 1
    assert page.locator("#since-training").inner_text() == "2"
    page.keyboard.press("o")
    page.wait_for_url(f"{server.url}/events/{ids['Gamma Ray']}")
    assert page.errors == []


def test_add_a_missed_event(page, server):
    _log_in(page, server, "/articles/1/add")
    page.get_by_label("Unknown men set fire to the car of the Delta Fund director.").check()
    page.get_by_label("Type", exact=True).select_option("attack")
    page.get_by_label("Subtype").select_option("arson")
    page.get_by_label("Targets, one per line").fill("Delta Fund")
    page.get_by_label("Date (EDTF)").fill("2024-03-04")
    page.get_by_label("Why (kept in the history)").fill("missed by the extractor")
    page.get_by_role("button", name="Add the event").click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    assert page.locator(".flash-ok").inner_text() == "Event added."
    event_id = int(page.url.rsplit("/", 1)[1])
    with session(server.engine) as s:
        event = s.get(Event, event_id)
        assert (event.type, event.subtype, event.targets, event.date) == (
            "attack",
            "arson",
            ["Delta Fund"],
            "2024-03-04",
        )
        assert event.evidence == "Unknown men set fire to the car of the Delta Fund director."
        assert event.review_state == "confirmed"
        ((action, user, note),) = [(h.action, h.username, h.note) for h in event_history(s, event_id)]
        assert (action, user, note) == ("add", "anna", "missed by the extractor")
    # a wrong subtype: the form comes back with the reason and what was typed
    page.goto(server.url + "/articles/1/add")
    page.get_by_label("Police searched the office of Beta News the same day.").check()
    page.get_by_label("Type", exact=True).select_option("sanction")
    page.get_by_label("Subtype").select_option("raid")
    page.get_by_label("Targets, one per line").fill("Beta News")
    page.get_by_role("button", name="Add the event").click()
    assert "subtype 'raid' is not one of type 'sanction'" in page.locator(".flash-error").inner_text()
    assert page.get_by_label("Targets, one per line").input_value() == "Beta News"
    assert page.errors == []
