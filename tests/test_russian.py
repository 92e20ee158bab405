"""The Russian extractor on short hand-written snippets, one behaviour each.

These use the real natasha and pymorphy models; the extractor is loaded once per process.
Targets are compared as the scorer compares them: case-insensitively, without quotes, as a
whole-word sequence of the predicted name ("фонд «Свобода слова»" holds "Свобода слова").
"""

from __future__ import annotations

import re

import pytest

from civicwatch.extract import extract
from civicwatch.model import EVENT_TYPES, STATUSES, Event

PUB = "2015-07-09"

DESIGNATION = "Минюст внес фонд «Свобода слова» в реестр иностранных агентов."
UNDESIRABLE = "Генпрокуратура признала нежелательной организацию «Открытый диалог»."
PASSIVE_SUMMER = "«Общественный вердикт» был включен в реестр иноагентов летом 2015 года."
DELISTING = "Минюст исключил фонд «Гражданская инициатива» из реестра иностранных агентов."
# a bare name says nothing of civic space, so the snippets name what the group is (issue 11: events concern it)
FINE = "Суд оштрафовал правозащитный центр «Мемориал» на 500 тысяч рублей."
WARNING = "Прокуратура вынесла предупреждение правозащитному центру «Рубеж»."
WARNED_THEN_FINED = "Минюст предупредил фонд «Рубеж», что организация будет оштрафована."
RAID = "Сотрудники полиции провели обыски в офисе фонда «Право голоса» в Казани."
DETENTION = "Правозащитник Олег Смирнов задержан в Махачкале."
CRIMINAL_CASE = "Против журналиста Андрея Волкова возбуждено уголовное дело."
FORCED_LIQUIDATION = "Верховный суд ликвидировал ассоциацию «Голос Севера»."
PLANNED_CLOSURE = "Организация «Северный путь» будет ликвидирована, сообщил ее директор."
LAWSUIT = "Минюст подал иск о ликвидации движения «Гражданский контроль»."
ARSON = "Неизвестные подожгли офис «Комитета солидарности» в Пскове."
ASSAULT = "В Чечне неизвестные напали на журналистов «Новой газеты»."
LAW_SIGNED = "Путин подписал закон о нежелательных организациях."
FIRST_READING = "Госдума приняла в первом чтении законопроект о контроле над иностранными агентами."
CONDEMNATION_AFTER = "Суд оштрафовал «Мемориал» на 500 тысяч рублей. Amnesty International осудила это решение."
CONDEMNATION = "Amnesty International осудила ликвидацию правозащитного общества «Мемориал»."
APPEAL = "СПЧ призвал власти освободить журналиста Андрея Волкова."
JULY_8 = "Суд оштрафовал правозащитный центр «Мемориал» на 300 тысяч рублей 8 июля."
IN_JANUARY = "Фонд «Свобода слова» был внесен в реестр иностранных агентов в январе."
LAST_DECEMBER = "Минюст внес фонд «Свобода слова» в реестр иностранных агентов в прошлом декабре."
INFLECTED = "Районный суд оштрафовал «Солдатских матерей» на 100 тысяч рублей."
TWO_TARGETS = "Минюст внес в реестр иностранных агентов фонд «Свобода слова» и центр «Открытая среда»."
LABEL = "Фонд «Свобода слова» (внесен в реестр иностранных агентов) провел конференцию в Москве."
LABEL_MEDIA = "Телеканал «Дождь» (СМИ признано иностранным агентом) сообщил об этом."
LABEL_IN_FINE = (
    "Суд оштрафовал правозащитный центр «Мемориал» (внесен в реестр иностранных агентов) на 500 тысяч рублей."
)
FOOTNOTE = "«Мемориал»* провел конференцию в Москве.\n\n*Внесен Минюстом в реестр иностранных агентов."
ECONOMY = (
    "Урожай пшеницы в России в этом году вырастет на 5% и составит 80 млн тонн, сообщил Минсельхоз. "
    "Курс рубля к доллару за неделю укрепился на 2%, экспорт зерна вырос."
)

