"""Analysts add names of entities (civicwatch.store.review.add_alias): audited, used by later ingests (before
the shipped alias table and other entities' keys), by merging and by search; from the entity page and the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from webui_support import CHEAP_HASHER, add_user, api_token, csrf_from, log_in

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import EventQuery, ReviewError, find_entities, list_events, session
from civicwatch.store import accounts as accounts_module
from civicwatch.store.models import Alias, Entity, EventEntity, Mention
from civicwatch.store.review import add_alias, entity_history, remove_alias
from civicwatch.web.app import create_app


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "password_hasher", CHEAP_HASHER)


def art(name: str, language: str = "en") -> ArticleIn:
    return ArticleIn(
        text=f"Headline {name}\n\nBody of the report {name}.",
        published=date(2023, 3, 2),
        source=f"/{name}",
        url=f"https://{name}.example/1",
        language=language,
    )


def ev(target: str) -> EventIn:
    return EventIn(
        type="designation",
        subtype="foreign_agent",
        status="occurred",
        targets=[target],
        date="2023-03-01",
        country="RU",
        evidence=f"{target} was declared a foreign agent.",
    )


def store(engine, *items) -> list:
    results = list(ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.status == "stored" for r in results), [r.reason for r in results]
    return results


def entity_of(s, article_id: int) -> int:
    query = select(EventEntity.entity_id).join(Mention, Mention.event_id == EventEntity.event_id)
    return s.scalars(query.where(Mention.article_id == article_id, EventEntity.role == "target")).one()


@pytest.fixture
def named(store_engine):
    """Entity of "Committee for Civil Rights Defence" (article 1), and a separate "Zashchita Group" (article 2)."""
    store(store_engine, (art("one"), [ev("Committee for Civil Rights Defence")]))
    store(store_engine, (art("two"), [ev("Zashchita Group")]))
    add_user(store_engine)
    return store_engine


def test_a_later_ingest_resolves_the_analysts_name(named) -> None:
    with session(named) as s:
        committee = entity_of(s, 1)
        assert entity_of(s, 2) != committee
        alias = add_alias(s, committee, "anna", "  Комитет защиты  гражданских прав ", "RU", note="its Russian name")
        add_alias(s, committee, "anna", "Zashchita Group")  # the name had an entity of its own: ours wins from now
        s.commit()
        assert (alias.name, alias.language, alias.added_by) == ("Комитет защиты гражданских прав", "ru", "anna")
        history = entity_history(s, committee)
        assert [h.action for h in history] == ["alias.add", "alias.add"] and history[0].note == "its Russian name"
        assert history[0].after["name"] == "Комитет защиты гражданских прав"
        # search finds the entity by the new name at once
        assert [e.id for e in find_entities(s, "комитет защиты гражданских прав")] == [committee]
        # and its events, the one stored before under "Zashchita Group" among them (linked again)
        assert [e.id for e in list_events(s, EventQuery(entity="Комитет защиты гражданских прав"))] == [1, 2]
    later = store(
        named,
        (art("three", "ru"), [ev("Комитет защиты гражданских прав")]),
        (art("four"), [ev("Zashchita Group")]),
    )
    with session(named) as s:
        assert entity_of(s, later[0].article_id) == committee
        assert entity_of(s, later[1].article_id) == committee
        # and the reports merged into the committee's event (same act, same day)
        events = {s.scalar(select(Mention.event_id).where(Mention.article_id == r.article_id)) for r in later}
        assert events == {1}
        seen = s.scalars(select(Alias).where(Alias.entity_id == committee, Alias.added_by.is_not(None))).all()
        assert {a.name for a in seen} == {"Комитет защиты гражданских прав", "Zashchita Group"}


def test_refusals(named) -> None:
    with session(named) as s:
        committee = entity_of(s, 1)
        other = entity_of(s, 2)
        with pytest.raises(ReviewError, match="no entity"):
            add_alias(s, 99999, "anna", "X")
        with pytest.raises(ReviewError, match="empty"):
            add_alias(s, committee, "anna", " \t ")
        with pytest.raises(ReviewError, match="language"):
            add_alias(s, committee, "anna", "CCRD", "Russian!")
        add_alias(s, committee, "anna", "CCRD")
        with pytest.raises(ReviewError, match="already a name of this entity"):
            add_alias(s, committee, "anna", "CCRD")
        with pytest.raises(ReviewError, match="already an analyst's name of entity"):
            add_alias(s, other, "anna", "ccrd")
        assert s.get(Entity, committee) is not None


def test_alias_form_and_api(named) -> None:
    with session(named) as s:
        committee = entity_of(s, 1)
    client = TestClient(create_app(named.url.render_as_string(hide_password=False)), raise_server_exceptions=False)
    assert 'action="/entities/' not in client.get(f"/entities/{committee}").text
    assert log_in(client).status_code == 303
    page = client.get(f"/entities/{committee}").text
    assert f'action="/entities/{committee}/aliases"' in page
    token = csrf_from(page)
    assert client.post(f"/entities/{committee}/aliases", data={"name": "KZGP"}).status_code == 403
    done = client.post(f"/entities/{committee}/aliases", data={"name": "KZGP", "language": "ru", "csrf_token": token})
    assert done.status_code == 200 and "Name added: KZGP" in done.text and 'id="analysts-names"' in done.text
    bad = client.post(f"/entities/{committee}/aliases", data={"name": "KZGP", "csrf_token": token})
    assert "Not added" in bad.text
    assert client.post("/entities/99999/aliases", data={"name": "A", "csrf_token": token}).status_code == 404

    bearer = {"Authorization": f"Bearer {api_token(named)}"}
    assert client.post(f"/api/entities/{committee}/aliases", json={"name": "Komitet"}).status_code in (401, 403)
    answer = client.post(
        f"/api/entities/{committee}/aliases", json={"name": "Komitet", "language": "en"}, headers=bearer
    )
    assert answer.status_code == 200
    body = answer.json()
    assert {"name": "Komitet", "language": "en", "seen": 0, "added_by": "anna"} in body["aliases"]
    assert [h["action"] for h in body["history"]] == ["alias.add", "alias.add"]
    refused = client.post(f"/api/entities/{committee}/aliases", json={"name": "Komitet"}, headers=bearer)
    assert refused.status_code == 422


def test_adding_a_name_links_events_stored_before_and_removing_it_links_them_back(named) -> None:
    with session(named) as s:
        committee, group = entity_of(s, 1), entity_of(s, 2)
        alias = add_alias(s, committee, "anna", "zashchita  group", note="the same organisation")
        s.commit()
        assert entity_of(s, 2) == committee  # the event stored before now names the committee
        assert entity_history(s, committee)[-1].after["relinked"] == [2]
        assert alias.seen == 0
        assert [e.id for e in list_events(s, EventQuery(entity="Committee for Civil Rights Defence"))] == [1, 2]
        with pytest.raises(ReviewError, match="not an analyst's name"):
            remove_alias(s, committee, "anna", "Committee for Civil Rights Defence")  # seen in a report, not added
        assert remove_alias(s, committee, "boris", "Zashchita Group", note="two organisations after all") == [2]
        s.commit()
        assert entity_of(s, 2) == group
        history = entity_history(s, committee)
        assert [h.action for h in history] == ["alias.add", "alias.remove"]
        assert history[-1].username == "boris" and history[-1].before["name"] == "zashchita group"
        assert history[-1].after == {"relinked": [2]}
        assert not s.scalars(select(Alias).where(Alias.entity_id == committee, Alias.name == "zashchita group")).all()
        # reversible: adding it again links the event to the committee again
        add_alias(s, committee, "anna", history[-1].before["name"], history[-1].before["language"])
        s.commit()
        assert entity_of(s, 2) == committee
    later = store(named, (art("five"), [ev("Zashchita Group")]))  # a later report follows the analyst's name
    with session(named) as s:
        assert entity_of(s, later[0].article_id) == committee
        # the name was seen in a report since: removing it keeps the row as a seen name, not the analyst's
        remove_alias(s, committee, "anna", "Zashchita Group")
        s.commit()
        kept = s.scalars(select(Alias).where(Alias.entity_id == committee, Alias.name_folded == "zashchita group"))
        assert [(a.added_by, a.seen) for a in kept] == [(None, 1)]
        linked = select(EventEntity.event_id, EventEntity.entity_id).where(EventEntity.role == "target")
        targets: dict[int, set[int]] = {}
        for event_id, entity_id in s.execute(linked):
            targets.setdefault(event_id, set()).add(entity_id)
        joined = s.scalar(select(Mention.event_id).where(Mention.article_id == later[0].article_id))
        assert joined == 1  # the later report had joined the committee's event of that day
        assert targets == {1: {committee, group}, 2: {group}}  # each name its own entity again


def test_remove_form_and_api(named) -> None:
    with session(named) as s:
        committee, group = entity_of(s, 1), entity_of(s, 2)
        add_alias(s, committee, "anna", "Zashchita Group")
        add_alias(s, committee, "anna", "KZGP")
        s.commit()
        assert entity_of(s, 2) == committee
    client = TestClient(create_app(named.url.render_as_string(hide_password=False)), raise_server_exceptions=False)
    assert 'action="/entities/' not in client.get(f"/entities/{committee}").text  # no buttons for the public
    assert log_in(client).status_code == 303
    page = client.get(f"/entities/{committee}").text
    assert f'action="/entities/{committee}/aliases/remove"' in page and 'value="Zashchita Group"' in page
    token = csrf_from(page)
    form = {"name": "Zashchita Group", "csrf_token": token}
    assert client.post(f"/entities/{committee}/aliases/remove", data={"name": "KZGP"}).status_code == 403
    done = client.post(f"/entities/{committee}/aliases/remove", data=form)
    assert done.status_code == 200 and "Name removed: Zashchita Group. 1 stored event(s) linked again" in done.text
    again = client.post(f"/entities/{committee}/aliases/remove", data=form)
    assert "Not removed" in again.text
    with session(named) as s:
        assert entity_of(s, 2) == group

    bearer = {"Authorization": f"Bearer {api_token(named)}"}
    url = f"/api/entities/{committee}/aliases/remove"
    assert client.post(url, json={"name": "KZGP"}).status_code in (401, 403)
    answer = client.post(url, json={"name": "KZGP", "note": "a typo"}, headers=bearer)
    assert answer.status_code == 200
    body = answer.json()
    assert "KZGP" not in {a["name"] for a in body["aliases"]}
    assert [h["action"] for h in body["history"]][-2:] == ["alias.remove", "alias.remove"]
    assert body["history"][-1]["note"] == "a typo"
    assert client.post(url, json={"name": "KZGP"}, headers=bearer).status_code == 422
    assert client.post("/api/entities/99999/aliases/remove", json={"name": "KZGP"}, headers=bearer).status_code == 404
