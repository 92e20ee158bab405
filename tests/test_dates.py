"""Date normaliser: phrase + publication date -> EDTF, per the evaluation contract."""

from __future__ import annotations

import datetime as dt
import re

import edtf
import pytest

from civicwatch.extract.dates import parse_published, resolve_date

THU = dt.date(2015, 7, 9)  # a Thursday in July
TUE = dt.date(2016, 4, 19)  # a Tuesday in April
MON = dt.date(2016, 4, 18)  # a Monday, for same-day weekday rules
NEW_YEAR = dt.date(2016, 1, 5)  # early January, for year roll-back


# --- explicit dates: the anchor does not matter -----------------------------

EXPLICIT = [
    ("March 9, 2016", "2016-03-09"),
    ("March 9 2016", "2016-03-09"),
    ("on March 9th, 2016", "2016-03-09"),
    ("10 Feb 2016", "2016-02-10"),
    ("the 9th of March 2016", "2016-03-09"),
    ("Wednesday, March 9, 2016", "2016-03-09"),
    ("June 2014", "2014-06"),
    ("in June 2014", "2014-06"),
    ("in June of 2014", "2014-06"),
    ("2012", "2012"),
    ("In 2012", "2012"),
    ("mid-2014", "2014"),
    ("the end of 2015", "2015"),
    ("summer 2014", "2014-22"),
    ("the spring of 2015", "2015-21"),
    ("autumn 2013", "2013-23"),
    ("fall 2013", "2013-23"),
    ("winter 2012", "2012-24"),
    ("the 1980s", "198X"),
    ("the late 1980s", "198X"),
    ("the 1980's", "198X"),
    ("the 2000s", "200X"),
    # dateparser fallback formats
    ("2016-03-09", "2016-03-09"),
    ("3/9/2016", "2016-03-09"),
    ("Tuesday 8 March 2016 at 10am", "2016-03-08"),
]


@pytest.mark.parametrize("published", [THU, TUE, None])
@pytest.mark.parametrize(("expression", "expected"), EXPLICIT)
def test_explicit_dates_ignore_the_anchor(expression: str, published: dt.date | None, expected: str) -> None:
    assert resolve_date(expression, published) == expected


# --- phrases resolved against a known publication date ----------------------

ANCHORED = [
    # day and month: latest such day on or before publication
    ("July 8", THU, "2015-07-08"),
    ("July 9", THU, "2015-07-09"),
    ("July 10", THU, "2014-07-10"),
    ("on 18 May", THU, "2015-05-18"),
    ("January 28", THU, "2015-01-28"),
    ("Feb 10", THU, "2015-02-10"),
    ("Sept. 5", THU, "2014-09-05"),
    ("December 20", NEW_YEAR, "2015-12-20"),
    ("the 8th of July", THU, "2015-07-08"),
    ("Tuesday, March 8", TUE, "2016-03-08"),
    ("Feb 29", THU, "2012-02-29"),
    # month alone: latest such month on or before the publication month
    ("in January", THU, "2015-01"),
    ("In December", THU, "2014-12"),
    ("in July", THU, "2015-07"),
    ("in early December", THU, "2014-12"),
    ("this January", THU, "2015-01"),
    ("December last year", THU, "2014-12"),
    # a day in a year counted from the publication's
    ("On January 3 this year", THU, "2015-01-03"),
    ("5 March last year", THU, "2014-03-05"),
    ("Tuesday, March 8 of next year", THU, "2016-03-08"),
    # "last <month>": strictly before the publication month
    ("last September", THU, "2014-09"),
    ("last December", THU, "2014-12"),
    ("last June", THU, "2015-06"),
    ("last July", THU, "2014-07"),
    ("last December", NEW_YEAR, "2015-12"),
    # weekdays: latest on or before, the same day included; a bare weekday the day after publication is
    # that day (the page dated in a time zone behind the act's), "last <weekday>" six days before
    ("on Friday", THU, "2015-07-10"),
    ("last Friday", THU, "2015-07-03"),
    ("on Monday", THU, "2015-07-06"),
    ("Wednesday", THU, "2015-07-08"),
    ("on Wednesday", TUE, "2016-04-20"),
    ("last Tuesday", THU, "2015-07-07"),
    ("Thursday", THU, "2015-07-09"),
    ("on Monday", MON, "2016-04-18"),
    ("Monday night", MON, "2016-04-18"),
    ("next Monday", MON, "2016-04-25"),
    # a time of day, or "late"/"early", before a day word: the day
    ("late Wednesday", THU, "2015-07-08"),
    ("early on Monday", THU, "2015-07-06"),
    ("late last night", TUE, "2016-04-18"),
    ("8:30 this morning", TUE, "2016-04-19"),
    ("at 10 a.m. Monday", THU, "2015-07-06"),
    ("11.30 on Wednesday", THU, "2015-07-08"),
    # days around publication
    ("yesterday", TUE, "2016-04-18"),
    ("last night", TUE, "2016-04-18"),
    ("yesterday morning", TUE, "2016-04-18"),
    ("today", TUE, "2016-04-19"),
    ("this morning", TUE, "2016-04-19"),
    ("tonight", TUE, "2016-04-19"),
    ("yesterday", dt.date(2016, 1, 1), "2015-12-31"),
    # relative months, years, weeks
    ("last month", TUE, "2016-03"),
    ("last month", NEW_YEAR, "2015-12"),
    ("this month", TUE, "2016-04"),
    ("earlier this month", TUE, "2016-04"),
    ("last year", TUE, "2015"),
    ("last year's", TUE, "2015"),
    ("this year", TUE, "2016"),
    ("earlier this year", TUE, "2016"),
    ("last week", TUE, "2016-04-11/2016-04-17"),
    ("last week", MON, "2016-04-11/2016-04-17"),
    ("earlier this week", TUE, "2016-04-18/2016-04-19"),
    ("earlier this week", MON, "2016-04-18"),
    ("over the weekend", MON, "2016-04-16/2016-04-17"),
    # "ago"
    ("two years ago", TUE, "2014"),
    ("a year ago", TUE, "2015"),
    ("three months ago", NEW_YEAR, "2015-10"),
    ("three days ago", TUE, "2016-04-16"),
    # seasons without a year
    ("in the summer", THU, "2015-22"),
    ("in the summer", TUE, "2015-22"),
    ("last summer", THU, "2014-22"),
    ("last summer", TUE, "2015-22"),
    ("this winter", NEW_YEAR, "2015-24"),
    ("the winter", TUE, "2015-24"),
]


