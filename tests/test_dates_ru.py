"""Russian date finder: sentence + publication date -> date mentions with EDTF values, per the evaluation contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time

import edtf
import pytest

from civicwatch.extract.dates_ru import DateMention, find_dates, resolve_date_ru

THU = dt.date(2015, 10, 29)  # a Thursday in late October
SAT = dt.date(2015, 10, 31)  # the day "Династия" closed
MON = dt.date(2016, 4, 18)  # a Monday, for same-day weekday rules
NEW_YEAR = dt.date(2016, 1, 5)  # early January (a Tuesday), for year roll-back


# --- explicit dates: the anchor does not matter -----------------------------

EXPLICIT = [
    ("1 января 2015 года", "2015-01-01"),
    ("4 июля 2016", "2016-07-04"),
    ("23 окт. 2015 г.", "2015-10-23"),
    ("в пятницу, 23 октября 2015 года", "2015-10-23"),
    ("31.10.2015", "2015-10-31"),
    ("31/10/2015", "2015-10-31"),
    ("2015-10-31", "2015-10-31"),
    ("в июне 2014 года", "2014-06"),
    ("в мае 2015", "2015-05"),
    ("в начале сентября 2014 года", "2014-09"),
    ("с конца июня 2014-го", "2014-06"),
    ("январем-июнем 2015 года", "2015-01/2015-06"),
    ("в 2012 году", "2012"),
    ("2012 года", "2012"),  # dateparser reads this as the year 3
    ("с 2012 года", "2012"),
    ("в 2014-м", "2014"),
    ("в 2015 г.", "2015"),
    ("в 2015.", "2015"),
    ("в начале 2016 года", "2016"),
    ("в первом полугодии 2016 года", "2016"),
    ("в 2013–2015 годах", "2013/2015"),
    ("в 1990-х", "199X"),
    ("в 1990-е годы", "199X"),
    ("в 90-х годах", "199X"),
    ("летом 2014 года", "2014-22"),
    ("летом 2012 года", "2012-22"),
    ("весной 2015-го", "2015-21"),
    ("осенью 2013 года", "2013-23"),
    ("зимой 2012 года", "2012-24"),
    ("с лета 2014 года", "2014-22"),
    ("23-25 мая 2014 года", "2014-05-23/2014-05-25"),
]


@pytest.mark.parametrize("published", [THU, MON, None])
@pytest.mark.parametrize(("expression", "expected"), EXPLICIT)
def test_explicit_dates_ignore_the_anchor(expression: str, published: dt.date | None, expected: str) -> None:
    assert resolve_date_ru(expression, published) == expected


# --- phrases resolved against a known publication date ----------------------

ANCHORED = [
    # day and month: latest such day on or before publication
    ("8 июля", THU, "2015-07-08"),
    ("23 мая", THU, "2015-05-23"),
    ("17 июня", THU, "2015-06-17"),
    ("в пятницу, 23 октября", THU, "2015-10-23"),
    ("Пятница, 23 октября", THU, "2015-10-23"),
    ("29 октября", THU, "2015-10-29"),
    ("31 октября", THU, "2014-10-31"),  # not yet come: a year back
    ("с 31 октября", SAT, "2015-10-31"),
    ("до 1-го ноября", THU, "2014-11-01"),
    ("20 декабря", NEW_YEAR, "2015-12-20"),
    ("29 февраля", THU, "2012-02-29"),
    ("25 мая этого года", THU, "2015-05-25"),
    ("25 мая прошлого года", THU, "2014-05-25"),
    ("23-25 мая", THU, "2015-05-23/2015-05-25"),
    # month alone: latest such month on or before the publication month
    ("в январе", THU, "2015-01"),
    ("в декабре", THU, "2014-12"),
    ("в октябре", THU, "2015-10"),
    ("в середине сентября", THU, "2015-09"),
    ("к концу ноября", THU, "2014-11"),
    ("в первых числах марта", THU, "2015-03"),
    ("в январе", NEW_YEAR, "2016-01"),
    ("в декабре", NEW_YEAR, "2015-12"),
    ("на уровне января-февраля", THU, "2015-01/2015-02"),
    # "в прошлом декабре": strictly before the publication month
    ("в прошлом декабре", THU, "2014-12"),
    ("в прошлом сентябре", THU, "2015-09"),
    ("в прошлом октябре", THU, "2014-10"),
    ("в прошлом декабре", NEW_YEAR, "2015-12"),
    ("в следующем январе", THU, "2016-01"),
    ("в декабре прошлого года", THU, "2014-12"),
    ("в декабре прошлого года", NEW_YEAR, "2015-12"),
    ("в марте этого года", THU, "2015-03"),
    ("в марте текущего года", THU, "2015-03"),
    # weekdays: latest on or before, the same day included
    ("в понедельник", THU, "2015-10-26"),
    ("во вторник", THU, "2015-10-27"),
    ("в среду вечером", THU, "2015-10-28"),
    ("в четверг", THU, "2015-10-29"),
    ("в пятницу", THU, "2015-10-30"),  # the day after publication: a page dated in a time zone behind
    ("в воскресенье", THU, "2015-10-25"),
    ("в субботу утром", THU, "2015-10-24"),
    ("в прошлую пятницу", THU, "2015-10-23"),
    ("в понедельник", MON, "2016-04-18"),
    ("со среды", MON, "2016-04-13"),
    ("в следующий понедельник", MON, "2016-04-25"),
    # days around publication
    ("вчера", THU, "2015-10-28"),
    ("вчера вечером", THU, "2015-10-28"),
    ("позавчера", THU, "2015-10-27"),
    ("сегодня", THU, "2015-10-29"),
    ("сегодня утром", THU, "2015-10-29"),
    ("накануне", THU, "2015-10-28"),
    ("Накануне вечером", THU, "2015-10-28"),
    ("прошлой ночью", THU, "2015-10-28"),
    ("вчера", dt.date(2016, 1, 1), "2015-12-31"),
    # relative weeks, months, years
    ("на прошлой неделе", THU, "2015-10-19/2015-10-25"),
    ("на прошлой неделе", MON, "2016-04-11/2016-04-17"),
    ("на этой неделе", THU, "2015-10-26/2015-10-29"),
    ("на этой неделе", MON, "2016-04-18"),
    ("на следующей неделе", THU, "2015-11-02/2015-11-08"),
    ("в прошлом месяце", THU, "2015-09"),
    ("в прошлом месяце", NEW_YEAR, "2015-12"),
    ("в этом месяце", THU, "2015-10"),
    ("в прошлом году", THU, "2014"),
    ("в этом году", THU, "2015"),
    ("в текущем году", THU, "2015"),
    ("в позапрошлом году", THU, "2013"),
    ("прошлого года", THU, "2014"),
    ("в первом полугодии текущего года", THU, "2015"),
    ("в конце прошлого года", THU, "2014"),
    ("в выходные", MON, "2016-04-16/2016-04-17"),
    ("в прошлые выходные", THU, "2015-10-24/2015-10-25"),
    # "назад"
    ("два года назад", THU, "2013"),
    ("год назад", THU, "2014"),
    ("три месяца назад", NEW_YEAR, "2015-10"),
    ("5 дней назад", THU, "2015-10-24"),
    ("неделю назад", THU, "2015-10-19/2015-10-25"),
    # seasons without a year
    ("весной", THU, "2015-21"),
    ("летом", THU, "2015-22"),
    ("зимой", NEW_YEAR, "2015-24"),
    ("прошлым летом", THU, "2015-22"),
    ("прошлым летом", MON, "2015-22"),
    ("этой весной", MON, "2016-21"),
    ("весной этого года", THU, "2015-21"),
    ("летом прошлого года", THU, "2014-22"),
    ("в конце лета", THU, "2015-22"),
]


@pytest.mark.parametrize(("expression", "published", "expected"), ANCHORED)
def test_relative_phrases_resolve_against_publication(expression: str, published: dt.date, expected: str) -> None:
    assert resolve_date_ru(expression, published) == expected


# --- the same phrases with no publication date ------------------------------

UNANCHORED = [
    ("8 июля", "XXXX-07-08"),
    ("23 мая", "XXXX-05-23"),
    ("в пятницу, 23 октября", "XXXX-10-23"),
    ("МОСКВА, 27 апреля.", "XXXX-04-27"),
    ("с 31 октября", "XXXX-10-31"),
    ("29 февраля", "XXXX-02-29"),
    ("25 мая этого года", "XXXX-05-25"),
    ("23-25 мая", "XXXX-05-23/XXXX-05-25"),
    ("в январе", "XXXX-01"),
    ("в середине сентября", "XXXX-09"),
    ("в прошлом декабре", "XXXX-12"),
    ("в декабре прошлого года", "XXXX-12"),  # the month is stated, only the year is unknown
    ("января-февраля", "XXXX-01/XXXX-02"),
    ("в понедельник", None),
    ("в среду вечером", None),
    ("вчера", None),
    ("сегодня", None),
    ("накануне", None),
    ("на прошлой неделе", None),
    ("в прошлом месяце", None),
    ("в прошлом году", None),
    ("в этом году", None),
    ("два года назад", None),
    ("в выходные", None),
    ("весной", None),  # EDTF has no unspecified-year season
    ("прошлым летом", None),
    ("весной этого года", None),  # not a bare "весной" either
]


@pytest.mark.parametrize(("expression", "expected"), UNANCHORED)
def test_without_publication_date_only_stated_parts_survive(expression: str, expected: str | None) -> None:
    assert resolve_date_ru(expression, None) == expected


# --- not dates at all -----------------------------------------------------------

NOT_DATES = [
    "около 19.30",  # a time
    "на 595-м километре федеральной трассы",
    "оштрафовал на 300 тысяч рублей",
    "по ст. 19.34 КоАП РФ",
    "ч. 2 ст. 20.2 КоАП",
    "два года",
    "на два года",
    "в течение месяца",
    "в течение двух лет",
    "много лет назад",
    "несколько лет назад",
    "до 2000 рублей",
    "2015 человек",
    "каждую пятницу",
    "по понедельникам",
    "ежегодно в январе",
    "движение «Весна»",
    "Марта Иванова",
    "Мая Плисецкая",
    "в среде правозащитников",
    "защита окружающей среды",
    "влияние на окружающую среду",
    "на лету",
    "с борта самолета",
    "накануне выборов",
    "это год перемен",
    "10:01",
    "",
    "   ",
    "Президент подписал закон об иностранных агентах.",
]


@pytest.mark.parametrize("published", [THU, MON, None])
@pytest.mark.parametrize("text", NOT_DATES)
def test_times_counts_durations_and_names_are_not_dates(text: str, published: dt.date | None) -> None:
    assert find_dates(text, published) == []


# --- sentences: every mention, its span and its preposition ---------------------

SENTENCES = [
    (
        "Госдума одобрила документа 23 мая.",
        dt.date(2014, 6, 4),
        [("23 мая", "2014-05-23", None)],
    ),
    (
        "Закон об иностранных агентов был принят летом 2012 года.",
        dt.date(2014, 6, 4),
        [("летом 2012 года", "2012-22", None)],
    ),
    (
        "МОСКВА, 27 апреля. /ТАСС/. Минюст России включил в перечень три организации.",
        dt.date(2017, 4, 27),
        [("27 апреля", "2017-04-27", None)],
    ),
    (
        "Накануне эти организации признала нежелательными в РФ Генеральная прокуратура России.",
        dt.date(2017, 4, 27),
        [("Накануне", "2017-04-26", None)],
    ),
    (
        "Микроавтобус Комитета по предотвращению пыток атаковали в среду вечером неизвестные в масках. "
        "Однако около 19.30 на 595-м километре федеральной трассы ему преградили путь.",
        dt.date(2016, 3, 10),
        [("среду вечером", "2016-03-09", "в")],
    ),
    (
        "Решение о прекращении деятельности организации с 31 октября было принято в середине сентября.",
        SAT,
        [("31 октября", "2015-10-31", "с"), ("середине сентября", "2015-09", "в")],
    ),
    (
        "17 июня мировой судья оштрафовал фонд Зимина на 300 тысяч рублей по ст. 19.34 КоАП РФ.",
        SAT,
        [("17 июня", "2015-06-17", None)],
    ),
    (
        "25 мая этого года Минюст внес в реестр фонд, а в 2014 году на эти цели было потрачено 352 млн.",
        SAT,
        [("25 мая этого года", "2015-05-25", None), ("2014 году", "2014", "в")],
    ),
    (
        "В пятницу, 23 октября, полиция провела обыск; ранее, в 2012 году, центр внесли в реестр.",
        THU,
        [("пятницу, 23 октября", "2015-10-23", "в"), ("2012 году", "2012", "в")],
    ),
    (
        "Экспорт вырос по сравнению с январем-июнем 2015 года, а в апреле добыча упала.",
        dt.date(2016, 7, 4),
        [("январем-июнем 2015 года", "2015-01/2015-06", "с"), ("апреле", "2016-04", "в")],
    ),
    (
        "Акции прошли с 23 по 25 мая 2014 года и с 2012 по 2014 год.",
        THU,
        [
            ("23", "2014-05-23", "с"),
            ("25 мая 2014 года", "2014-05-25", "по"),
            ("2012", "2012", "с"),
            ("2014 год", "2014", "по"),
        ],
    ),
    (
        "Накануне 9 мая активистов задержали, а на прошлой неделе суд продлил арест до 1 декабря.",
        THU,
        [
            ("9 мая", "2015-05-09", "накануне"),
            ("прошлой неделе", "2015-10-19/2015-10-25", "на"),
            ("1 декабря", "2014-12-01", "до"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "published", "expected"), SENTENCES)
def test_sentences_give_every_mention_with_its_preposition(
    text: str, published: dt.date, expected: list[tuple[str, str, str | None]]
) -> None:
    assert [(m.text, m.value, m.preposition) for m in find_dates(text, published)] == expected


def test_explicit_date_after_a_weekday_is_one_mention() -> None:
    text = "Акция прошла в пятницу, 23 октября, у здания суда."
    assert find_dates(text, THU) == [DateMention(15, 34, "пятницу, 23 октября", "2015-10-23", "в")]


def test_prepositions_are_exposed_not_included() -> None:
    found = {m.preposition: m.text for m in find_dates("Он арестован до 31 октября, а с 1 ноября отпущен.", THU)}
    assert found == {"до": "31 октября", "с": "1 ноября"}


def test_mentions_are_frozen() -> None:
    mention = find_dates("8 июля", THU)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.value = "2015"  # type: ignore[misc]


def test_resolve_needs_exactly_one_mention() -> None:
    assert resolve_date_ru("8 июля и 9 июля", THU) is None
    assert resolve_date_ru("соседи", THU) is None


def test_datetime_anchor_is_treated_as_its_date() -> None:
    assert resolve_date_ru("вчера", dt.datetime(2016, 4, 19, 23, 30)) == "2016-04-18"


@pytest.mark.parametrize("expression", ["8 июля", "в январе", "на прошлой неделе", "в среду вечером", "весной"])
def test_case_yo_and_spacing_do_not_matter(expression: str) -> None:
    variants = [expression.upper(), expression.capitalize(), expression.replace(" ", "  ")]
    assert {resolve_date_ru(v, THU) for v in variants} == {resolve_date_ru(expression, THU)}
    assert resolve_date_ru("в январе", THU) == resolve_date_ru("январём", THU) == "2015-01"


# --- properties over every phrase in the tables ---------------------------------

ALL_TEXTS = sorted(
    {e for e, _ in EXPLICIT}
    | {e for e, _, _ in ANCHORED}
    | {e for e, _ in UNANCHORED}
    | set(NOT_DATES)
    | {t for t, _, _ in SENTENCES}
)
ANCHORS = [None, THU, SAT, MON, NEW_YEAR, dt.date(2016, 2, 29), dt.date(2015, 12, 31), dt.date(2016, 1, 1)]


@pytest.mark.parametrize("published", ANCHORS)
@pytest.mark.parametrize("text", ALL_TEXTS)
def test_mentions_slice_back_are_ordered_and_valid_edtf(text: str, published: dt.date | None) -> None:
    mentions = find_dates(text, published)
    end = 0
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= end  # in order, no overlaps
        end = mention.end
        edtf.parse_edtf(mention.value)


# Phrases that may legitimately point past the publication date are left out: explicit years, "this", "next".
FUTURE = re.compile(r"\d{4}|следующ|завтра|эт[оиау]|текущ")
PAST_TEXTS = [t for t in ALL_TEXTS if not FUTURE.search(t.lower())]
BARE_WEEKDAY = re.compile(r"(?<!прошл[уоы][юйм] )(?:понедельник|вторник|сред[уы]|четверг|пятниц|суббот|воскресень)")


@pytest.mark.parametrize("published", [p for p in ANCHORS if p is not None])
@pytest.mark.parametrize("text", PAST_TEXTS)
def test_past_phrases_do_not_start_after_publication(text: str, published: dt.date) -> None:
    # a bare weekday may be the day after publication: the page dated in a time zone behind the act's
    weekday = BARE_WEEKDAY.search(text.lower()) is not None
    for mention in find_dates(text, published):
        lower = edtf.struct_time_to_date(edtf.parse_edtf(mention.value).lower_strict())
        assert lower <= published + dt.timedelta(days=1 if weekday else 0), mention


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_unanchored_results_state_no_invented_year(text: str) -> None:
    for mention in find_dates(text, None):
        if not mention.value.startswith("XXXX"):
            # Any concrete year comes from the text itself ("199X" from "1990-х" or "90-х").
            stated = mention.value[:4].rstrip("X")
            assert stated in text or f"{stated[2:]}0" in text, mention


# --- natasha as an oracle: every date it finds, we find, with the same parts ------


def test_every_natasha_date_is_inside_a_mention_that_agrees() -> None:
    natasha = pytest.importorskip("natasha")
    extractor = natasha.DatesExtractor(natasha.MorphVocab())
    for text in ALL_TEXTS:
        mentions = find_dates(text, THU)
        for match in extractor(text):
            fact = match.fact
            if text[match.start : match.stop] in ("2000 человек", "2015 человек"):
                continue  # natasha reads a count as a year; we do not
            covering = [m for m in mentions if m.start <= match.start and match.stop <= m.end]
            assert covering, (text, text[match.start : match.stop])
            # An interval ("январем-июнем 2015 года") agrees if either end does.
            assert any(_agrees(value, fact) for value in covering[0].value.split("/")), (text, covering[0], fact)


def _agrees(value: str, fact: object) -> bool:
    parts = value.split("-")
    stated = [getattr(fact, "year", None), getattr(fact, "month", None), getattr(fact, "day", None)]
    return all(
        want is None or (len(parts) > i and parts[i] == f"{want:0{4 if i == 0 else 2}d}")
        for i, want in enumerate(stated)
    )


# --- speed -------------------------------------------------------------------------


def test_a_thirty_word_sentence_is_cheap() -> None:
    """A guard against a pathological regex only (CPU time, generous): speed is bench/'s business."""
    sentence = (
        "В пятницу, 23 октября, сотрудники полиции провели обыск в офисе правозащитного центра «Мемориал» "
        "в Москве, сообщили в организации; ранее в 2012 году центр был внесен в реестр иностранных агентов."
    )
    for _ in range(20):
        find_dates(sentence, THU)
    runs = 200
    began = time.process_time()
    for _ in range(runs):
        find_dates(sentence, THU)
    assert (time.process_time() - began) / runs < 20e-3
