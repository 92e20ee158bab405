"""`civicwatch publish`: a shareable copy of the published data with no credentials, opened with Datasette's own
Python API (search, JSON columns) and, as flat files, with pyarrow and the csv module."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner
from web_data import TOTAL_EVENTS, engine_url, fill
from webui_support import CHEAP_HASHER, add_user, api_token

from civicwatch.cli import app
from civicwatch.store import accounts
from civicwatch.store.models import ApiToken, Event, User, WebSession
from civicwatch.store.publish import PRIVATE_TABLES, PUBLIC_TABLES
from civicwatch.store.review import review_event

runner = CliRunner()


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)


@pytest.fixture
def source(store_engine):
    """The web test data, an analyst with a token and a browser session, one event rejected and one confirmed;
    (engine, the secrets stored, the rejected event's id)."""
    fill(store_engine)
    add_user(store_engine)
    api_token(store_engine)
    with Session(store_engine) as session:
        accounts.start_session(session, accounts.get_user(session, "anna"))
        events = session.scalars(select(Event).order_by(Event.id)).all()
        rejected = next(e.id for e in events if e.type == "closure")
        review_event(session, rejected, "anna", "reject")
        review_event(session, events[0].id, "anna", "confirm")
        session.commit()
        secrets = [session.scalar(select(User.password_hash))]
        secrets += session.scalars(select(ApiToken.token_hash)).all()
        secrets += session.scalars(select(WebSession.token_hash)).all()
    assert len(secrets) == 3 and all(secrets)
    return store_engine, secrets, rejected


def publish(engine, *args: str) -> None:
    result = runner.invoke(app, ["publish", "--db", engine_url(engine), *args])
    assert result.exit_code == 0, result.output


def test_published_file_has_no_credentials_and_no_rejected_events(source, tmp_path) -> None:
    engine, secrets, rejected = source
    out = tmp_path / "public.db"
    publish(engine, "--out", str(out))
    data = out.read_bytes()
    for secret in [*secrets, "anna"]:
        assert secret.encode() not in data  # not in a table, not in a free page
    with sqlite3.connect(out) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(PUBLIC_TABLES) <= tables and not tables & set(PRIVATE_TABLES)
        assert db.execute("SELECT count(*) FROM events").fetchone() == (TOTAL_EVENTS - 1,)
        assert db.execute("SELECT count(*) FROM events WHERE id = ?", (rejected,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM mentions WHERE event_id = ?", (rejected,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM events WHERE reviewed_by IS NOT NULL").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM events WHERE review_state = 'confirmed'").fetchone() == (1,)
        declared = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
        assert declared["targets"] == "JSON" and declared["edited_fields"] == "JSON"
    again = runner.invoke(app, ["publish", "--db", engine_url(engine), "--out", str(out)])
    assert again.exit_code == 1 and "exists" in again.output and "Traceback" not in again.output


async def _datasette(path, metadata) -> dict:
    from datasette.app import Datasette

    datasette = Datasette([str(path)], metadata=metadata)
    await datasette.invoke_startup()
    answers = {}
    for name, url in {
        "latin": "/public/events.json?_search=Memorial&_shape=array",
        "cyrillic": "/public/events.json?_search=Мемориал&_shape=array",
        "json": "/public/events.json?_shape=array&_json=targets&type=closure",
        "articles": "/public/articles.json?_search=Верховный&_shape=array",
        "users": "/public/users.json",
    }.items():
        response = await datasette.client.get(url)
        answers[name] = (response.status_code, response.json() if response.status_code == 200 else None)
    return answers


def test_datasette_searches_the_published_file(source, tmp_path) -> None:
    engine, _, rejected = source
    out = tmp_path / "public.db"
    publish(engine, "--out", str(out))
    metadata = json.loads((tmp_path / "public.metadata.json").read_text())
    assert metadata["databases"]["public"]["tables"]["events"]["fts_table"] == "events_fts"
    assert metadata["databases"]["public"]["tables"]["events"]["columns"]["targets"] == "JSON"
    for given in (metadata, None):  # Datasette finds the search tables with or without the metadata
        answers = asyncio.run(_datasette(out, given))
        status, latin = answers["latin"]
        assert status == 200 and len(latin) == 2 and all("Memorial" in row["targets"] for row in latin)
        assert answers["cyrillic"] == (200, [])  # the rejected liquidation is not published
        status, rows = answers["json"]
        assert status == 200 and rows == []
        status, articles = answers["articles"]
        assert status == 200 and [a["language"] for a in articles] == ["ru"]  # the article stays, its event not
        assert answers["users"][0] == 404
    fined = asyncio.run(_json_column(out))
    assert fined == ["Memorial"]


async def _json_column(path) -> list:
    from datasette.app import Datasette

    datasette = Datasette([str(path)])
    response = await datasette.client.get("/public/events.json?_shape=array&_json=targets&subtype=fine")
    return response.json()[0]["targets"]


@pytest.mark.parametrize("output_format", ["parquet", "csv", "jsonl"])
def test_flat_files_per_table(source, tmp_path, output_format) -> None:
    engine, secrets, rejected = source
    folder = tmp_path / "public"
    publish(engine, "--format", output_format, "--out", str(folder), "--public-url", "https://watch.example")
    names = sorted(path.stem for path in folder.iterdir())
    assert names == sorted(PUBLIC_TABLES)
    for path in folder.iterdir():
        for secret in secrets:
            assert secret.encode() not in path.read_bytes()
    events_path = folder / f"events.{output_format}"
    if output_format == "parquet":
        events = pq.read_table(events_path).to_pylist()
        aliases = pq.read_table(folder / "aliases.parquet").to_pylist()
    elif output_format == "csv":
        events = list(csv.DictReader(events_path.open(encoding="utf-8")))
        aliases = list(csv.DictReader((folder / "aliases.csv").open(encoding="utf-8")))
    else:
        events = [json.loads(line) for line in events_path.read_text(encoding="utf-8").splitlines()]
        aliases = [json.loads(line) for line in (folder / "aliases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(events) == TOTAL_EVENTS - 1 and str(rejected) not in {str(e["id"]) for e in events}
    fine = next(e for e in events if e["subtype"] == "fine")
    assert fine["event_url"] == f"https://watch.example/events/{fine['id']}"
    assert str(fine["date_start"]) == "2016-03-01" and "Мемориал" in {a["name"] for a in aliases}


def test_publish_help_teaches() -> None:
    result = runner.invoke(app, ["publish", "--help"])
    assert result.exit_code == 0 and "Datasette" in result.output and "password" in result.output