@pytest.mark.parametrize(("expression", "published", "expected"), ANCHORED)
def test_relative_phrases_resolve_against_publication(expression: str, published: dt.date, expected: str) -> None:
    assert resolve_date(expression, published) == expected


# --- the same phrases with no publication date ------------------------------

UNANCHORED = [
    ("July 8", "XXXX-07-08"),
    ("on 18 May", "XXXX-05-18"),
    ("January 28", "XXXX-01-28"),
    ("Feb 29", "XXXX-02-29"),
    ("Tuesday, March 8", "XXXX-03-08"),
    ("in January", "XXXX-01"),
    ("In December", "XXXX-12"),
    ("last September", "XXXX-09"),
    ("last December", "XXXX-12"),
    ("3/9", "XXXX-03-09"),
    ("on Monday", None),
    ("last Tuesday", None),
    ("yesterday", None),
    ("last night", None),
    ("today", None),
    ("last month", None),
    ("earlier this month", None),
    ("last year", None),
    ("this year", None),
    ("last week", None),
    ("earlier this week", None),
    ("two years ago", None),
    ("in the summer", None),  # EDTF has no unspecified-year season
    ("December last year", None),
    ("January 3 this year", "XXXX-01-03"),
]


@pytest.mark.parametrize(("expression", "expected"), UNANCHORED)
def test_without_publication_date_only_stated_parts_survive(expression: str, expected: str | None) -> None:
    assert resolve_date(expression, None) == expected


# --- not dates at all -----------------------------------------------------------

NOT_DATES = [
    "two months",
    "a two-month",
    "for up to two years",
    "biannual",
    "quarterly",
    "weeks",
    "hours",
    "days",
    "four years",
    "a year",
    "24,000 euros per year",
    "the past several years",
    "every March",
    "annual 2015",
    "0:30",
    "21:34",
    "February 30",
    "February 30, 2016",
    "",
    "   ",
    "soon",
    "the first week of March",
]


@pytest.mark.parametrize("published", [THU, MON, None])
@pytest.mark.parametrize("expression", NOT_DATES)
def test_durations_frequencies_and_noise_are_not_dates(expression: str, published: dt.date | None) -> None:
    assert resolve_date(expression, published) is None


# --- properties over every phrase in the tables ---------------------------------

ALL_EXPRESSIONS = sorted(
    {e for e, _ in EXPLICIT} | {e for e, _, _ in ANCHORED} | {e for e, _ in UNANCHORED} | set(NOT_DATES)
)
ANCHORS = [None, THU, TUE, MON, NEW_YEAR, dt.date(2016, 2, 29), dt.date(2015, 12, 31), dt.date(2016, 1, 1)]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FUTURE_WORDS = ("next", "tomorrow", "tonight", "this", "later", "2016")


