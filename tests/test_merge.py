"""Merging repeated mentions of one act into one event."""

from __future__ import annotations

import pytest

from civicwatch.extract.merge import dates_agree, merge_events
from civicwatch.model import Event


def _event(subtype: str, target: str, date: str | None, evidence: str, **kwargs) -> Event:
    return Event(
        type="designation",
        subtype=subtype,
        status="occurred",
        targets=[target],
        evidence=evidence,
        date=date,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("2015-07", "2015-07-08", True),
        ("2015-07-08", "2015-07", True),
        ("XXXX-07-08", "2015-07-08", True),
        ("2015-06", "2015-07", False),
        ("2015-07-08", "2015-07-09", False),
        (None, "2015-07-08", True),
        ("2015", None, True),
        (None, None, True),
    ],
)
def test_dates_agree(a: str | None, b: str | None, agree: bool) -> None:
    assert dates_agree(a, b) is agree


def test_two_mentions_of_one_act_merge() -> None:
    first = _event("foreign_agent", "Committee Against Torture", None, "It was branded a foreign agent.")
    second = _event(
        "foreign_agent",
        "the Committee Against Torture",
        "2015-01-14",
        "The Committee Against Torture was added to the register on January 14.",
        actor="Justice Ministry",
    )
    merged = merge_events([first, second])
    assert len(merged) == 1
    event = merged[0]
    assert event.date == "2015-01-14"
    assert event.actor == "Justice Ministry"
    assert event.to_dict()["mentions"] == 2


@pytest.mark.parametrize("order", ["short_first", "full_first"])
def test_the_fuller_name_of_one_actor_is_kept_whatever_the_order(order: str) -> None:
    short = _event(
        "foreign_agent", "Vesna Centre", None, "The court listed Vesna Centre.", actor="the court", confidence=0.9
    )
    full = _event(
        "foreign_agent",
        "Vesna Centre",
        None,
        "The Tver District Court listed it.",
        actor="Tver District Court",
        confidence=0.5,
    )
    mentions = [short, full] if order == "short_first" else [full, short]
    assert merge_events(mentions)[0].actor == "Tver District Court"
    other = _event("foreign_agent", "Vesna Centre", None, "The ministry listed it.", actor="Justice Ministry")
    kept = _event("foreign_agent", "Vesna Centre", None, "The court listed Vesna.", actor="the court", confidence=0.9)
    assert merge_events([kept, other])[0].actor == "the court"  # another body is no fuller name of it


def test_more_precise_date_is_kept_whatever_the_order() -> None:
    precise = _event("foreign_agent", "Committee Against Torture", "2015-01-14", "On January 14 ...")
    vague = _event("foreign_agent", "the Committee Against Torture", "2015-01", "In January ...")
    assert merge_events([precise, vague])[0].date == "2015-01-14"


def test_same_measure_on_different_dates_stays_apart() -> None:
    first = _event("foreign_agent", "Committee Against Torture", "2015-01-14", "First time.")
    second = _event("foreign_agent", "Committee Against Torture", "2016-03-02", "Second time.")
    merged = merge_events([first, second])
    assert len(merged) == 2
    assert {e.date for e in merged} == {"2015-01-14", "2016-03-02"}


def test_different_subtypes_stay_apart() -> None:
    agent = _event("foreign_agent", "Committee Against Torture", None, "Branded a foreign agent.")
    undesirable = _event("undesirable", "Committee Against Torture", None, "Declared undesirable.")
    assert len(merge_events([agent, undesirable])) == 2


def test_different_targets_stay_apart() -> None:
    one = _event("foreign_agent", "Committee Against Torture", None, "One.")
    other = _event("foreign_agent", "Memorial", None, "Other.")
    assert len(merge_events([one, other])) == 2


def test_names_the_shipped_alias_table_makes_one_meet() -> None:
    brand = _event("foreign_agent", "Meduza", "2021-04-23", "The outlet was listed.")
    legal = _event("foreign_agent", "SIA Medusa Project", "2021-04-23", "Its publisher was listed.")
    assert len(merge_events([brand, legal])) == 1


