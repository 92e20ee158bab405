"""Merging and splitting events in the browser and through the API, and why reports are one event, on the
event page (civicwatch.web.review, civicwatch.web.pages)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from webui_support import CHEAP_HASHER, add_user, api_token, csrf_from, log_in

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import accounts
from civicwatch.store.models import Event, Mention
from civicwatch.web.app import create_app
from civicwatch.web.pages import merge_reason


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)


def art(name: str, published: str, language: str) -> ArticleIn:
    return ArticleIn(
        text=f"Report {name}\n\nThe court liquidated the group, says {name}.",
        title=f"Report {name}",
        published=date.fromisoformat(published),
        source=f"/{name}",
        url=f"https://www.{name}.example/news/1",
        language=language,
    )


def ev(target: str, when: str | None) -> EventIn:
    return EventIn(
        type="closure",
        subtype="forced_liquidation",
        status="occurred",
        targets=[target],
        date=when,
        country="RU",
        evidence=f"The court liquidated {target}.",
    )


@pytest.fixture
def site(store_engine):
    """Event 1 from two outlets (merged by ingest), event 2 from a third (another day), and anna."""
    items = [
        (art("interfax", "2021-12-28", "ru"), [ev("Memorial", "2021-12-28")]),
        (art("meduza", "2021-12-29", "en"), [ev("Memorial", "2021-12")]),
        (art("novaya", "2021-12-30", "ru"), [ev("Memorial", "2021-12-29")]),
    ]
    results = list(ingest_results(store_engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.status == "stored" for r in results)
    add_user(store_engine)
    return store_engine


def client_for(engine) -> TestClient:
    return TestClient(create_app(engine.url.render_as_string(hide_password=False)), raise_server_exceptions=False)


def mentions_of(engine, event_id: int) -> list[int]:
    with Session(engine) as s:
        return sorted(s.scalars(select(Mention.article_id).where(Mention.event_id == event_id)))


def test_the_event_page_says_why_its_reports_are_one_event(site) -> None:
    page = client_for(site).get("/events/1").text
    assert "Merged from 2 reports" in page
    assert "interfax.example" in page and "meduza.example" in page
    assert "The first report: it made the event." in page
    assert "Merged because it names the same target: Memorial; the dates agree (2021-12 agrees with 2021-12-28)" in page
    assert "the same kind of act (closure / forced liquidation)" in page
    assert 'action="/events/1/merge"' not in page  # anonymous visitors see no forms


def test_merge_reason_words() -> None:
    assert merge_reason(None, {}) is None
    assert merge_reason({"merged_by": "anna", "note": "same raid"}, {}) == "Merged by anna (same raid)."
    reason = {
        "shared": ["kpp"],
        "dates": "published 2021-12-30: 2 days from the event's date (window 14 days for a closure)",
    }
    words = merge_reason({**reason, "subtypes": "protest/dispersal + detention/mass_detention"}, {"kpp": "KPP"})
    assert words == (
        "Merged because it names the same target: KPP; the dates are close (published 2021-12-30: 2 days from the "
        "event's date (window 14 days for a closure)); compatible acts (protest / dispersal and detention / mass "
        "detention)."
    )


def test_merge_split_and_undo_in_the_browser(site) -> None:
    client = client_for(site)
    assert log_in(client).status_code == 303
    page = client.get("/events/1").text
    token = csrf_from(page)
    assert 'action="/events/1/merge"' in page and 'action="/events/1/split"' in page

    refused = client.post("/events/1/merge", data={"value": "1", "csrf_token": token})
    assert refused.status_code == 422 and "cannot be merged into itself" in refused.text
    assert client.post("/events/1/merge", data={"value": "2"}).status_code == 403  # no CSRF token

    done = client.post("/events/1/merge", data={"value": "2", "note": "one act", "csrf_token": token})
    assert done.status_code == 200 and "Events merged." in done.text
    assert mentions_of(site, 1) == [1, 2, 3] and mentions_of(site, 2) == []
    assert "Merged by anna (one act)." in done.text and "Merged from 3 reports" in done.text
    merged_page = client.get("/events/2").text
    assert 'id="merged-into"' in merged_page and 'href="/events/1"' in merged_page
    undo_id = re.search(r'action="/events/1/undo".*?name="value" value="(\d+)"', done.text, re.S)
    assert undo_id

    undone = client.post("/events/1/undo", data={"value": undo_id.group(1), "csrf_token": token})
    assert undone.status_code == 200 and "Undone." in undone.text
    assert mentions_of(site, 1) == [1, 2] and mentions_of(site, 2) == [3]
    assert 'action="/events/1/undo"' not in undone.text  # undone once

    split = client.post("/events/1/split", data={"value": "2", "csrf_token": token}, follow_redirects=False)
    assert split.status_code == 303
    with Session(site) as s:
        new = s.scalar(select(Mention.event_id).where(Mention.article_id == 2))
        assert new not in (1, 2) and s.get(Event, 1).source_count == 1
    history = client.get("/events/1").text
    assert "<strong>split</strong> by <bdi>anna</bdi>" in history


def test_merge_api(site) -> None:
    client = client_for(site)
    bearer = {"Authorization": f"Bearer {api_token(site)}"}
    assert client.post("/api/events/1/merge", json={"other": 2}).status_code in (401, 403)  # no token
    merged = client.post("/api/events/1/merge", json={"other": 2, "note": "same"}, headers=bearer)
    assert merged.status_code == 200
    body = merged.json()
    assert body["data"]["event"]["sources"] == 3 and body["history"][-1]["action"] == "merge"
    reasons = [m["merged_because"] for m in body["data"]["event"]["mentions"]]
    assert reasons[0] is None and reasons[2]["merged_by"] == "anna"
    with Session(site) as s:
        assert (s.get(Event, 2).merged_into, s.get(Event, 2).review_state) == (1, "merged")

    again = client.post("/api/events/2/merge", json={"other": 1}, headers=bearer)
    assert again.status_code == 422 and "merged into event 1" in again.text
    wrong = client.post("/api/events/2/undo", json={"audit_id": body["history"][-1]["id"]}, headers=bearer)
    assert wrong.status_code == 422
    undone = client.post("/api/events/1/undo", json={"audit_id": body["history"][-1]["id"]}, headers=bearer)
    assert undone.status_code == 200 and undone.json()["data"]["event"]["sources"] == 2

    split = client.post("/api/events/1/split", json={"article_id": 1}, headers=bearer)
    assert split.status_code == 200
    new = split.json()["new_event"]
    assert mentions_of(site, new) == [1] and mentions_of(site, 1) == [2]
    assert client.post("/api/events/1/split", json={"article_id": 2}, headers=bearer).status_code == 422
    assert client.post("/api/events/1/split", json={"article_id": 2, "x": 1}, headers=bearer).status_code == 422
