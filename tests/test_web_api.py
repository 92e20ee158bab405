"""The JSON API with the in-process client, on SQLite and PostgreSQL: filters, pagination, details, errors, OpenAPI.

Data: tests/web_data.py (real store, hand-made events). PostgreSQL runs when CIVICWATCH_TEST_PG is set.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_data import HOSTILE_TARGET, PAGED_EVENTS, TOTAL_EVENTS, client_for, fill

from civicwatch.store import browse, session
from civicwatch.store.models import Event


@pytest.fixture
def client(store_engine) -> TestClient:
    fill(store_engine)
    with client_for(store_engine) as test_client:
        yield test_client


def events(client: TestClient, **params) -> dict:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status and error["code"] == code and error["message"]
    return error


def test_event_list_has_the_page_shape(client: TestClient) -> None:
    page = events(client)
    assert set(page) == {"data", "count", "next"}
    assert page["count"] == TOTAL_EVENTS and page["next"] is None
    first = page["data"][0]
    assert first["type"] == "closure" and first["targets"] == ["Мемориал"]  # newest date first
    assert first["url"] == f"http://testserver/events/{first['id']}"
    assert page["data"][-1]["date"] is None  # undated last
    assert first["first_source_url"] == "https://news.example/memorial-liquidated"
    assert first["language"] == "ru" and first["review_state"] == "unreviewed"


FILTER_CASES = [
    ({"type": "designation"}, 2 + PAGED_EVENTS),
    ({"type": "designation", "subtype": "foreign_agent"}, 1),
    ({"subtype": "fine"}, 1),
    ({"status": "occurred"}, TOTAL_EVENTS),
    ({"status": "planned"}, 0),
    ({"country": "by"}, 1),
    ({"country": "KZ"}, PAGED_EVENTS + 1),
    ({"language": "ru"}, 1),
    ({"language": "en"}, TOTAL_EVENTS - 1),
    ({"date_from": "2021-01-01"}, 1),
    ({"date_from": "2015-07-31", "date_to": "2015-07-31"}, 1),  # a month reaches into the range
    ({"date_to": "2016-12-31"}, 2),
    ({"entity": "Memorial"}, 3),  # in any language: «Мемориал» has the same key
    ({"entity": "мемориал"}, 3),
    ({"entity": "No Such Org"}, 0),
    ({"review_state": "unreviewed"}, TOTAL_EVENTS),
    ({"review_state": "confirmed"}, 0),
    ({"q": "court"}, 1),
    ({"q": "ликвидировать"}, 1),
    ({"q": "Мемориал"}, 3),  # its other names too: Memorial
    ({"q": "memorial foreign"}, 2),  # the title of their article counts
    ({"q": "memorial justice"}, 1),
    ({"q": "memor*"}, 2),
    ({"q": '"Moscow court"', "type": "sanction"}, 1),
    ({"type": "designation", "country": "KZ", "date_from": "2019-03-01", "date_to": "2019-03-31"}, 2),
]


def test_filters(client: TestClient) -> None:
    # one test for every case: the data is ingested once per backend
    for params, expected in FILTER_CASES:
        page = events(client, limit=500, **params)
        assert page["count"] == expected == len(page["data"]), params


def test_entity_filter_takes_an_id(client: TestClient) -> None:
    memorial = client.get("/api/entities", params={"name": "Memorial"}).json()["data"][0]
    assert events(client, entity=str(memorial["id"]))["count"] == 3


def test_next_links_walk_every_page_and_keep_the_filters(client: TestClient) -> None:
    seen, url, pages = [], "/api/events?type=designation&limit=5", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["count"] == 2 + PAGED_EVENTS
        assert all(row["type"] == "designation" for row in page["data"])
        seen += [row["id"] for row in page["data"]]
        url, pages = page["next"], pages + 1
        if url:
            assert url.startswith("http://testserver/api/events?") and "type=designation" in url and "limit=5" in url
    assert pages == 3 and len(seen) == len(set(seen)) == 2 + PAGED_EVENTS


@pytest.mark.parametrize("order", ["newest", "oldest", "added"])
def test_every_order_pages_through_everything_once(client: TestClient, order: str) -> None:
    everything = [row["id"] for row in events(client, order=order, limit=500)["data"]]
    walked, url = [], f"/api/events?order={order}&limit=4"
    while url:
        page = client.get(url).json()
        walked += [row["id"] for row in page["data"]]
        url = page["next"]
    assert walked == everything and len(everything) == TOTAL_EVENTS


def test_oldest_first_and_offset(client: TestClient) -> None:
    oldest = events(client, order="oldest", limit=500)["data"]
    assert oldest[0]["date"] == "2015-07" and oldest[-1]["date"] is None
    assert events(client, order="oldest", limit=3, offset=1)["data"] == oldest[1:4]


def test_event_detail(client: TestClient) -> None:
    fine = events(client, subtype="fine")["data"][0]
    detail = client.get(f"/api/events/{fine['id']}").json()
    assert detail["actor"] == "Moscow court" and detail["location"] == "Moscow"
    assert detail["date_precision"] == "day" and detail["date_start"] == "2016-03-01"
    assert [m["url"] for m in detail["mentions"]] == ["https://news.example/memorial-designated"]
    assert {(e["name"], e["role"]) for e in detail["entities"]} >= {("Memorial", "target"), ("Moscow court", "actor")}
    assert detail["review_state"] == "unreviewed" and detail["registry_check"]["verdict"] == "not_checked"
    assert_error(client.get("/api/events/999999"), 404, "not_found")
    assert_error(client.get("/api/events/abc"), 404, "not_found")  # not an id: names nothing


def test_entities(client: TestClient) -> None:
    page = client.get("/api/entities", params={"name": "paged org", "limit": 5}).json()
    assert page["count"] == PAGED_EVENTS and len(page["data"]) == 5 and "offset=5" in page["next"]
    memorial = client.get("/api/entities", params={"name": "Memorial"}).json()["data"][0]
    assert memorial["event_count"] == 3
    detail = client.get(f"/api/entities/{memorial['id']}").json()
    assert detail["aliases_by_language"] == {"en": ["Memorial"], "ru": ["Мемориал"]}
    assert [item["event"]["type"] for item in detail["timeline"]] == ["designation", "sanction", "closure"]
    assert all(item["roles"] == ["target"] for item in detail["timeline"])
    assert_error(client.get("/api/entities/999999"), 404, "not_found")
    assert client.get("/api/entities", params={"kind": "law"}).json()["count"] == 1


def test_articles(client: TestClient) -> None:
    page = client.get("/api/articles").json()
    assert page["count"] == 4 and page["data"][0]["published"] == "2021-12-29"
    assert client.get("/api/articles", params={"language": "ru"}).json()["count"] == 1
    assert client.get("/api/articles", params={"published_from": "2020-01-01"}).json()["count"] == 2
    english = client.get("/api/articles", params={"title": "memorial designated"}).json()["data"][0]
    detail = client.get(f"/api/articles/{english['id']}").json()
    assert len(detail["mentions"]) == 2
    for mention in detail["mentions"]:
        if mention["evidence_end"]:
            assert detail["text"][mention["evidence_start"] : mention["evidence_end"]] == mention["evidence"]
    assert_error(client.get("/api/articles/999999"), 404, "not_found")


def test_stats_and_facets(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    counts = {"events": TOTAL_EVENTS, "articles": 4, "undated_events": 1, "events_without_month": 0}
    assert stats["totals"] == counts | {"entities": stats["totals"]["entities"]}
    assert {"month": "2021-12", "type": "closure", "count": 1} in stats["per_month"]
    assert sum(m["count"] for m in stats["per_month"]) == TOTAL_EVENTS - 1  # the undated law is not charted
    assert stats["most_targeted"][0]["name"] == "Memorial" and stats["most_targeted"][0]["events"] == 3
    assert len(stats["latest"]) == 10
    facets = client.get("/api/facets").json()
    assert facets["countries"] == ["BY", "KZ", "RU"] and facets["languages"] == ["en", "ru"]
    assert "fine" in facets["types"]["sanction"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"type": "bogus"},
        {"date_from": "yesterday"},
        {"country": "Russia"},
        {"offset": -1},
    ],
)
def test_bad_parameters_answer_422_with_details(client: TestClient, params: dict) -> None:
    error = assert_error(client.get("/api/events", params=params), 422, "invalid_request")
    assert error["detail"] and error["detail"][0]["loc"][-1] == next(iter(params))
    assert next(iter(params)) in error["message"]


def test_every_error_has_one_shape(client: TestClient) -> None:
    assert_error(client.get("/api/no/such/route"), 404, "not_found")
    assert_error(client.get("/api"), 404, "not_found")
    assert_error(client.delete("/api/events"), 405, "method_not_allowed")
    assert_error(client.get("/api/events", params={"cursor": "not-a-cursor"}), 422, "invalid_request")

    def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    client.app.add_api_route("/api/explode", explode)
    error = assert_error(client.get("/api/explode"), 500, "internal_error")
    assert "secret" not in str(error) and "RuntimeError" not in str(error)


def test_api_answers_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/api/events", "/api/no/such/route", "/api/events.csv", "/feed.atom"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert "default-src 'self'" in headers["content-security-policy"], path


def test_a_private_instance_shows_nothing_to_anonymous_callers(store_engine) -> None:
    fill(store_engine)
    with client_for(store_engine, private=True) as private:
        for path in ("/api/events", "/api/events/1", "/api/stats", "/api/events.csv", "/openapi.json", "/api/docs"):
            assert_error(private.get(path), 401, "unauthorized")
        assert private.get("/feed.atom").status_code == 401


def test_outside_api_errors_are_pages_not_json(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and not response.headers["content-type"].startswith("application/json")


def test_openapi_describes_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/entities", "/api/articles", "/api/stats"):
        assert "get" in paths[path], path
    listing = paths["/api/events"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"type", "subtype", "status", "country", "language", "date_from", "date_to", "entity", "q"} <= names
    assert {"review_state", "limit", "cursor"} <= names
    ok = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][ok.rsplit("/", 1)[1]]["properties"]) == {"data", "count", "next"}
    assert "ErrorOut" in schema["components"]["schemas"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "SwaggerUIBundle" in docs.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and not [url for url in assets if "://" in url]  # offline: every asset from the app
    assert all(client.get(url).status_code == 200 for url in assets)


INJECTIONS = ["' OR '1'='1", "1; DROP TABLE events; --", '" OR ""="', "%' --", "1) UNION SELECT * FROM articles --"]
TEXT_PARAMETERS = ["type", "subtype", "status", "country", "language", "date_from", "entity", "review_state", "q"]


def test_sql_injection_in_any_filter_is_just_a_value(client: TestClient, store_engine) -> None:
    for parameter in TEXT_PARAMETERS + ["cursor", "order", "limit", "offset"]:
        for payload in INJECTIONS:
            response = client.get("/api/events", params={parameter: payload})
            assert response.status_code in (200, 422), response.text
            if response.status_code == 200:
                assert response.json()["count"] == 0, (parameter, payload)
    for payload in INJECTIONS:
        for path in ("/api/entities", "/api/articles", "/feed.atom", "/api/events.csv"):
            assert client.get(path, params={"name": payload, "title": payload, "q": payload}).status_code == 200
    with session(store_engine) as s:
        assert s.scalar(select(func.count()).select_from(Event)) == TOTAL_EVENTS


def test_hostile_text_comes_back_as_data(client: TestClient) -> None:
    hostile = events(client, country="BY")["data"][0]
    assert hostile["targets"] == [HOSTILE_TARGET] and "<script>" in hostile["evidence"]


def test_review_state_filter_and_history(client: TestClient, store_engine) -> None:
    from civicwatch.store.review import review_event

    fine = events(client, subtype="fine")["data"][0]
    with session(store_engine) as s:
        review_event(s, fine["id"], "ana", "confirm", note="checked the court record")
        s.commit()
    browse.invalidate_caches()  # what the review pages do after a change
    confirmed = events(client, review_state="confirmed")
    assert [row["id"] for row in confirmed["data"]] == [fine["id"]] and confirmed["count"] == 1
    assert events(client, review_state="unreviewed")["count"] == TOTAL_EVENTS - 1
    detail = client.get(f"/api/events/{fine['id']}").json()
    assert detail["review_state"] == "confirmed" and detail["reviewed_by"] == "ana"
    assert [(h["action"], h["username"], h["note"]) for h in detail["history"]] == [
        ("confirm", "ana", "checked the court record")
    ]


def test_serve_runs_the_app_on_a_real_socket(store_engine, tmp_path) -> None:
    """`civicwatch serve` as a user starts it: a real uvicorn server on 127.0.0.1, two worker processes."""
    import socket
    import subprocess
    import sys
    import time

    import httpx
    from web_data import engine_url

    if store_engine.dialect.name != "sqlite":
        pytest.skip("one backend is enough to test the command")
    fill(store_engine)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "civicwatch.cli", "serve", "--db", engine_url(store_engine)]
    server = subprocess.Popen([*command, "--port", str(port), "--workers", "2"], stderr=subprocess.PIPE, text=True)
    try:
        deadline, answer = time.monotonic() + 30, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/events", params={"limit": 2}, timeout=5)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, server.stderr.read() if server.poll() is not None else "no answer in 30 s"
        page = answer.json()
        assert page["count"] == TOTAL_EVENTS and page["next"].startswith(f"http://127.0.0.1:{port}/api/events?")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "serving" in server.stderr.read()


def test_serve_help_teaches() -> None:
    from typer.testing import CliRunner

    from civicwatch.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for words in ("--db", "--host", "--port", "--private", "--workers", "/api/docs", "Example"):
        assert words in result.output
