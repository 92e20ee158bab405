"""Search across languages: a query that is a name also finds the events of what it names under its other
names, in another language or script (Мемориал <-> Memorial), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from web_data import client_for, fill

from civicwatch.store import session
from civicwatch.store.filters import EventQuery, other_names
from civicwatch.store.search import _with_other_names, fts5_query, parse_query


@pytest.fixture
def client(store_engine):
    fill(store_engine)
    with client_for(store_engine) as test_client:
        yield test_client


def subtypes(client, **params) -> set[str]:
    answer = client.get("/api/events", params=params)
    assert answer.status_code == 200, answer.text
    return {event["subtype"] for event in answer.json()["data"]}


def test_a_name_finds_its_events_in_every_script(client) -> None:
    everything = {"foreign_agent", "fine", "forced_liquidation"}
    assert subtypes(client, entity="Мемориал") == everything  # the entity filter already did
    assert subtypes(client, q="Мемориал") == everything  # the Russian name finds the English reports
    assert subtypes(client, q="memorial") == everything  # and the English name the Russian one
    assert subtypes(client, q="Memorial fined") == {"fine"}  # each term still has to match
    assert subtypes(client, q="Мемориал ликвидировать") == {"forced_liquidation"}
    assert subtypes(client, q="Paged") == {"extremist"}  # words that name nothing search as before


def test_other_names_come_from_the_stored_aliases(store_engine) -> None:
    fill(store_engine)
    with session(store_engine) as s:
        names = other_names(s, "Мемориал")
        assert "Memorial" in names["мемориал"]
        assert other_names(s, "court fined") == {}
        assert other_names(s, EventQuery(q="memor*").q) == {}  # a prefix is not a name


def test_the_match_string_ors_the_other_names() -> None:
    terms, whole = _with_other_names(parse_query("Мемориал штраф"), {"мемориал": ["Memorial", "Мемориал"]})
    assert fts5_query(terms, whole) == '("мемориал" OR "memorial") AND "штраф"'
    terms, whole = _with_other_names(parse_query("human rights watch"), {"human rights watch": ["HRW"]})
    assert fts5_query(terms, whole) == '("human" AND "rights" AND "watch") OR "hrw"'