ALL_SNIPPETS = [
    DESIGNATION,
    UNDESIRABLE,
    PASSIVE_SUMMER,
    DELISTING,
    FINE,
    WARNING,
    WARNED_THEN_FINED,
    RAID,
    DETENTION,
    CRIMINAL_CASE,
    FORCED_LIQUIDATION,
    PLANNED_CLOSURE,
    LAWSUIT,
    ARSON,
    ASSAULT,
    LAW_SIGNED,
    FIRST_READING,
    CONDEMNATION_AFTER,
    CONDEMNATION,
    APPEAL,
    JULY_8,
    IN_JANUARY,
    LAST_DECEMBER,
    INFLECTED,
    TWO_TARGETS,
    LABEL,
    LABEL_MEDIA,
    LABEL_IN_FINE,
    FOOTNOTE,
    ECONOMY,
]


def _ru(text: str, published: str | None = PUB) -> list[Event]:
    return extract(text, published=published)


def _of(events: list[Event], kind: str, subtype: str | None = None) -> list[Event]:
    return [e for e in events if e.type == kind and (subtype is None or e.subtype == subtype)]


def _one(events: list[Event], kind: str, subtype: str | None = None) -> Event:
    found = _of(events, kind, subtype)
    assert len(found) == 1, f"expected one {kind}/{subtype}, got {[e.to_dict() for e in events]}"
    return found[0]


def _norm(name: str) -> str:
    name = re.sub(r"[«»\"„“”*]", " ", name.lower().replace("ё", "е"))
    return " ".join(name.split())


def _holds(name: str, wanted: str) -> bool:
    """``name`` equals ``wanted`` or holds it as a whole-word sequence, quotes and case aside."""
    return re.search(rf"(?<!\w){re.escape(_norm(wanted))}(?!\w)", _norm(name)) is not None


def _has_target(event: Event, wanted: str) -> bool:
    return any(_holds(t, wanted) for t in event.targets)


def _actor_holds(event: Event, wanted: str) -> bool:
    return event.actor is not None and _holds(event.actor, wanted)


# -- designations and delistings ----------------------------------------------


def test_ministry_puts_a_fund_on_the_foreign_agent_register() -> None:
    event = _one(_ru(DESIGNATION), "designation", "foreign_agent")
    assert event.status == "occurred"
    assert _has_target(event, "Свобода слова")
    assert _actor_holds(event, "Минюст")
    assert event.country == "RU"


def test_prosecutors_declare_an_organization_undesirable() -> None:
    event = _one(_ru(UNDESIRABLE), "designation", "undesirable")
    assert event.status == "occurred"
    assert _has_target(event, "Открытый диалог")
    assert _actor_holds(event, "Генпрокуратура")


def test_passive_designation_dated_by_season() -> None:
    event = _one(_ru(PASSIVE_SUMMER), "designation", "foreign_agent")
    assert _has_target(event, "Общественный вердикт")
    assert event.date == "2015-22"  # EDTF: summer 2015


def test_removal_from_the_register_is_a_delisting() -> None:
    events = _ru(DELISTING)
    event = _one(events, "delisting", "foreign_agent")
    assert event.status == "occurred"
    assert _has_target(event, "Гражданская инициатива")
    assert _actor_holds(event, "Минюст")
    assert _of(events, "designation") == []


def test_repeated_designation_is_one_event_with_the_later_date() -> None:
    text = DESIGNATION + " Фонд «Свобода слова» был внесен в реестр иностранных агентов 14 января."
    event = _one(_ru(text), "designation")
    assert event.date == "2015-01-14"


def test_conjoined_targets_of_one_designation() -> None:
    event = _one(_ru(TWO_TARGETS), "designation", "foreign_agent")
    assert _has_target(event, "Свобода слова")
    assert _has_target(event, "Открытая среда")


# -- sanctions ----------------------------------------------------------------


def test_court_fine_has_the_court_as_actor() -> None:
    event = _one(_ru(FINE), "sanction", "fine")
    assert event.status == "occurred"
    assert _has_target(event, "Мемориал")
    assert _actor_holds(event, "суд")


def test_inflected_target_is_given_in_the_nominative() -> None:
    event = _one(_ru(INFLECTED), "sanction", "fine")
    assert _has_target(event, "Солдатские матери")
    assert _actor_holds(event, "суд")


def test_issued_a_warning_is_a_sanction_warning() -> None:
    event = _one(_ru(WARNING), "sanction", "warning")
    assert event.status == "occurred"
    assert _has_target(event, "Рубеж")
    assert _actor_holds(event, "Прокуратура")


def test_warned_is_a_sanction_warning() -> None:
    event = _one(_ru(WARNED_THEN_FINED), "sanction", "warning")
    assert event.status == "occurred"
    assert _has_target(event, "Рубеж")
    assert _actor_holds(event, "Минюст")


