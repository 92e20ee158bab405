"""The English extractor on short hand-written snippets, one behaviour each.

These use the real spaCy model; the extractor is loaded once per process.
"""

from __future__ import annotations

import json

import pytest

from civicwatch.extract import extract
from civicwatch.model import EVENT_TYPES, STATUSES, Event

PUB = "2015-07-09"

SCHEMA_FIELDS = {
    "type",
    "subtype",
    "status",
    "targets",
    "actor",
    "date",
    "location",
    "country",
    "evidence",
}

DESIGNATION = (
    "The Justice Ministry added Alpha Rights Centre, Beta Monitor and Gamma Foundation "
    "to the register of foreign agents on Monday."
)
UNDESIRABLE = "Prosecutors declared the Open Dialogue Fund an undesirable organization."
COURT_FINE = "A Moscow court fined the Delta Association 300,000 rubles on March 3."
WARNING = "The Justice Ministry warned the Kappa Institute that the group will be fined."
PLANNED_CLOSURE = "The Omega Society will be liquidated, its director said."
FORCED_LIQUIDATION = "The Supreme Court ordered the liquidation of the Lambda Movement on Thursday."
RAID = "Police raided the offices of the Epsilon Centre in Grozny on Wednesday."
ARSON = "The office of the Zeta Union in Grozny was set on fire by unidentified assailants."
LAW_SIGNED = "President Vladimir Putin signed the law on foreign agents in 2012."
REACTION = "Amnesty International condemned the fine against the Delta Association."
ACRONYM = (
    "The Committee for Civic Rights (CCR) has worked in Perm since 1995. "
    "On Monday, the CCR was fined 500,000 rubles by a local court."
)
JANUARY = "The Theta Foundation was designated a foreign agent in January."
NEGATED = "The court refused to liquidate the Iota Group."
NOTHING = "The city council approved a new budget for road repairs on Tuesday. The bridge will open in May."

ALL_SNIPPETS = [
    DESIGNATION,
    UNDESIRABLE,
    COURT_FINE,
    WARNING,
    PLANNED_CLOSURE,
    FORCED_LIQUIDATION,
    RAID,
    ARSON,
    LAW_SIGNED,
    REACTION,
    ACRONYM,
    JANUARY,
    NEGATED,
    NOTHING,
]


def _of(events: list[Event], kind: str, subtype: str | None = None) -> list[Event]:
    return [e for e in events if e.type == kind and (subtype is None or e.subtype == subtype)]


def _one(events: list[Event], kind: str, subtype: str) -> Event:
    found = _of(events, kind, subtype)
    assert len(found) == 1, f"expected one {kind}/{subtype}, got {[e.to_dict() for e in events]}"
    return found[0]


def _lower(names: list[str]) -> set[str]:
    return {n.lower() for n in names}


# -- designations -------------------------------------------------------------


def test_designation_with_conjoined_targets_is_one_event() -> None:
    events = extract(DESIGNATION, published="2014-07-21")
    assert len(_of(events, "designation")) == 1
    event = _one(events, "designation", "foreign_agent")
    assert event.status == "occurred"
    assert event.date == "2014-07-21"
    assert _lower(event.targets) == {"alpha rights centre", "beta monitor", "gamma foundation"}
    assert event.actor is not None and "justice ministry" in event.actor.lower()


def test_declared_undesirable_organization() -> None:
    event = _one(extract(UNDESIRABLE, published=PUB), "designation", "undesirable")
    assert event.status == "occurred"
    assert "Open Dialogue Fund" in event.targets
    assert event.actor == "Prosecutors"


def test_undesirable_predicate_is_not_a_target() -> None:
    text = "The Prosecutor General's Office declared the Open Dialogue Fund an undesirable organization on Tuesday."
    event = _one(extract(text, published="2016-04-19"), "designation", "undesirable")
    assert event.targets == ["Open Dialogue Fund"]
    assert event.date == "2016-04-19"


def test_passive_designation_keeps_its_agent() -> None:
    text = "The Open Dialogue Fund was declared an undesirable organization by the Prosecutor General's Office."
    event = _one(extract(text, published=PUB), "designation", "undesirable")
    assert event.actor is not None and "prosecutor general" in event.actor.lower()


