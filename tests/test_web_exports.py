"""Exports (CSV, JSON Lines, Parquet) and the Atom feed, on SQLite and PostgreSQL, with hostile article text."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from web_data import HOSTILE_EVIDENCE, HOSTILE_TARGET, PAGED_EVENTS, TOTAL_EVENTS, client_for, fill

from civicwatch.web.exports import EXPORT_COLUMNS, spreadsheet_safe


@pytest.fixture
def client(store_engine) -> TestClient:
    fill(store_engine)
    with client_for(store_engine) as test_client:
        yield test_client


def csv_rows(client: TestClient, **params) -> list[dict]:
    response = client.get("/api/events.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def test_csv_has_the_researchers_columns(client: TestClient) -> None:
    rows = csv_rows(client)
    assert tuple(rows[0]) == EXPORT_COLUMNS and len(rows) == TOTAL_EVENTS
    fine = next(row for row in rows if row["subtype"] == "fine")
    assert fine["date"] == "2016-03-01" and fine["date_precision"] == "day" and fine["actor"] == "Moscow court"
    assert fine["targets"] == "Memorial" and fine["country"] == "RU" and fine["source_count"] == "1"
    assert fine["first_source_url"] == "https://news.example/memorial-designated"
    assert fine["evidence"] == "A Moscow court fined Memorial." and fine["review_state"] == "unreviewed"
    assert fine["language"] == "en" and fine["event_url"] == f"http://testserver/events/{fine['id']}"
    assert (fine["date_start"], fine["date_end"]) == ("2016-03-01", "2016-03-01")
    assert fine["sources"] == "https://news.example/memorial-designated" and fine["languages"] == "en"
    assert fine["registry_verdict"] == "not_checked"
    designation = next(row for row in rows if row["subtype"] == "foreign_agent")
    assert designation["date_precision"] == "month"
    assert (designation["date_start"], designation["date_end"]) == ("2015-07-01", "2015-07-31")
    undated = next(row for row in rows if row["type"] == "law")
    assert undated["date"] == undated["date_start"] == undated["date_end"] == ""


def test_exports_filter_by_date_range_without_parsing_edtf(client: TestClient) -> None:
    """A researcher's range filter on date_start/date_end, in Arrow (what DuckDB and pandas read) and JSON."""
    import pyarrow.compute as pc

    table = pq.read_table(io.BytesIO(client.get("/api/events.parquet").content))
    assert str(table.schema.field("date_start").type) == "date32[day]"
    day = date(2015, 7, 20)
    july_2015 = table.filter(pc.and_(pc.less_equal(table["date_start"], day), pc.greater_equal(table["date_end"], day)))
    assert july_2015.column("subtype").to_pylist() == ["foreign_agent"]  # "2015-07" covers the 20th
    record = json.loads(client.get("/api/events.jsonl", params={"subtype": "forced_liquidation"}).text)
    assert (record["date_start"], record["date_end"], record["languages"]) == ("2021-12-28", "2021-12-28", ["ru"])
    assert record["sources"] == ["https://news.example/memorial-liquidated"]


def test_event_url_is_the_public_address_whatever_the_host(store_engine, monkeypatch) -> None:
    fill(store_engine)
    monkeypatch.setenv("CIVICWATCH_PUBLIC_URL", "https://watch.example/civic")
    with client_for(store_engine) as client:
        record = json.loads(client.get("/api/events.jsonl", params={"subtype": "fine"}).text)
    assert record["event_url"] == f"https://watch.example/civic/events/{record['id']}"


def test_csv_takes_the_same_filters(client: TestClient) -> None:
    rows = csv_rows(client, type="designation", country="KZ", order="oldest")
    assert len(rows) == PAGED_EVENTS and {row["country"] for row in rows} == {"KZ"}
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    assert csv_rows(client, q="ликвидировать")[0]["targets"] == "Мемориал"
    assert csv_rows(client, entity="No Such Org") == []


def test_csv_cells_never_run_as_formulas(client: TestClient) -> None:
    hostile = csv_rows(client, country="BY")[0]
    assert hostile["targets"] == "'" + HOSTILE_TARGET
    assert hostile["actor"] == "'-minus actor"
    assert hostile["evidence"].startswith("'+cmd|")
    for row in csv_rows(client):
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values()), row
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)" and spreadsheet_safe("plain") == "plain"
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


def test_json_lines(client: TestClient) -> None:
    response = client.get("/api/events.jsonl", params={"subtype": "forced_liquidation"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 1 and tuple(records[0]) == EXPORT_COLUMNS
    assert records[0]["targets"] == ["Мемориал"] and records[0]["language"] == "ru"
    everything = client.get("/api/events.jsonl").text.splitlines()
    assert len(everything) == TOTAL_EVENTS
    hostile = next(json.loads(line) for line in everything if "HYPERLINK" in line)
    assert hostile["targets"] == [HOSTILE_TARGET]  # JSON carries the text as it is


def test_parquet_reads_back(client: TestClient) -> None:
    response = client.get("/api/events.parquet", params={"type": "designation"})
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert tuple(table.column_names) == EXPORT_COLUMNS and table.num_rows == 2 + PAGED_EVENTS
    rows = table.to_pylist()
    assert str(table.schema.field("targets").type) == "list<element: string>"
    assert {tuple(row["targets"]) for row in rows} >= {("Memorial",), (HOSTILE_TARGET,)}
    empty = pq.read_table(io.BytesIO(client.get("/api/events.parquet", params={"country": "ZZ"}).content))
    assert empty.num_rows == 0 and tuple(empty.column_names) == EXPORT_COLUMNS


def test_export_errors_are_json(client: TestClient) -> None:
    response = client.get("/api/events.csv", params={"type": "nonsense"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


def test_atom_feed_is_valid_and_newest_first(client: TestClient) -> None:
    response = client.get("/feed.atom", params={"type": "designation", "country": "KZ"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and "type=designation" in feed.feed.title
    assert len(feed.entries) == PAGED_EVENTS
    ids = [int(entry.link.rsplit("/", 1)[1]) for entry in feed.entries]
    assert ids == sorted(ids, reverse=True)  # the newest stored first
    first = feed.entries[0]
    assert first.link == f"http://testserver/events/{ids[0]}" and first.id == f"tag:civicwatch,2024:event/{ids[0]}"
    assert first.title.startswith("designation/extremist, occurred: Paged Org")
    assert first.updated and first.summary.endswith("was declared extremist.")
    assert len(feedparser.parse(client.get("/feed.atom", params={"limit": 3}).content).entries) == 3


def test_atom_escapes_hostile_text(client: TestClient) -> None:
    response = client.get("/feed.atom", params={"country": "BY"})
    assert b"<script>" not in response.content  # markup in article text is text, never markup
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    entry = feed.entries[0]
    assert HOSTILE_TARGET in entry.title
    summary = ET.fromstring(response.content).find(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
    )
    assert summary.get("type") == "text"
    assert "<script>alert(1)</script>" in summary.text and "\x07" not in summary.text
    assert HOSTILE_EVIDENCE.split("\x07")[0].strip() in summary.text


def test_empty_feed_is_still_valid(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/feed.atom", params={"q": "nothing-matches-this"}).content)
    assert not feed.bozo and feed.entries == [] and feed.feed.updated
