"""The analyst review of events (civicwatch.store.review): confirm, reject, reopen, edit, the audit log,
and later ingests that merge into reviewed events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import (
    ReviewError,
    edit_event,
    event_history,
    recent_audit,
    review_event,
    session,
)
from civicwatch.store import accounts as accounts_module
from civicwatch.store.accounts import add_user
from civicwatch.store.models import Entity, Event, EventEntity


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def art(name: str, published: str = "2021-12-29") -> ArticleIn:
    return ArticleIn(
        text=f"Headline about {name}\n\nBody of {name}.", published=date.fromisoformat(published), source=f"/{name}"
    )


def ev(targets: list[str], when: str | None, **fields) -> EventIn:
    fields.setdefault("evidence", f"{targets[0]} liquidated {when}")
    fields.setdefault("country", "RU")
    kind = {"type": "closure", "subtype": "forced_liquidation", "status": "occurred"}
    return EventIn(**kind, targets=targets, date=when, **fields)


def store(engine, *items: tuple[ArticleIn, list[EventIn]]) -> None:
    results = list(ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.ok for r in results), [r.reason for r in results]


@pytest.fixture
def stored(store_engine):
    """One event (id 1), and an analyst."""
    store(store_engine, (art("a.txt"), [ev(["Memorial"], "2021-12", actor="Supreme Court")]))
    with session(store_engine) as s:
        add_user(s, "anna", "a long enough password")
        s.commit()
    return store_engine


def analyst(s):
    return accounts_module.get_user(s, "anna")


def target_keys(s, event_id: int, role: str = "target") -> set[str]:
    query = select(Entity.key).join(EventEntity).where(EventEntity.event_id == event_id, EventEntity.role == role)
    return set(s.scalars(query))


def test_confirm_reject_reopen_with_audit(stored) -> None:
    with session(stored) as s:
        event = review_event(s, 1, analyst(s), "confirm", note="checked the court's site")
        s.commit()
        assert (event.review_state, event.reviewed_by) == ("confirmed", "anna")
        assert event.reviewed_at is not None
        review_event(s, 1, "anna", "reject")
        review_event(s, 1, None, "reopen")
        s.commit()
        assert s.get(Event, 1).review_state == "unreviewed"
        history = event_history(s, 1)
    assert [(h.action, h.username, h.before, h.after) for h in history] == [
        ("confirm", "anna", {"review_state": "unreviewed"}, {"review_state": "confirmed"}),
        ("reject", "anna", {"review_state": "confirmed"}, {"review_state": "rejected"}),
        ("reopen", None, {"review_state": "rejected"}, {"review_state": "unreviewed"}),
    ]
    assert history[0].note == "checked the court's site" and history[0].user_id is not None
    assert history[0].at.tzinfo is not None and history[0].to_dict()["object_id"] == "1"


def test_review_refuses_unknown_events_and_actions(stored) -> None:
    with session(stored) as s:
        with pytest.raises(ReviewError, match="no event with id 99"):
            review_event(s, 99, "anna", "confirm")
        with pytest.raises(ReviewError, match="unknown review action"):
            review_event(s, 1, "anna", "approve")


def test_edit_event(stored) -> None:
    with session(stored) as s:
        assert target_keys(s, 1) == {"memorial"}
        event = edit_event(
            s,
            1,
            analyst(s),
            {"date": "2021-12-28", "targets": [" Memorial ", "OVD-Info"], "actor": "Supreme Court", "country": "ru"},
            note="date from the ruling",
        )
        s.commit()
        assert (event.date, event.date_start, event.date_end) == ("2021-12-28", date(2021, 12, 28), date(2021, 12, 28))
        assert event.targets == ["Memorial", "OVD-Info"]
        assert (event.review_state, event.reviewed_by) == ("edited", "anna")
        assert event.edited_fields == ["date", "targets"]  # the actor and country did not change
        assert len(target_keys(s, 1)) == 2 and "memorial" in target_keys(s, 1)  # OVD-Info is linked too
        [entry] = event_history(s, 1)
        assert (entry.action, entry.note) == ("edit", "date from the ruling")
        assert entry.before == {"date": "2021-12", "targets": ["Memorial"]}
        assert entry.after == {"date": "2021-12-28", "targets": ["Memorial", "OVD-Info"]}

        assert target_keys(s, 1, "actor") == {"supreme-court"}
        edit_event(s, 1, "anna", {"type": "sanction", "subtype": "fine", "actor": None, "location": "Москва"})
        s.commit()
        event = s.get(Event, 1)
        assert (event.type, event.subtype, event.actor, event.location) == ("sanction", "fine", None, "Москва")
        assert event.edited_fields == ["date", "targets", "type", "subtype", "actor", "location"]
        assert target_keys(s, 1, "actor") == set()  # the link went with the actor
        assert len(target_keys(s, 1)) == 2

        assert edit_event(s, 1, "anna", {"date": "2021-12-28"}) is event  # no change: nothing written
        s.commit()
        assert len(event_history(s, 1)) == 2
        review_event(s, 1, "anna", "reopen")
        assert s.get(Event, 1).review_state == "edited"  # reopened, still edited
        assert [e.action for e in recent_audit(s, user="anna")] == ["reopen", "edit", "edit"]
        assert [e.action for e in recent_audit(s, limit=1)] == ["reopen"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"evidence": "made up"}, "evidence"),
        ({"type": "arrest"}, "type"),
        ({"subtype": "fine"}, "subtype"),  # not a closure's subtype
        ({"type": "sanction"}, "subtype"),  # forced_liquidation is not a sanction's
        ({"status": "maybe"}, "status"),
        ({"date": "yesterday"}, "date"),
        ({"date": "2021-13-45"}, "date"),
        ({"date": 2021}, "date"),
        ({"country": "XX"}, "country"),
        ({"country": "RUS"}, "country"),
        ({"targets": []}, "targets"),
        ({"targets": "Memorial"}, "targets"),
        ({"targets": ["  "]}, "targets"),
        ({"targets": [3]}, "targets"),
        ({"actor": "x" * 600}, "actor"),
    ],
)
def test_edit_refuses_bad_values(stored, changes: dict, field: str) -> None:
    with session(stored) as s:
        with pytest.raises(ReviewError) as raised:
            edit_event(s, 1, "anna", changes)
        assert raised.value.field == field and field in str(raised.value)
        s.rollback()
        assert s.get(Event, 1).review_state == "unreviewed" and event_history(s, 1) == []


def test_valid_edtf_forms_are_accepted(stored) -> None:
    with session(stored) as s:
        for value in ("2021", "2021-12", "2021-22", "XXXX-12-28", "2021-12-01/2021-12-28", None):
            edit_event(s, 1, "anna", {"date": value})
        assert (s.get(Event, 1).date, s.get(Event, 1).date_start) == (None, None)


def test_later_reports_keep_edits_and_review_states(stored) -> None:
    with session(stored) as s:
        edit_event(s, 1, "anna", {"date": "2021", "actor": "Supreme Court of Russia", "targets": ["Memorial"]})
        edit_event(s, 1, "anna", {"targets": ["Memorial", "OVD-Info"], "status": "planned"})
        s.commit()
    store(stored, (art("b.txt"), [ev(["Memorial", "Agora"], "2021-12-28", actor="A Moscow court", location="Moscow")]))
    with session(stored) as s:
        event = s.get(Event, 1)
        assert event.source_count == 2  # the report merged into the edited event ...
        assert (event.date, event.actor, event.targets, event.status) == (
            "2021",  # ... without its more precise date,
            "Supreme Court of Russia",  # its actor,
            ["Memorial", "OVD-Info"],  # its targets
            "planned",  # or its status
        )
        assert event.location == "Moscow"  # a field nobody edited is merged as usual
        assert (event.review_state, event.edited_fields) == ("edited", ["date", "actor", "targets", "status"])
        assert "agora" not in target_keys(s, 1)

        other = s.scalars(select(Event).where(Event.id != 1)).all()
        assert other == []
        review_event(s, 1, "anna", "reject")
        s.commit()
    store(stored, (art("c.txt", "2021-12-30"), [ev(["Memorial"], "2021-12-28")]))
    with session(stored) as s:
        event = s.get(Event, 1)
        assert (event.review_state, event.source_count) == ("rejected", 3)  # still rejected, not a new event
        assert s.scalars(select(Event.id)).all() == [1]


def test_a_confirmed_event_stays_confirmed(stored) -> None:
    with session(stored) as s:
        review_event(s, 1, "anna", "confirm")
        s.commit()
    store(stored, (art("b.txt"), [ev(["Memorial"], "2021-12-28")]))
    with session(stored) as s:
        event = s.get(Event, 1)
        assert (event.review_state, event.date, event.source_count) == ("confirmed", "2021-12-28", 2)