@pytest.mark.parametrize("published", ANCHORS)
@pytest.mark.parametrize("expression", ALL_EXPRESSIONS)
def test_every_result_is_valid_edtf(expression: str, published: dt.date | None) -> None:
    result = resolve_date(expression, published)
    if result is not None:
        edtf.parse_edtf(result)


# Phrases that may legitimately point past the publication date are left out.
PAST_EXPRESSIONS = [e for e in ALL_EXPRESSIONS if not any(w in e.lower() for w in FUTURE_WORDS)]


@pytest.mark.parametrize("published", [p for p in ANCHORS if p is not None])
@pytest.mark.parametrize("expression", PAST_EXPRESSIONS)
def test_past_phrases_do_not_start_after_publication(expression: str, published: dt.date) -> None:
    result = resolve_date(expression, published)
    if result is not None:
        lower = edtf.struct_time_to_date(edtf.parse_edtf(result).lower_strict())
        # a bare weekday may be the day after publication: the page dated in a time zone behind the act's
        weekday = any(d in expression.lower() for d in WEEKDAYS) and "last" not in expression.lower()
        assert lower <= published + dt.timedelta(days=1 if weekday else 0)


@pytest.mark.parametrize("expression", ALL_EXPRESSIONS)
def test_unanchored_results_state_no_invented_year(expression: str) -> None:
    result = resolve_date(expression, None)
    if result is not None and not result.startswith("XXXX"):
        # Any concrete year must come from the phrase itself (decades "198X" from "1980s").
        assert result[:3] in expression


@pytest.mark.parametrize("expression", ["July 8", "last week", "in January", "on Monday", "the late 1980s"])
def test_case_punctuation_and_spacing_do_not_matter(expression: str) -> None:
    variants = [expression.upper(), f"  {expression}. ", expression.replace(" ", "  ")]
    assert {resolve_date(v, TUE) for v in variants} == {resolve_date(expression, TUE)}


def test_datetime_anchor_is_treated_as_its_date() -> None:
    assert resolve_date("yesterday", dt.datetime(2016, 4, 19, 23, 30)) == "2016-04-18"


# --- parse_published ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-04-19", dt.date(2016, 4, 19)),
        ("2016-04-19T10:00:00Z", dt.date(2016, 4, 19)),
        ("2016-04-19T23:30:00-05:00", dt.date(2016, 4, 19)),
        (" 2016-04-19 ", dt.date(2016, 4, 19)),
        (dt.date(2016, 4, 19), dt.date(2016, 4, 19)),
        (dt.datetime(2016, 4, 19, 10, 0), dt.date(2016, 4, 19)),
        (None, None),
        ("", None),
    ],
)
def test_parse_published_accepts_iso_and_dates(value: str | dt.date | None, expected: dt.date | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "19/04/2016", "2016-13-01", "April 2016"])
def test_parse_published_rejects_garbage_naming_it(value: str) -> None:
    with pytest.raises(ValueError, match=re.escape(value)):
        parse_published(value)


def test_parse_published_rejects_other_types() -> None:
    with pytest.raises(ValueError, match="20160419"):
        parse_published(20160419)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "2022", "0000", "2022-01", "2022-12", "2022-12-31", "2024-02-29", "1999-02-29", "2022-02-30", "2022-13",
        "2022-00", "2022-21", "2022-24", "2022-25", "XXXX", "XXXX-03", "XXXX-02-29", "XXXX-02-30", "XXXX-13",
        "XXXX-21", "2022-XX", "2022-01-XX", "199X", "2022?", "2016/2017", "٢٠٢٢", "2022-1-1", "20220101", "",
    ],
)  # fmt: skip
def test_is_valid_edtf_agrees_with_the_edtf_parser(value: str) -> None:
    """Plain years, months, days and seasons skip the parser (is_valid_edtf's fast path): same answers."""
    from civicwatch.core.dates import is_valid_edtf

    try:
        edtf.parse_edtf(value)
        parsed = True
    except Exception:
        parsed = False
    assert is_valid_edtf(value) is parsed


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("2016-04-11/2016-04-17", "2016-04"),  # "last week"
        ("2016-04-25/2016-05-01", "2016-04"),  # most of the week in April
        ("2016-04-29/2016-05-03", "2016-05"),
        ("2016-01-01/2016-12-31", "2016-01-01/2016-12-31"),  # longer than a month: kept
        ("2016-04-11", "2016-04-11"),
        (None, None),
    ],
)
def test_an_events_date_is_given_in_the_schemas_precisions(edtf: str | None, expected: str | None) -> None:
    from civicwatch.core.dates import in_schema

    assert in_schema(edtf) == expected
