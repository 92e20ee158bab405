"""Details of the API contract that third-party clients rely on: strict dates in filters, time zones on every
timestamp (OpenAPI's format: date-time), and /api/stats counting only events dated to a month in its months."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from web_data import client_for, fill
from webui_support import CHEAP_HASHER, add_user, api_token

from civicwatch.model import Article, Event
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import accounts, browse

# RFC 3339 date-time: a time zone is required
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)


@pytest.fixture
def client(store_engine):
    fill(store_engine)
    with client_for(store_engine) as test_client:
        yield test_client


@pytest.mark.parametrize("value", ["1700000000", "0", "1700000000.5", "2016-03-01T00:00:00", "2016-3-1", "20160301"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_date_filters_take_only_iso_days(client, name: str, value: str) -> None:
    for path in ("/api/events", "/api/events.csv"):
        answer = client.get(path, params={name: value})
        assert answer.status_code == 422, (path, value, answer.text[:200])
        assert answer.json()["error"]["detail"][0]["loc"][-1] == name
    assert client.get("/feed.atom", params={name: value}).status_code == 422
    assert client.get("/api/articles", params={"published_from": value}).status_code == 422
    assert client.get("/api/events", params={name: "2016-03-01"}).status_code == 200


def test_every_timestamp_has_a_time_zone(client) -> None:
    event = client.get("/api/events", params={"limit": 1}).json()["data"][0]
    detail = client.get(f"/api/events/{event['id']}").json()
    article = client.get("/api/articles", params={"limit": 1}).json()["data"][0]
    stamps = [event["created_at"], event["updated_at"], detail["created_at"], detail["updated_at"]]
    stamps += [article["ingested_at"], *(e["created_at"] for e in client.get("/api/stats").json()["latest"])]
    assert stamps and all(DATE_TIME.match(stamp) for stamp in stamps), stamps
    parameters = client.get("/openapi.json").json()["paths"]["/api/events"]["get"]["parameters"]
    date_from = next(p for p in parameters if p["name"] == "date_from")
    assert '"format": "date"' in str(date_from["schema"]).replace("'", '"')  # still documented as a date


def test_stats_do_not_count_a_year_as_january(store_engine) -> None:
    article = Article(
        text="Decrees of the year\n\nThe ministry banned the group in 2019. It fined the paper in March 2019.",
        published=date(2020, 1, 5),
        url="https://news.example/year",
        source="/year.txt",
        language="en",
    )
    kinds = {"status": "occurred", "country": "RU"}
    events = [
        Event(type="designation", subtype="undesirable", targets=["Group A"], date="2019", evidence="banned", **kinds),
        Event(type="sanction", subtype="fine", targets=["Paper B"], date="2019-03", evidence="fined", **kinds),
        Event(type="sanction", subtype="fine", targets=["Paper C"], date="2019-22", evidence="summer", **kinds),
    ]
    assert all(r.ok for r in ingest_results(store_engine, [FileResult(Path("/year.txt"), article, events)]))
    browse.invalidate_caches()
    with client_for(store_engine) as client:
        stats = client.get("/api/stats").json()
    assert stats["per_month"] == [{"month": "2019-03", "type": "sanction", "count": 1}]
    assert stats["totals"]["events"] == 3 and stats["totals"]["events_without_month"] == 2


def test_the_schema_documents_security_and_every_error_status(client, store_engine) -> None:
    """Swagger UI's Authorize button (securitySchemes: bearer and cookie), security on the review routes, the
    statuses each route answers, the one error shape, and ids bounded; a private instance secures everything."""
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"] == schemes["bearer"] | {"type": "http", "scheme": "bearer"}
    assert schemes["cookie"] == schemes["cookie"] | {"type": "apiKey", "in": "cookie", "name": "civicwatch_session"}
    paths = schema["paths"]
    review = [
        paths["/api/events/{event_id}/review"]["post"],
        paths["/api/events/{event_id}"]["patch"],
        paths["/api/articles/{article_id}/events"]["post"],
    ]
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operation in review:
        assert {"bearer": []} in operation["security"] and {"cookie": []} in operation["security"]
        assert {"400", "401", "403", "404", "422"} <= set(operation["responses"])
        assert operation["responses"]["401"]["content"]["application/json"]["schema"] == error_ref
    public = paths["/api/events"]["get"]
    assert "security" not in public and {"403", "422"} <= set(public["responses"])
    assert {"404", "410"} <= set(paths["/api/events/{event_id}"]["get"]["responses"])
    assert "422" in paths["/feed.atom"]["get"]["responses"] and "422" in paths["/api/events.csv"]["get"]["responses"]
    for path, operations in paths.items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":  # ids are bounded: 1 .. 2^31 - 1
                    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 2**31 - 1), path
    with client_for(store_engine, private=True) as private:
        assert private.get("/openapi.json").status_code == 401
        add_user(store_engine, "olga")
        token = api_token(store_engine, "olga")
        secured = private.get("/openapi.json", headers={"Authorization": f"Bearer {token}"}).json()
    for operations in secured["paths"].values():
        for operation in operations.values():
            assert {"bearer": []} in operation["security"] and "401" in operation["responses"]


def test_feed_errors_have_the_json_error_shape(client) -> None:
    answer = client.get("/feed.atom", params={"type": "no-such-type", "limit": 0})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and {"type", "limit"} <= {d["loc"][-1] for d in error["detail"]}
    refused = client.get("/feed.atom", params={"review_state": "rejected"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert client.get("/feed.atom").headers["content-type"].startswith("application/atom+xml")


def test_review_routes_ask_who_is_calling_before_reading_the_body(client) -> None:
    """No token: 401 whatever the body (a bad body must not tell a stranger more than "log in")."""
    for body in ({"action": "confirm"}, {"action": "delete"}, {}):
        answer = client.post("/api/events/1/review", json=body)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized", body
        assert answer.headers["www-authenticate"] == "Bearer"
    assert client.patch("/api/events/1", json={"type": "nonsense"}).status_code == 401
    assert client.post("/api/articles/1/events", json={}).status_code == 401


def test_review_answers_carry_time_zones(client, store_engine) -> None:
    add_user(store_engine)
    headers = {"Authorization": f"Bearer {api_token(store_engine)}"}
    event_id = client.get("/api/events", params={"limit": 1}).json()["data"][0]["id"]
    answer = client.post(f"/api/events/{event_id}/review", json={"action": "confirm"}, headers=headers).json()
    stamps = [answer["data"][name] for name in ("reviewed_at", "created_at", "updated_at")]
    stamps += [entry["at"] for entry in answer["history"]]
    assert all(DATE_TIME.match(stamp) for stamp in stamps), stamps
    schema = client.get("/openapi.json").json()["paths"]["/api/events/{event_id}/review"]["post"]
    assert schema["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReviewResult"
    }