def test_body_mention_beats_boilerplate_evidence() -> None:
    banner = _event(
        "undesirable",
        "Perm Daily",
        None,
        "Perm Daily has been declared undesirable.",
        boilerplate=True,
    )
    body = _event("undesirable", "Perm Daily", None, "Prosecutors declared Perm Daily undesirable.")
    merged = merge_events([banner, body])
    assert len(merged) == 1
    assert merged[0].evidence == "Prosecutors declared Perm Daily undesirable."
    assert merged[0].boilerplate is False


def test_the_acts_of_the_first_reporting_sentence_are_the_lead() -> None:
    banner = _event("undesirable", "Perm Daily", None, "Banner.", boilerplate=True, evidence_start=0)
    news = _event("undesirable", "Golos", None, "Prosecutors declared Golos undesirable.", evidence_start=40)
    recalled = _event("foreign_agent", "Golos", "2013", "Golos was labelled in 2013.", evidence_start=90)
    again = _event("undesirable", "Golos", None, "The group called the move absurd.", evidence_start=140)
    merged = merge_events([banner, news, recalled, again])
    lead = {e.subtype: bool(e.extra.get("lead_act")) for e in merged if not e.boilerplate}
    assert lead == {"undesirable": True, "foreign_agent": False}  # the later report of the lead act keeps it


def test_a_restated_headline_hands_the_lead_to_the_body_report() -> None:
    headline = _event("undesirable", "Golos", None, "Golos declared undesirable", evidence_start=0)
    headline.extra["headline"] = True
    other = _event("foreign_agent", "Memorial", None, "Memorial was labelled.", evidence_start=30)
    body = _event("undesirable", "Memorial", None, "Prosecutors declared Memorial undesirable.", evidence_start=60)
    merged = merge_events([headline, other, body])
    assert [(e.subtype, bool(e.extra.get("lead_act"))) for e in merged] == [
        ("foreign_agent", False),
        ("undesirable", True),
    ]


def test_two_reports_of_signing_one_named_act_merge_in_an_article() -> None:
    def law(targets: list[str], date: str | None, evidence: str) -> Event:
        return Event(
            type="law", subtype="signed", status="occurred", targets=targets, date=date, evidence=evidence, country="RU"
        )

    named = law(["the 2012 foreign agent law"], None, "The president signed the 2012 foreign agent law.")
    unnamed = law(["new law"], "2012-07-20", "He signed the new law on 20 July.")
    assert len(merge_events([named, unnamed])) == 1
    # two mentions that name no act themselves stay apart: the article may tell of two laws
    assert len(merge_events([law(["new law"], None, "A."), law(["bill"], "2012-07-20", "B.")])) == 2
    # each chamber adopts an act: two adoptions of one act are two events
    duma = Event(
        type="law",
        subtype="adopted",
        status="occurred",
        targets=["the 2012 foreign agent law"],
        date=None,
        evidence="The Duma adopted the 2012 foreign agent law.",
        country="RU",
    )
    council = Event(
        type="law",
        subtype="adopted",
        status="occurred",
        targets=["new law"],
        date="2012-07-18",
        evidence="The upper house approved the new law on 18 July.",
        country="RU",
    )
    assert len(merge_events([duma, council])) == 2


def _prosecution(subtype: str, target: str, start: int, date: str | None = "2023-03-03") -> Event:
    return Event(
        type="prosecution",
        subtype=subtype,
        status="occurred",
        targets=[target],
        evidence="A court gave the activist ten years in prison.",
        evidence_start=start,
        date=date,
        confidence=0.8 if subtype == "conviction" else 0.6,
    )