def test_will_be_fined_after_a_warning_is_a_threatened_fine() -> None:
    fine = _one(_ru(WARNED_THEN_FINED), "sanction", "fine")
    assert fine.status == "threatened"
    assert _has_target(fine, "Рубеж")


# -- prosecution --------------------------------------------------------------


def test_searches_in_an_office_are_a_raid() -> None:
    event = _one(_ru(RAID), "prosecution", "raid")
    assert event.status == "occurred"
    assert _has_target(event, "Право голоса")
    assert _actor_holds(event, "полиция")  # "Сотрудники полиции": the body the officers serve, in the nominative
    assert event.location == "Казань"


def test_detained_person() -> None:
    event = _one(_ru(DETENTION), "prosecution", "detention")
    assert event.status == "occurred"
    assert _has_target(event, "Олег Смирнов")
    assert event.location == "Махачкала"


def test_criminal_case_opened_against_a_journalist() -> None:
    event = _one(_ru(CRIMINAL_CASE), "prosecution", "criminal_case")
    assert event.status == "occurred"
    assert event.targets


def test_genitive_person_name_is_given_in_the_nominative() -> None:
    event = _one(_ru(CRIMINAL_CASE), "prosecution", "criminal_case")
    assert _has_target(event, "Андрей Волков")


def test_suit_to_liquidate_is_a_lawsuit() -> None:
    events = _ru(LAWSUIT)
    event = _one(events, "prosecution", "lawsuit")
    assert event.status == "occurred"
    assert _has_target(event, "Гражданский контроль")
    assert _of(events, "closure") == []


def test_lawsuit_actor_is_the_ministry() -> None:
    event = _one(_ru(LAWSUIT), "prosecution", "lawsuit")
    assert _actor_holds(event, "Минюст")


# -- closures -----------------------------------------------------------------


def test_supreme_court_liquidation_is_forced() -> None:
    event = _one(_ru(FORCED_LIQUIDATION), "closure", "forced_liquidation")
    assert event.status == "occurred"
    assert _has_target(event, "Голос Севера")
    assert _actor_holds(event, "Верховный суд")


def test_will_be_liquidated_is_a_planned_closure() -> None:
    event = _one(_ru(PLANNED_CLOSURE), "closure", "self_liquidation")
    assert event.status == "planned"
    assert _has_target(event, "Северный путь")


def test_refusal_to_liquidate_is_no_closure() -> None:
    assert _of(_ru("Суд отказался ликвидировать организацию «Северный путь»."), "closure") == []


# -- attacks ------------------------------------------------------------------


def test_unknown_people_set_fire_to_an_office() -> None:
    event = _one(_ru(ARSON), "attack", "arson")
    assert event.status == "occurred"
    assert _has_target(event, "Комитет солидарности")
    assert _actor_holds(event, "Неизвестные")
    assert event.location == "Псков"


def test_attack_on_journalists_is_an_assault() -> None:
    event = _one(_ru(ASSAULT), "attack", "assault")
    assert event.status == "occurred"
    assert any("журналист" in t.lower() or "газет" in t.lower() for t in event.targets)
    assert _actor_holds(event, "неизвестные")


# -- laws ---------------------------------------------------------------------


def test_putin_signs_a_law_named_as_written() -> None:
    event = _one(_ru(LAW_SIGNED), "law", "signed")
    assert event.status == "occurred"
    assert _has_target(event, "закон о нежелательных организациях")
    assert _actor_holds(event, "Путин")


def test_first_reading_of_a_bill() -> None:
    events = _of(_ru(FIRST_READING), "law")
    assert len(events) == 1
    event = events[0]
    assert event.subtype in ("adopted", "proposed")
    assert _actor_holds(event, "Госдума")
    assert any(_norm(t).startswith("законопроект") for t in event.targets)


def test_bill_name_keeps_its_whole_complement() -> None:
    event = _one(_ru(FIRST_READING), "law")
    assert _has_target(event, "законопроект о контроле над иностранными агентами")


# -- reactions ----------------------------------------------------------------


@pytest.mark.xfail(
    reason="known miss: 'this decision' as a reaction's object is a measure argument the trained target "
    "model scores near 0, so the reaction has no target; the act it refers to is found",
    strict=False,
)
def test_condemnation_of_the_act_told_before() -> None:
    events = _ru(CONDEMNATION_AFTER)
    reaction = _one(events, "reaction", "condemnation")
    assert reaction.actor == "Amnesty International"
    assert _has_target(reaction, "Мемориал")
    assert _actor_holds(_one(events, "sanction", "fine"), "суд")


