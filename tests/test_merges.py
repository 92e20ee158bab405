"""Analysts merging and splitting events (civicwatch.store.merges): audited, reversible, and kept by later
ingests and re-extractions."""

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
from civicwatch.store import EventQuery, ReviewError, edit_event, event_history, list_events, review_event, session
from civicwatch.store import accounts as accounts_module
from civicwatch.store.accounts import add_user
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.learning import replace_events
from civicwatch.store.merges import merge_events, split_report, undo, undone_by
from civicwatch.store.models import Entity, Event, EventEntity, Mention


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def art(name: str, published: str = "2021-12-29", language: str = "en") -> ArticleIn:
    return ArticleIn(
        text=f"Headline about {name}\n\nBody of {name}.",
        published=date.fromisoformat(published),
        source=f"/{name}",
        url=f"https://news.example/{name}",
        language=language,
    )


def ev(targets: list[str], when: str | None, **fields) -> EventIn:
    fields.setdefault("evidence", f"{targets[0]} liquidated {when}")
    fields.setdefault("country", "RU")
    kind = {"type": "closure", "subtype": "forced_liquidation", "status": "occurred"}
    return EventIn(**kind, targets=targets, date=when, **fields)


def store(engine, *items: tuple[ArticleIn, list[EventIn]]) -> list:
    results = list(ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in items]))
    assert all(r.ok for r in results), [r.reason for r in results]
    return results


def state(s) -> dict:
    """Every event's reports (article ids) and target keys, the review state and pointer."""
    s.expire_all()
    out = {}
    for event in s.scalars(select(Event).order_by(Event.id)):
        articles = sorted(s.scalars(select(Mention.article_id).where(Mention.event_id == event.id)))
        keys = sorted(
            s.scalars(
                select(Entity.key)
                .join(EventEntity)
                .where(EventEntity.event_id == event.id, EventEntity.role == "target")
            )
        )
        out[event.id] = (articles, keys, event.review_state, event.merged_into, event.source_count, event.date)
    return out


@pytest.fixture
def two(store_engine):
    """Event 1: Memorial liquidated (two articles, 1 and 2); event 2: the same act in article 3, which the
    automatic merge kept apart (the extractor gave it the next day)."""
    store(
        store_engine,
        (art("a"), [ev(["Memorial"], "2021-12-28")]),
        (art("b", "2021-12-30"), [ev(["Memorial"], None)]),
        (art("c", "2021-12-29", "ru"), [ev(["Human Rights Centre Memorial"], "2021-12-29")]),
    )
    with session(store_engine) as s:
        add_user(s, "anna", "a long enough password")
        s.commit()
        assert [e.sources for e in list_events(s)] in ([2, 1], [1, 2])
    return store_engine


def test_merge_moves_reports_and_undo_restores_everything(two) -> None:
    with session(two) as s:
        before = state(s)
        assert before[1][0] == [1, 2] and before[2][0] == [3]
        event = merge_events(s, 1, 2, "anna", note="the same act")
        s.commit()
        after = state(s)
        assert after[1][0] == [1, 2, 3] and after[1][4] == 3
        assert set(before[2][1]) <= set(after[1][1])  # event 2's target now named by event 1
        assert after[2][:5] == ([], [], "merged", 1, 0)  # kept, not deleted
        assert event.targets == ["Memorial"] and event.date == "2021-12-28"
        assert [e.id for e in list_events(s)] == [1]  # the merged event is listed as the one it joined
        assert [e.id for e in list_events(s, EventQuery(include_rejected=True))] == [1]
        assert count_consistency_problems(s) == []
        moved = s.scalars(select(Mention).where(Mention.article_id == 3)).one()
        assert moved.extra["placed_by"] == "anna" and moved.extra["merge"]["merged_by"] == "anna"
        history = event_history(s, 1)
        assert [h.action for h in history] == ["merge"] and history[0].after == {"merged": 2, "mentions": [3]}
        assert [h.action for h in event_history(s, 2)] == ["merged-into"]

        undo(s, history[0].id, "anna", note="two acts after all")
        s.commit()
        assert state(s) == before
        assert undone_by(s, history[0].id) is not None
        with pytest.raises(ReviewError, match="undone already"):
            undo(s, history[0].id, "anna")
        assert [h.action for h in event_history(s, 1)] == ["merge", "undo-merge"]
        assert count_consistency_problems(s) == []


def test_split_and_undo(two) -> None:
    with session(two) as s:
        before = state(s)
        new = split_report(s, 1, 2, "anna", note="a different liquidation")
        s.commit()
        after = state(s)
        assert after[1][0] == [1] and after[1][4] == 1
        assert after[new.id][0] == [2] and after[new.id][1] == ["memorial"] and after[new.id][4] == 1
        assert after[new.id][5] is None  # the split-off report was undated
        assert after[1][5] == "2021-12-28"
        assert count_consistency_problems(s) == []
        (entry,) = event_history(s, 1)
        assert entry.action == "split" and entry.after["new_event"] == new.id
        undo(s, entry.id, "anna")
        s.commit()
        restored = state(s)
        assert restored[1] == before[1] and restored[2] == before[2]
        assert restored[new.id][:4] == ([], [], "merged", 1)  # no report left: marked merged back
        assert count_consistency_problems(s) == []