def test_a_prison_sentence_read_as_conviction_and_detention_in_one_sentence_is_one_event() -> None:
    merged = merge_events(
        [_prosecution("conviction", "Ales Bialiatski", 0), _prosecution("detention", "Bialiatski", 0)]
    )
    assert [(e.subtype, e.to_dict()["mentions"]) for e in merged] == [("conviction", 2)]


def test_an_arrest_and_a_later_sentence_in_other_sentences_stay_two_events() -> None:
    arrest = _prosecution("detention", "Ales Bialiatski", 0, "2021-07-14")
    sentence = _prosecution("conviction", "Ales Bialiatski", 120)
    assert [e.subtype for e in merge_events([arrest, sentence])] == ["detention", "conviction"]


def test_an_arrest_and_a_sentence_told_by_two_verbs_of_one_sentence_stay_two_events() -> None:
    arrest = _prosecution("detention", "Ales Bialiatski", 0)
    arrest.extra.update(trigger="arrested", trigger_pos="VERB")
    sentence = _prosecution("conviction", "Ales Bialiatski", 0)
    sentence.extra.update(trigger="sentenced", trigger_pos="VERB")
    assert [e.subtype for e in merge_events([arrest, sentence])] == ["detention", "conviction"]
    # "sentenced to ten years in prison": the second trigger is a noun, and the sentence tells one act
    prison = _prosecution("detention", "Ales Bialiatski", 0)
    prison.extra.update(trigger="prison", trigger_pos="NOUN")
    assert [e.subtype for e in merge_events([sentence, prison])] == ["conviction"]


def test_two_acts_sharing_only_a_description_stay_apart() -> None:
    first = _prosecution("conviction", "Dzmitry Ruto", 0, None)
    first.targets = ["Dzmitry Ruto", "Tribuna journalist"]
    second = _prosecution("conviction", "Aliaksandr Ivulin", 90, None)
    second.targets = ["Tribuna journalist", "Aliaksandr Ivulin"]
    assert len(merge_events([first, second])) == 2
    # a name they share makes them one act, and descriptions alone still merge where neither names anyone
    second.targets = ["Tribuna journalist", "Dzmitry Ruto"]
    assert len(merge_events([first, second])) == 1
    bare = [_prosecution("conviction", "журналисты", start, None) for start in (0, 90)]
    assert len(merge_events(bare)) == 1


def test_acts_on_different_people_stay_apart_whatever_outlet_they_share() -> None:
    kinds = {"Ivan Petrov": "PERSON", "Petrov": "PERSON", "Anna Sidorova": "PERSON", "Tver Herald": "ORG"}

    def fined(person: str, start: int) -> Event:
        event = _prosecution("conviction", person, start, None)
        event.targets += ["Tver Herald"]
        return event

    assert len(merge_events([fined("Ivan Petrov", 0), fined("Anna Sidorova", 200)], kinds.get)) == 2
    # without the names' kinds, the outlet they share joins them
    assert len(merge_events([fined("Ivan Petrov", 0), fined("Anna Sidorova", 200)])) == 1
    # the same person named again is one act; a mention that names no person joins the first it meets
    mentions = [fined("Ivan Petrov", 0), fined("Anna Sidorova", 200), fined("Petrov", 400)]
    mentions.append(_prosecution("conviction", "Tver Herald", 600, None))
    merged = merge_events(mentions, kinds.get)
    assert [(e.targets[0], e.extra.get("mentions", 1)) for e in merged] == [("Ivan Petrov", 3), ("Anna Sidorova", 1)]


def test_a_register_update_that_names_other_people_in_its_next_sentence_stays_one_act() -> None:
    kinds = {"Ivan Petrov": "PERSON", "Anna Sidorova": "PERSON"}
    first = _event("foreign_agent", "Ivan Petrov", "2022-12-09", "Ivan Petrov was added to the register.")
    second = _event("foreign_agent", "Anna Sidorova", None, "Also on the list is Anna Sidorova.")
    first.targets.append("Tver Herald")
    second.targets.append("Tver Herald")
    assert len(merge_events([first, second], kinds.get)) == 1