# -- sanctions ----------------------------------------------------------------


def test_court_fine_has_court_actor_and_publication_year() -> None:
    event = _one(extract(COURT_FINE, published="2016-04-19"), "sanction", "fine")
    assert event.status == "occurred"
    assert event.targets == ["Delta Association"]
    assert event.actor is not None and "court" in event.actor.lower()
    assert event.date == "2016-03-03"


@pytest.mark.xfail(
    reason="known miss: the trained layer rarely reads a future passive ('will be fined') in a clause after "
    "a warning as an event of its own (threatened sanctions are 10 of about 1,100 training events); "
    "the warning is found",
    strict=False,
)
def test_ministry_warning_plus_threatened_fine() -> None:
    events = extract(WARNING, published=PUB)
    warning = _one(events, "sanction", "warning")
    assert warning.status == "occurred"
    assert warning.actor is not None and "ministry" in warning.actor.lower()
    assert "Kappa Institute" in warning.targets
    fine = _one(events, "sanction", "fine")
    assert fine.status == "threatened"
    assert "Kappa Institute" in fine.targets


def test_warning_without_object_resolves_the_group() -> None:
    text = (
        "The Kappa Institute has refused to register as a foreign agent. "
        "The Justice Ministry warned that the group will be fined."
    )
    events = extract(text, published=PUB)
    warning = _one(events, "sanction", "warning")
    assert warning.status == "occurred"
    assert "Kappa Institute" in warning.targets
    assert _one(events, "sanction", "fine").status == "threatened"


def test_warning_needs_a_state_body() -> None:
    text = "Amnesty International warned that the Kappa Institute will be fined."
    assert _of(extract(text, published=PUB), "sanction", "warning") == []


# -- closures -----------------------------------------------------------------


def test_will_be_liquidated_is_planned_closure() -> None:
    event = _one(extract(PLANNED_CLOSURE, published=PUB), "closure", "self_liquidation")
    assert event.status == "planned"
    assert event.targets == ["Omega Society"]


def test_court_ordered_liquidation_is_forced() -> None:
    event = _one(extract(FORCED_LIQUIDATION, published=PUB), "closure", "forced_liquidation")
    assert event.status == "occurred"
    assert event.targets == ["Lambda Movement"]
    assert event.actor is not None and "court" in event.actor.lower()
    assert event.date == "2015-07-09"


def test_court_ordered_to_be_liquidated_keeps_the_court() -> None:
    text = "The Supreme Court ordered the Lambda Movement to be liquidated."
    event = _one(extract(text, published=PUB), "closure", "forced_liquidation")
    assert event.actor is not None and "court" in event.actor.lower()


def test_negated_liquidation_is_no_closure() -> None:
    assert _of(extract(NEGATED, published=PUB), "closure") == []


# -- prosecution, attack, law -------------------------------------------------


def test_police_raid() -> None:
    event = _one(extract(RAID, published=PUB), "prosecution", "raid")
    assert event.status == "occurred"
    assert event.targets == ["Epsilon Centre"]
    assert event.actor is not None and event.actor.lower() == "police"
    assert event.location == "Grozny"
    assert event.date == "2015-07-08"


def test_arson_by_unidentified_assailants() -> None:
    event = _one(extract(ARSON, published=PUB), "attack", "arson")
    assert event.status == "occurred"
    assert event.targets == ["Zeta Union"]
    assert event.actor is not None and event.actor.lower() == "unidentified assailants"


def test_law_signed_in_a_year() -> None:
    event = _one(extract(LAW_SIGNED, published=PUB), "law", "signed")
    assert event.status == "occurred"
    assert event.date == "2012"
    assert event.actor is not None and "putin" in event.actor.lower()


def test_law_target_is_its_name_as_written() -> None:
    event = _one(extract(LAW_SIGNED, published=PUB), "law", "signed")
    assert any("foreign agents" in t.lower() for t in event.targets)


# -- reactions ----------------------------------------------------------------


def test_condemnation_by_an_ngo() -> None:
    event = _one(extract(REACTION, published=PUB), "reaction", "condemnation")
    assert event.actor == "Amnesty International"
    assert "Delta Association" in event.targets