def test_refusals(two) -> None:
    with session(two) as s:
        with pytest.raises(ReviewError, match="into itself"):
            merge_events(s, 1, 1, "anna")
        with pytest.raises(ReviewError, match="no event to merge 99"):
            merge_events(s, 1, 99, "anna")
        with pytest.raises(ReviewError, match="nothing to split"):
            split_report(s, 2, 3, "anna")
        with pytest.raises(ReviewError, match="does not report"):
            split_report(s, 1, 3, "anna")
        merge_events(s, 1, 2, "anna")
        with pytest.raises(ReviewError, match="was merged into event 1"):
            merge_events(s, 2, 1, "anna")
        with pytest.raises(ReviewError, match="was merged into event 1"):
            review_event(s, 2, "anna", "reopen")  # it would come back as an event with no report
        with pytest.raises(ReviewError, match="was merged into event 1"):
            edit_event(s, 2, "anna", {"date": "2021-12"})
    store(two, (art("d"), [ev(["Memorial"], "2021-12-28"), ev(["Human Rights Centre Memorial"], "2021-12-29")]))
    with session(two) as s:
        both = s.scalars(select(Mention.event_id).where(Mention.article_id == 4)).all()
        assert len(set(both)) == 2
        with pytest.raises(ReviewError, match="reports both events"):
            merge_events(s, both[0], both[1], "anna")


def test_later_ingests_and_reextraction_keep_the_decisions(two) -> None:
    with session(two) as s:
        new = split_report(s, 1, 2, "anna").id
        merge_events(s, 1, 2, "anna")
        s.commit()
        decided = state(s)
    # the same files again: nothing changes
    again = store(
        two,
        (art("a"), [ev(["Memorial"], "2021-12-28")]),
        (art("b", "2021-12-30"), [ev(["Memorial"], None)]),
        (art("c", "2021-12-29", "ru"), [ev(["Human Rights Centre Memorial"], "2021-12-29")]),
    )
    assert [r.status for r in again] == ["duplicate"] * 3
    with session(two) as s:
        assert state(s) == decided
        # re-extracting the split-off and merged articles keeps their reports where the analyst put them
        replace_events(s, 2, [ev(["Memorial"], None)])
        replace_events(s, 3, [])
        s.commit()
        assert {k: v[0] for k, v in state(s).items()} == {k: v[0] for k, v in decided.items()}
    # a new report of the act goes to an event the analyst kept, never to the merged one
    (later,) = store(two, (art("e", "2021-12-31", "ru"), [ev(["Human Rights Centre Memorial"], "2021-12-28")]))
    with session(two) as s:
        event_id = s.scalars(select(Mention.event_id).where(Mention.article_id == later.article_id)).one()
        assert event_id == 1 != new
        assert state(s)[2][0] == []
        assert count_consistency_problems(s) == []


def test_an_undated_act_beside_a_dated_one_in_its_sentence_has_no_window(store_engine) -> None:
    """ "On August 28 the prosecutor filed a lawsuit to liquidate Kloop": the liquidation it asks for is
    undated, and is not the court's liquidation reported on the next day."""
    sentence = "On August 28 the prosecutor filed a lawsuit to liquidate Kloop."
    lawsuit = EventIn("prosecution", "lawsuit", "occurred", ["Kloop"], sentence, date="2023-08-28", country="KG")
    asked = EventIn("closure", "forced_liquidation", "occurred", ["Kloop"], sentence, country="KG")
    ruling = ev(["Kloop"], "2024-02-09", country="KG", evidence="The court liquidated Kloop on February 9.")
    first, later = store(
        store_engine,
        (art("lawsuit", "2024-02-10"), [lawsuit, asked]),
        (art("ruling", "2024-02-11"), [ruling]),
    )
    assert later.merged == 0 and later.new_events == 1
    with session(store_engine) as s:
        beside = s.scalars(select(Mention).where(Mention.type == "closure", Mention.article_id == first.article_id))
        assert beside.one().extra["undated_beside"] == "prosecution"
    # without the dated act beside it, the undated report is within the window of the ruling: they merge
    alone = store(
        store_engine,
        (art("asked-alone", "2024-02-10"), [EventIn("closure", "forced_liquidation", "occurred", ["Kloop"], "X.")]),
    )
    assert alone[0].merged == 1


def test_a_date_without_its_year_is_placed_in_the_years_of_the_reports(store_engine) -> None:
    """ "On April 23" (XXXX-04-23) in an undated article meets the undated report published on 2021-04-23."""
    undated = ev(["Meduza"], None, evidence="Meduza was liquidated, the ministry said.")
    store(store_engine, (art("undated", "2021-04-23"), [undated]))
    no_year = ev(["Meduza"], "XXXX-04-23", evidence="On April 23 Meduza was liquidated.")
    other = ev(["Meduza"], "XXXX-06-03", evidence="On June 3 Meduza was liquidated.")
    items = [(ArticleIn(text=f"Head {n}\n\nBody {n}.", source=f"/{n}"), [e]) for n, e in (("a", no_year), ("b", other))]
    april, june = store(store_engine, *items)
    assert (april.merged, june.merged) == (1, 0)


def test_of_two_reports_of_an_article_the_dated_one_joins_the_stored_event(store_engine) -> None:
    store(store_engine, (art("first", "2024-02-10"), [ev(["Kloop"], None, evidence="Kloop was liquidated.")]))
    undated = ev(["Kloop"], None, evidence="The court liquidated Kloop, its lawyers said.")
    dated = ev(["Kloop"], "2024-02-09", evidence="On February 9 the court liquidated Kloop.")
    (later,) = store(store_engine, (art("second", "2024-02-11"), [undated, dated]))
    with session(store_engine) as s:
        joined = s.scalars(select(Mention).where(Mention.article_id == later.article_id, Mention.event_id == 1)).one()
        assert joined.date == "2024-02-09"
