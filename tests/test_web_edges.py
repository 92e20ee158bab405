"""The web app's edges: ids that name nothing, HEAD and OPTIONS, and bidirectional isolation of stored text.

* An id of 2^63 or more (past a 64-bit integer; 2^31 and more already past PostgreSQL's INTEGER ids), 0, a
  negative number or no number at all is a missing page, 404, on every page and API route that takes one
  (it used to answer 500), and so is the largest id no row has. An id in a query (``entity=``, a cursor)
  past 2^63 matches nothing, never a 500.
* HEAD is answered as GET without a body; OPTIONS with 204 and the ``Allow`` header of the path; a
  method the path does not take gets 405 with the whole ``Allow`` list.
* A name or article text holding a right-to-left override (stored by something other than the readers,
  which strip it) is shown inside ``<bdi>`` everywhere, so it reorders nothing around it.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from web_data import client_for, fill

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store.models import Entity, Event

NOT_IDS = [
    "9223372036854775808",
    "9223372036854775807",
    str(2**31),
    str(2**64),
    "9" * 40,
    "0",
    "-1",
    "abc",
    "1.5",
    "١٢",
]  # the last: Arabic digits
BIGGEST = str(2**31 - 1)  # the largest id (PostgreSQL INTEGER), of no row
ID_ROUTES = ["/events/{}", "/entities/{}", "/articles/{}", "/api/events/{}", "/api/entities/{}", "/api/articles/{}"]


@pytest.fixture
def client(store_engine) -> TestClient:
    fill(store_engine)
    with client_for(store_engine) as test_client:
        yield test_client


# ------------------------------------------------------------------------------------------------- ids


@pytest.mark.parametrize("route", ID_ROUTES)
def test_an_id_that_names_nothing_is_404_not_500(client: TestClient, route: str) -> None:
    for value in [*NOT_IDS, BIGGEST]:
        response = client.get(route.format(value))
        assert response.status_code == 404, (route, value, response.status_code)
        if route.startswith("/api/"):
            assert response.json()["error"]["status"] == 404
        else:
            assert response.headers["content-type"].startswith("text/html")


def test_writes_to_an_id_past_2_63_are_not_500(client: TestClient) -> None:
    huge = NOT_IDS[0]
    for method, path in [
        ("POST", f"/api/events/{huge}/review"),
        ("PATCH", f"/api/events/{huge}"),
        ("POST", f"/events/{huge}/review"),
        ("POST", f"/events/{huge}/edit"),
    ]:
        response = client.request(method, path, json={"action": "confirm"})
        assert response.status_code in (401, 403, 404), (method, path, response.status_code)


def test_ids_in_queries_past_2_63_match_nothing(client: TestClient) -> None:
    for path in ["/api/events?entity=" + NOT_IDS[0], "/api/events?entity=" + "9" * 40, "/events?entity=" + NOT_IDS[0]]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/api/events", params={"entity": NOT_IDS[0]}).json()["count"] == 0
    cursor = base64.urlsafe_b64encode(json.dumps(["newest", "2024-01-01", 2**63]).encode()).decode().rstrip("=")
    response = client.get("/api/events", params={"cursor": cursor})
    assert 400 <= response.status_code < 500


# ------------------------------------------------------------------------------------------ HEAD, OPTIONS


def test_head_answers_as_get_without_a_body(client: TestClient, store_engine) -> None:
    with Session(store_engine) as session:
        event_id = session.scalars(select(Event.id)).first()
    for path in ["/", "/events", f"/events/{event_id}", "/api/events", f"/api/events/{event_id}", "/static/style.css"]:
        get, head = client.get(path), client.head(path)
        assert get.status_code == head.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers.get("x-content-type-options") == "nosniff", path  # the security headers too
    assert client.head("/no/such/page").status_code == 404
    assert client.head("/api/events/" + NOT_IDS[0]).status_code == 404


def allow(response) -> list[str]:
    return [m.strip() for m in response.headers["allow"].split(",")]


def test_options_names_the_methods_of_the_path(client: TestClient) -> None:
    expected = {
        "/api/events": ["GET", "HEAD", "OPTIONS"],
        "/api/events/1": ["GET", "HEAD", "PATCH", "OPTIONS"],  # two routers serve it: both are named
        "/api/events/1/review": ["POST", "OPTIONS"],
        "/events/1/review": ["POST", "OPTIONS"],
        "/login": ["GET", "HEAD", "POST", "OPTIONS"],
        "/": ["GET", "HEAD", "OPTIONS"],
    }
    for path, methods in expected.items():
        response = client.options(path)
        assert response.status_code == 204, path
        assert allow(response) == methods, path
        assert response.content == b""
    assert client.options("/no/such/page").status_code == 404


def test_a_wrong_method_is_405_with_the_whole_allow_list(client: TestClient) -> None:
    response = client.delete("/api/events/1")
    assert response.status_code == 405
    assert allow(response) == ["GET", "HEAD", "PATCH", "OPTIONS"]
    assert allow(client.put("/events")) == ["GET", "HEAD", "OPTIONS"]


# -------------------------------------------------------------------------------------------------- bidi

RLO = "\u202e"


def test_stored_text_with_a_right_to_left_override_is_isolated(client: TestClient, store_engine) -> None:
    text = f"The court fined the group Evil{RLO}txt.exe Watch on Monday for a report on the governor."
    start = text.index("The court")
    article = ArticleIn(text=text, url="https://example.org/rlo", published=date(2024, 5, 6), title=f"Fine{RLO} title")
    event = EventIn(
        type="sanction",
        subtype="fine",
        status="occurred",
        targets=[f"Evil{RLO}txt.exe Watch"],
        actor=f"court{RLO}",
        evidence=text,
        evidence_start=start,
        evidence_end=len(text),
        date="2024-05-06",
    )
    [result] = list(ingest_results(store_engine, [FileResult(Path("rlo.txt"), article, [event])]))
    assert result.status == "stored", result.reason
    with Session(store_engine) as session:
        event_id = session.scalars(select(Event.id).where(Event.actor == f"court{RLO}")).one()
        entity_id = session.scalars(select(Entity.id).where(Entity.name.contains(RLO))).first()
    pages = ["/", "/events", f"/events/{event_id}", f"/articles/{result.article_id}"]
    pages += [f"/entities/{entity_id}"] if entity_id else []
    for path in pages:
        html = client.get(path).text
        assert RLO in html, path
        outside = re.sub(r"<bdi>[^<]*</bdi>", "", html)
        assert RLO not in outside, (path, outside[max(0, outside.find(RLO) - 200) : outside.find(RLO) + 50])
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is None or RLO not in title.group(1), path  # a title cannot hold markup: dropped there
    css = client.get("/static/style.css").text
    assert re.search(r"bdi\s*\{[^}]*unicode-bidi:\s*isolate", css)