def test_condemning_ngo_is_not_the_actor_of_the_measure() -> None:
    events = extract(REACTION, published=PUB)
    assert [e.to_dict() for e in events if e.type != "reaction" and e.actor == "Amnesty International"] == []


# -- names and dates ----------------------------------------------------------


def test_acronym_resolves_to_full_name() -> None:
    event = _one(extract(ACRONYM, published=PUB), "sanction", "fine")
    assert event.targets == ["Committee for Civic Rights"]
    assert event.actor is not None and "court" in event.actor.lower()
    assert event.date == "2015-07-06"


def test_an_acronym_s_name_starts_in_its_own_sentence() -> None:
    from civicwatch.extract.entities import ArticleContext
    from civicwatch.lexicons import load_lexicon

    context = ArticleContext(load_lexicon("en"))
    context.scan_text(
        "A court fined the Daily Voice on Monday. Reporters Without Borders (RSF) condemned the fine. "
        "The St. Petersburg Legal Aid Centre (SPLAC) said so too."
    )
    assert context.aliases["rsf"] == "Reporters Without Borders"
    assert context.aliases["splac"] == "St. Petersburg Legal Aid Centre"


@pytest.mark.parametrize(("published", "expected"), [(PUB, "2015-01"), (None, "XXXX-01")])
def test_month_resolved_against_publication(published: str | None, expected: str) -> None:
    event = _one(extract(JANUARY, published=published), "designation", "foreign_agent")
    assert event.date == expected


def test_repeated_mentions_are_one_event() -> None:
    text = (
        "The Justice Ministry added the Committee Against Torture "
        "to the register of foreign agents. "
        "Its director said the group would appeal. "
        "The Committee Against Torture was added to the register of foreign agents on January 14."
    )
    events = _of(extract(text, published=PUB), "designation")
    assert len(events) == 1
    assert events[0].date == "2015-01-14"


def test_event_in_banner_is_flagged_boilerplate() -> None:
    text = (
        "Local officials in Perm opened a new library on Tuesday.\n"
        "The library has room for 20,000 books and a reading hall.\n"
        "The mayor said that more libraries would follow next year.\n"
        "\n"
        "A Message from Perm Daily:\n"
        "We rely on readers like you.\n"
        'Perm Daily has been declared an "undesirable" organization '
        "by the Prosecutor General's Office.\n"
    )
    events = extract(text, published=PUB)
    notice = _of(events, "designation", "undesirable")
    assert notice, "the notice is still read, only flagged"
    assert all(e.boilerplate for e in events)


# -- no content, invariants, serialisation ------------------------------------


def test_no_civic_space_content_gives_no_events() -> None:
    assert extract(NOTHING, published=PUB) == []


def test_empty_text_gives_no_events() -> None:
    assert extract("", published=PUB) == []


@pytest.mark.parametrize("text", ALL_SNIPPETS)
def test_confidence_and_evidence_offsets(text: str) -> None:
    framed = "Rights Groups Under Pressure\n\n  " + text + "\n\nPhoto: Staff photographer\n"
    for event in extract(framed, published=PUB):
        assert 0.0 <= event.confidence <= 1.0
        assert framed[event.evidence_start : event.evidence_end] == event.evidence
        assert event.evidence.strip()
        assert event.type in EVENT_TYPES and event.subtype in EVENT_TYPES[event.type]
        assert event.status in STATUSES
        assert event.targets and all(isinstance(t, str) and t for t in event.targets)


def test_to_dict_is_json_with_schema_fields() -> None:
    events = extract(DESIGNATION + " " + COURT_FINE, published="2014-07-21")
    assert events
    for event in events:
        data = json.loads(json.dumps(event.to_dict()))
        assert SCHEMA_FIELDS <= set(data)
        assert isinstance(data["targets"], list)
        assert data["evidence"] == event.evidence


def test_an_act_of_last_week_is_dated_by_its_month() -> None:
    """SCHEMA.md dates acts by day, month or year: "last week" is the month that holds most of it, once the
    article's mentions are merged by the days themselves."""
    [raid] = extract("Police raided the office of the Kovalenko Foundation in Tver last week.", published="2016-05-04")
    assert (raid.subtype, raid.date) == ("raid", "2016-04")  # 25 April to 1 May
