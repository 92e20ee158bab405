"""What is published: an event an analyst rejects leaves the public lists, counts, exports and the feed (which
announces the withdrawal with an RFC 6721 tombstone); analysts still list it with review_state=rejected."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from web_data import TOTAL_EVENTS, client_for, fill
from webui_support import CHEAP_HASHER, add_user, api_token

from civicwatch.store import accounts, browse
from civicwatch.store.review import review_event

ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)


@pytest.fixture
def site(store_engine):
    """The web test data with the Russian liquidation of Memorial rejected; (client, analyst's token, its id)."""
    fill(store_engine)
    add_user(store_engine)
    with client_for(store_engine) as client:
        memorial = client.get("/api/events", params={"entity": "Memorial"}).json()["data"]
        liquidation = next(e for e in memorial if e["type"] == "closure")
        before = {
            "stats": client.get("/api/stats").json(),
            "feed": client.get("/feed.atom").text,
        }
        with Session(store_engine) as session:
            review_event(session, liquidation["id"], "anna", "reject", note="not the event it claims")
            session.commit()
        browse.invalidate_caches()
        yield client, api_token(store_engine), liquidation["id"], before


def test_rejected_events_leave_lists_counts_and_exports(site) -> None:
    client, _, rejected, before = site
    listed = client.get("/api/events", params={"limit": 500}).json()
    assert listed["count"] == TOTAL_EVENTS - 1 and rejected not in {e["id"] for e in listed["data"]}
    assert client.get("/api/events", params={"entity": "Memorial"}).json()["count"] == 2
    stats = client.get("/api/stats").json()
    assert before["stats"]["most_targeted"][0]["events"] == 3
    assert stats["most_targeted"][0] == {**before["stats"]["most_targeted"][0], "events": 2}
    assert stats["totals"]["events"] == before["stats"]["totals"]["events"] - 1
    assert not any(m["month"] == "2021-12" for m in stats["per_month"])
    assert rejected not in {e["id"] for e in stats["latest"]}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events.csv").text)))
    assert len(rows) == TOTAL_EVENTS - 1 and str(rejected) not in {r["id"] for r in rows}
    entity = client.get("/api/entities", params={"name": "Memorial"}).json()["data"][0]
    assert entity["event_count"] == 2
    timeline = client.get(f"/api/entities/{entity['id']}").json()["timeline"]
    assert rejected not in {item["event"]["id"] for item in timeline}
    page = client.get("/events", params={"entity": "Memorial"}).text
    assert f"/events/{rejected}" not in page


def test_analysts_still_see_rejected_events_with_a_filter(site) -> None:
    client, token, rejected, _ = site
    refused = client.get("/api/events", params={"review_state": "rejected"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    page = client.get("/events", params={"review_state": "rejected"})
    assert page.status_code == 200 and "not published" in page.text and f"/events/{rejected}" not in page.text
    headers = {"Authorization": f"Bearer {token}"}
    analyst = client.get("/api/events", params={"review_state": "rejected"}, headers=headers).json()
    assert [e["id"] for e in analyst["data"]] == [rejected] and analyst["data"][0]["review_state"] == "rejected"
    csv_text = client.get("/api/events.csv", params={"review_state": "rejected"}, headers=headers).text
    assert [r["id"] for r in csv.DictReader(io.StringIO(csv_text))] == [str(rejected)]


def test_the_feed_withdraws_a_rejected_event_with_a_tombstone(site) -> None:
    client, _, rejected, before = site
    old_ids = [e.id for e in feedparser.parse(before["feed"]).entries]
    entry_id = f"tag:civicwatch,2024:event/{rejected}"
    assert entry_id in old_ids and all(i.startswith("tag:civicwatch,2024:event/") for i in old_ids)
    text = client.get("/feed.atom").text
    parsed = feedparser.parse(text)
    assert not parsed.bozo and entry_id not in [e.id for e in parsed.entries]
    assert len(parsed.entries) == len(old_ids) - 1
    root = ET.fromstring(text.encode())
    tombstones = root.findall(TOMBSTONE)
    assert [t.get("ref") for t in tombstones] == [entry_id]
    assert tombstones[0].get("when", "").endswith("Z") and "rejected" in "".join(tombstones[0].itertext())
    assert root.find(f"{ATOM}updated").text >= tombstones[0].get("when")  # the withdrawal updates the feed
    # a feed whose filters never matched the event has no tombstone for it
    other = ET.fromstring(client.get("/feed.atom", params={"type": "sanction"}).content)
    assert other.findall(TOMBSTONE) == []


def test_feed_ids_do_not_depend_on_the_host(store_engine) -> None:
    fill(store_engine)
    ids = []
    for base_url in ("http://testserver", "https://mirror.example"):
        with TestClient(client_for(store_engine).app, base_url=base_url) as client:
            parsed = feedparser.parse(client.get("/feed.atom", params={"country": "RU", "type": "sanction"}).text)
            ids.append((parsed.feed.id, [e.id for e in parsed.entries]))
            assert parsed.entries[0].link.startswith(base_url)  # links still lead to the page asked through
    assert ids[0] == ids[1] and ids[0][0] == "tag:civicwatch,2024:feed/events?country=RU&type=sanction"


def test_a_rejected_event_is_gone_for_the_public_and_kept_for_analysts(site) -> None:
    """Its own page and API record answer 410 Gone with when and why; analysts still read it and its history."""
    client, token, rejected, _ = site
    api = client.get(f"/api/events/{rejected}")
    assert api.status_code == 410 and api.headers["content-type"].startswith("application/json")
    error = api.json()["error"]
    assert (error["status"], error["code"]) == (410, "gone")
    assert "withdrawn" in error["message"] and "rejected" in error["message"]
    page = client.get(f"/events/{rejected}", headers={"accept": "text/html"})
    assert page.status_code == 410 and page.headers["content-type"].startswith("text/html")
    assert "withdrawn" in page.text and "not the event it claims" not in page.text  # the analyst's note stays inside
    assert "Memorial" not in page.text  # nothing of the event itself
    assert client.head(f"/events/{rejected}").status_code == 410
    # an event that was never there is still 404, and the others are still published
    assert client.get("/api/events/999999").status_code == 404
    other = client.get("/api/events", params={"limit": 1}).json()["data"][0]["id"]
    assert client.get(f"/api/events/{other}").status_code == 200
    headers = {"Authorization": f"Bearer {token}"}
    detail = client.get(f"/api/events/{rejected}", headers=headers)
    assert detail.status_code == 200 and detail.json()["review_state"] == "rejected"
    assert [h["action"] for h in detail.json()["history"]] == ["reject"]
    analyst_page = client.get(f"/events/{rejected}", headers=headers | {"accept": "text/html"})
    assert analyst_page.status_code == 200 and "not the event it claims" in analyst_page.text
    # reopened, it is published again
    reopened = client.post(f"/api/events/{rejected}/review", json={"action": "reopen"}, headers=headers)
    assert reopened.status_code == 200
    assert client.get(f"/api/events/{rejected}").status_code == 200
    assert client.get(f"/events/{rejected}").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "410" in schema["paths"]["/api/events/{event_id}"]["get"]["responses"]


def test_an_article_shows_the_public_only_its_published_events(site) -> None:
    client, token, rejected, _ = site
    headers = {"Authorization": f"Bearer {token}"}
    analyst = client.get(f"/api/events/{rejected}", headers=headers).json()
    article_id = analyst["mentions"][0]["article_id"]
    public = client.get(f"/api/articles/{article_id}").json()
    assert rejected not in {m["event_id"] for m in public["mentions"]}
    assert rejected in {
        m["event_id"] for m in client.get(f"/api/articles/{article_id}", headers=headers).json()["mentions"]
    }
    page = client.get(f"/articles/{article_id}", headers={"accept": "text/html"})
    assert page.status_code == 200 and f"/events/{rejected}" not in page.text
    assert f"/events/{rejected}" in client.get(f"/articles/{article_id}", headers=headers).text


def test_the_feed_announces_an_event_merged_into_another(store_engine) -> None:
    from sqlalchemy import select

    from civicwatch.store.merges import merge_events, undo
    from civicwatch.store.models import EventEntity, Mention
    from civicwatch.store.review import event_history

    fill(store_engine)
    with client_for(store_engine) as client:
        articles: dict[int, set[int]] = {}
        with Session(store_engine) as session:
            for event_id, article_id in session.execute(select(Mention.event_id, Mention.article_id)):
                articles.setdefault(event_id, set()).add(article_id)
        kept, gone = next((a, b) for a in articles for b in articles if a < b and not articles[a] & articles[b])
        before = {e.id: e.updated for e in feedparser.parse(client.get("/feed.atom").text).entries}
        with Session(store_engine) as session:
            merge_events(session, kept, gone, "anna", note="one act")
            session.commit()
        browse.invalidate_caches()
        text = client.get("/feed.atom").text
        parsed = feedparser.parse(text)
        tag = "tag:civicwatch,2024:event/"
        assert not parsed.bozo and f"{tag}{gone}" not in [e.id for e in parsed.entries]
        assert next(e.updated for e in parsed.entries if e.id == f"{tag}{kept}") >= before[f"{tag}{kept}"]
        [tombstone] = ET.fromstring(text.encode()).findall(TOMBSTONE)
        assert tombstone.get("ref") == f"{tag}{gone}"
        assert f"merged into event {kept} ({tag}{kept})" in "".join(tombstone.itertext())
        assert tombstone.find(f"{ATOM}link").get("href").endswith(f"/events/{kept}")
        with Session(store_engine) as session:  # an entity's feed says where the act went as well
            target = session.scalar(
                select(EventEntity.entity_id).where(EventEntity.event_id == kept, EventEntity.role == "target")
            )
        entity_feed = client.get(f"/feed.atom?entity={target}").text
        assert [t.get("ref") for t in ET.fromstring(entity_feed.encode()).findall(TOMBSTONE)] == [f"{tag}{gone}"]
        with Session(store_engine) as session:  # undone: the event is back in the feed, without a tombstone
            undo(session, event_history(session, kept)[-1].id, "anna")
            session.commit()
        browse.invalidate_caches()
        text = client.get("/feed.atom").text
        assert f"{tag}{gone}" in [e.id for e in feedparser.parse(text).entries]
        assert ET.fromstring(text.encode()).findall(TOMBSTONE) == []