def test_condemnation_of_a_named_measure() -> None:
    events = _ru(CONDEMNATION)
    reaction = _one(events, "reaction", "condemnation")
    assert reaction.actor == "Amnesty International"
    assert _has_target(reaction, "Мемориал")
    assert [e.to_dict() for e in events if e.type != "reaction" and e.actor == "Amnesty International"] == []


def test_council_appeal_to_free_a_journalist() -> None:
    event = _one(_ru(APPEAL), "reaction", "appeal")
    assert event.status == "occurred"
    assert _actor_holds(event, "СПЧ")
    assert any("волков" in t.lower() for t in event.targets)


# -- dates --------------------------------------------------------------------


@pytest.mark.parametrize(("published", "expected"), [(PUB, "2015-07-08"), (None, "XXXX-07-08")])
def test_day_and_month_resolved_against_publication(published: str | None, expected: str) -> None:
    assert _one(_ru(JULY_8, published), "sanction", "fine").date == expected


@pytest.mark.parametrize(("published", "expected"), [(PUB, "2015-01"), (None, "XXXX-01")])
def test_month_resolved_against_publication(published: str | None, expected: str) -> None:
    assert _one(_ru(IN_JANUARY, published), "designation", "foreign_agent").date == expected


def test_last_december_is_the_year_before() -> None:
    assert _one(_ru(LAST_DECEMBER), "designation", "foreign_agent").date == "2014-12"


def test_december_is_the_latest_before_publication() -> None:
    text = "Минюст внес фонд «Свобода слова» в реестр иностранных агентов в декабре."
    assert _one(_ru(text), "designation", "foreign_agent").date == "2014-12"


# -- mandatory labels ---------------------------------------------------------


def test_parenthesised_label_is_not_an_event() -> None:
    assert _ru(LABEL) == []


def test_asterisk_footnote_is_not_an_event() -> None:
    assert _ru(FOOTNOTE) == []


def test_media_label_is_not_an_event() -> None:
    assert _ru(LABEL_MEDIA) == []


def test_label_inside_a_fine_is_masked_and_kept_as_asserted_status() -> None:
    events = _ru(LABEL_IN_FINE)
    assert _of(events, "designation") == []
    event = _one(events, "sanction", "fine")
    assert _has_target(event, "Мемориал")
    assert event.extra.get("asserted_status") == ["foreign_agent"]


# -- no content, encodings, invariants ----------------------------------------


def test_economy_news_gives_no_events() -> None:
    assert _ru(ECONOMY) == []


def test_cp1251_decoded_text_gives_the_same_events() -> None:
    text = "\n\n".join([DESIGNATION, FINE, ARSON, LAW_SIGNED, CONDEMNATION_AFTER])
    decoded = text.encode("cp1251").decode("cp1251")
    expected = [e.to_dict() for e in _ru(text)]
    assert expected
    assert [e.to_dict() for e in _ru(decoded)] == expected


def test_cp1251_bytes_read_by_the_source_reader_give_the_same_events() -> None:
    from civicwatch.sources.files import decode_bytes

    text = "\n\n".join([DESIGNATION, FINE, ARSON, LAW_SIGNED, CONDEMNATION_AFTER])
    decoded, encoding = decode_bytes(text.encode("cp1251"))
    assert encoding == "cp1251"
    assert [e.to_dict() for e in _ru(decoded)] == [e.to_dict() for e in _ru(text)]


def test_events_are_tagged_russian() -> None:
    events = _ru(DESIGNATION)
    assert events and all(e.extra.get("language") == "ru" for e in events)


@pytest.mark.parametrize("text", ALL_SNIPPETS)
def test_confidence_and_evidence_offsets(text: str) -> None:
    framed = "Новости гражданского общества\n\n  " + text + "\n\nФото: пресс-служба\n"
    for event in _ru(framed):
        assert 0.0 <= event.confidence <= 1.0
        assert framed[event.evidence_start : event.evidence_end] == event.evidence
        assert event.evidence.strip()
        assert event.type in EVENT_TYPES and event.subtype in EVENT_TYPES[event.type]
        assert event.status in STATUSES
        assert event.targets and all(isinstance(t, str) and t for t in event.targets)
