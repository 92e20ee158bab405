"""Normalise English date phrases from news text to EDTF strings.

Relative phrases ("last week", "on Monday", "in January") are anchored on the
article's publication date. When that date is unknown, only what the phrase
itself states survives: unspecified digits ("XXXX-07-08") or no date at all.

Our own regex handlers run first because dateparser gets several news idioms
wrong (it misses "last December", "earlier this month", seasons and decades,
returns last week's Monday for "on Monday" in a Monday article, and invents a
year from today's date when the publication date is unknown). dateparser is
the fallback for the long tail of formats ("3/9/2016", "2016-03-09", ...).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from civicwatch.extract import calendar

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

__all__ = ["parse_published", "resolve_date"]

Handler = Callable[[re.Match[str], dt.date | None], str | None]

# --- vocabulary -------------------------------------------------------------

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
MONTH_NAMES = _MONTH  # for language modules that find dates in parsed text
_WEEKDAY = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_SEASON = r"spring|summer|autumn|fall|winter"
_NUMBER = r"\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"

_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_WEEKDAY_NUMBERS = {name: number for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
        start=1,
    )
} | {"a": 1, "an": 1}

_SEASON_CODES = {
    "spring": calendar.SPRING,
    "summer": calendar.SUMMER,
    "autumn": calendar.AUTUMN,
    "fall": calendar.AUTUMN,
    "winter": calendar.WINTER,
}
# Relative words, by their offset from the publication period.
_OFFSETS = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1}

# Building blocks for the handler patterns; each pattern is matched against the whole phrase.
_M = rf"(?P<month>{_MONTH})\.?"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?P<year>\d{4})"
_S = rf"(?P<season>{_SEASON})"
_WD_PREFIX = rf"(?:(?:{_WEEKDAY})\.?,?\s+)?"  # "Tuesday, March 8" is dated by the day, not the weekday
_QUALIFIER = r"(?:(?:early|mid|late|end of|beginning of|start of|middle of)[\s-]+)?"

# --- normalisation ----------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t.,;:!?()[]\"'"
_POSSESSIVE = re.compile(r"(?<=[a-z])'s$")  # "last year's" -> "last year"; keeps "1980's"
_PREPOSITION = re.compile(r"^(?:on|in|at|during|since|from|by|around|until|till|through|throughout|as of|over)\s+")
_ARTICLE = re.compile(r"^the\s+")
# A time of day or "late"/"early" before a day word says no more than the day: "8:30 this morning",
# "late Thursday", "early on Monday".
_CLOCK = re.compile(
    r"^(?:(?:about|around|at)\s+)?(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\b\.?)?|\d{1,2}\s*[ap]\.?\s?m\b\.?),?\s+(?:(?:on|in)\s+)?"
)
_DAY_PART = re.compile(
    rf"^(?:late|early)\s+(?:on\s+)?(?=(?:(?:last|this|next)\s+)?(?:{_WEEKDAY})\b|yesterday|today|tonight|last night"
    r"|this (?:morning|afternoon|evening))"
)

# Frequencies are never a point in time, whatever else the phrase contains.
_FREQUENCY = re.compile(
    r"\b(?:per|every|each|annual(?:ly)?|biannual(?:ly)?|semiannual(?:ly)?|quarterly|weekly|daily"
    r"|monthly|yearly|hourly|fortnightly)\b"
)
# Durations ("two months", "a two-month", "four years") left over after the handlers ran.
_DURATION = re.compile(
    r"\b(?:years|months|weeks|days|hours|minutes|decades|centuries)\b|\b\w+-(?:year|month|week|day|hour)s?\b"
)

# dateparser turns bare numbers and words ("24,000", "a year") into dates; only feed it date-looking text.
_NUMERIC_DATE = r"\b\d{1,4}([/.-])\d{1,2}\1\d{1,4}\b"
_DATEPARSER_WORTHY = re.compile(rf"\b(?:{_MONTH}|{_WEEKDAY})\b|\b\d{{4}}\b|{_NUMERIC_DATE}|\b\d{{1,2}}/\d{{1,2}}\b")
_YEAR_STATED = re.compile(rf"\b\d{{4}}\b|{_NUMERIC_DATE}")
_MONTH_STATED = re.compile(rf"\b(?:{_MONTH})\b|{_NUMERIC_DATE}|\b\d{{1,2}}/\d{{1,2}}\b")

_DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


# --- public API ---------------------------------------------------------------


def parse_published(value: str | dt.date | None) -> dt.date | None:
    """Publication date from an ISO string, a date/datetime, or None.

    An empty string counts as unknown (feeds often carry blank fields); anything
    else that is not ISO 8601 raises ValueError naming the value.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # before date: datetime is a date subclass
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"publication date must be an ISO string or a date, got {value!r}")
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        # Keep the calendar date as written, in the article's own offset, rather than converting to UTC.
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"not an ISO publication date: {value!r}") from None


def resolve_date(expression: str, published: dt.date | None) -> str | None:
    """EDTF string for a date phrase, anchored on the publication date; None if it is no date."""
    if isinstance(published, dt.datetime):  # a time of day would leak into isoformat()
        published = published.date()
    text = _normalise(expression)
    if not text or _FREQUENCY.search(text):
        return None
    for pattern, handler in _HANDLERS:
        match = pattern.fullmatch(text)
        if match:
            # A handler's verdict is final: falling through to dateparser would reintroduce its errors.
            return calendar.validated(handler(match, published))
    return calendar.validated(_via_dateparser(text, published))


# --- helpers --------------------------------------------------------------------


def _normalise(expression: str) -> str:
    text = _SPACES.sub(" ", expression.translate(_APOSTROPHES).lower()).strip(_EDGE_PUNCTUATION)
    text = _POSSESSIVE.sub("", text)
    text = _PREPOSITION.sub("", text)
    text = _DAY_PART.sub("", _CLOCK.sub("", text))
    return _ARTICLE.sub("", text)


def _month_of(match: re.Match[str]) -> int:
    return _MONTH_NUMBERS[match["month"][:3]]


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


# --- handlers: explicit dates ---------------------------------------------------


def _full_date(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.date_or_none(int(match["year"]), _month_of(match), int(match["day"]))


def _day_month(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.day_month(_month_of(match), int(match["day"]), published)


def _month_year(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.ym(int(match["year"]), _month_of(match))


def _month_only(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.month_on_or_before(_month_of(match), published)


def _month_named_relative(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.month_relative(_month_of(match), published, _OFFSETS[match["rel"]])


def _month_relative_year(match: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:
        return None
    return calendar.ym(published.year + _OFFSETS[match["rel"]], _month_of(match))


def _day_relative_year(match: re.Match[str], published: dt.date | None) -> str | None:
    """ "January 3 this year", "5 March last year": a day in a year counted from the publication's."""
    if published is None:
        return _day_month(match, None)  # the day and month the phrase states
    return calendar.date_or_none(published.year + _OFFSETS[match["rel"]], _month_of(match), int(match["day"]))


def _year(match: re.Match[str], published: dt.date | None) -> str | None:
    return match["year"]


def _decade(match: re.Match[str], published: dt.date | None) -> str | None:
    return f"{match['decade']}X"


# --- handlers: seasons ----------------------------------------------------------


def _season_year(match: re.Match[str], published: dt.date | None) -> str | None:
    return f"{match['year']}-{_SEASON_CODES[match['season']]}"  # the year as written: "0999" stays padded


def _season_relative(match: re.Match[str], published: dt.date | None) -> str | None:
    offset = _OFFSETS[match["rel"]] if match["rel"] else None
    return calendar.season_relative(_SEASON_CODES[match["season"]], published, offset)


# --- handlers: anchored on the publication date ---------------------------------


def _weekday(match: re.Match[str], published: dt.date | None) -> str | None:
    target = _WEEKDAY_NUMBERS[match["weekday"][:3]]
    return calendar.weekday(target, published, upcoming=match["rel"] == "next", bare=match["rel"] is None)


_DAY_OFFSETS = {"day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1}


def _nearby_day(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.shifted_day(published, _DAY_OFFSETS.get(match["word"], 0))


def _relative_period(match: re.Match[str], published: dt.date | None) -> str | None:
    modifier, unit = match["mod"], match["unit"]
    offset = _OFFSETS.get(modifier, 0)
    if unit == "year":
        return calendar.shifted_year(published, offset)
    if unit == "month":
        return calendar.shifted_month(published, offset)
    if modifier == "later this":  # only the part of the week still ahead at publication
        return calendar.rest_of_week(published)
    return calendar.week(published, offset)  # "this week", "earlier this week": what happened so far


def _ago(match: re.Match[str], published: dt.date | None) -> str | None:
    count, unit = _count(match["count"]), match["unit"]
    if unit == "year":
        return calendar.shifted_year(published, -count)
    if unit == "month":
        return calendar.shifted_month(published, -count)
    if unit == "week":  # the Monday-Sunday week that far back, like "last week"
        return calendar.whole_week(published, -count)
    return calendar.shifted_day(published, -count)


def _weekend(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.weekend(published, upcoming=match["rel"] == "next")


def _compile(pattern: str, handler: Handler) -> tuple[re.Pattern[str], Handler]:
    return re.compile(pattern), handler


# Order matters only where patterns overlap; each is matched against the whole normalised phrase.
_HANDLERS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    _compile(rf"{_WD_PREFIX}{_M}\s+{_D},?\s+{_Y}", _full_date),
    _compile(rf"{_WD_PREFIX}(?:the\s+)?{_D}(?:\s+of)?\s+{_M},?\s+{_Y}", _full_date),
    _compile(rf"{_WD_PREFIX}{_M}\s+{_D},?\s+(?:of\s+)?(?P<rel>last|this|next) year", _day_relative_year),
    _compile(
        rf"{_WD_PREFIX}(?:the\s+)?{_D}(?:\s+of)?\s+{_M},?\s+(?:of\s+)?(?P<rel>last|this|next) year", _day_relative_year
    ),
    _compile(rf"{_WD_PREFIX}{_M}\s+{_D}", _day_month),
    _compile(rf"{_WD_PREFIX}(?:the\s+)?{_D}(?:\s+of)?\s+{_M}", _day_month),
    _compile(rf"{_QUALIFIER}{_M},?\s+(?:of\s+)?{_Y}", _month_year),
    _compile(rf"{_QUALIFIER}{_M}\s+(?:of\s+)?(?P<rel>last|this|next) year", _month_relative_year),
    _compile(rf"(?P<rel>last|past|this|next)\s+{_M}", _month_named_relative),
    _compile(rf"{_QUALIFIER}{_M}", _month_only),
    _compile(rf"{_QUALIFIER}(?:year\s+)?{_Y}", _year),
    _compile(rf"{_QUALIFIER}(?P<decade>\d{{3}})0'?s", _decade),
    _compile(rf"{_QUALIFIER}{_S},?\s+(?:of\s+)?{_Y}", _season_year),
    _compile(rf"(?:(?P<rel>last|past|this|next)\s+)?{_QUALIFIER}{_S}", _season_relative),
    _compile(
        rf"(?:(?P<rel>last|past|this|next)\s+)?(?P<weekday>{_WEEKDAY})\.?(?:\s+(?:morning|afternoon|evening|night))?",
        _weekday,
    ),
    _compile(
        r"(?P<word>day before yesterday|yesterday|today|tonight|tomorrow|last night"
        r"|this (?:morning|afternoon|evening)|(?:earlier|later) today)"
        r"(?:\s+(?:morning|afternoon|evening|night))?",
        _nearby_day,
    ),
    _compile(
        r"(?P<mod>last|previous|this|current|earlier this|later this|next)\s+(?P<unit>week|month|year)",
        _relative_period,
    ),
    _compile(rf"(?P<count>{_NUMBER})\s+(?P<unit>day|week|month|year)s?\s+ago", _ago),
    _compile(r"(?:(?P<rel>last|past|this|next)\s+)?weekend", _weekend),
)


# --- dateparser fallback ----------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _parser_for(published: dt.date | None) -> DateDataParser:
    """One parser per publication date, built lazily and kept.

    RELATIVE_BASE is fixed at construction, so the cache key is the anchor; an
    article's tens of phrases share one parser, and dateparser's expensive
    language data loads only on the first build.
    """
    from dateparser.date import DateDataParser  # ~50 ms import, only paid if a phrase gets this far

    settings: dict[str, object] = dict(_DATEPARSER_SETTINGS)
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    return DateDataParser(languages=["en"], settings=settings)


def _via_dateparser(text: str, published: dt.date | None) -> str | None:
    if _DURATION.search(text) or not _DATEPARSER_WORTHY.search(text):
        return None
    data = _parser_for(published).get_date_data(text)
    found = data.date_obj
    if found is None:
        return None
    # Without an anchor, dateparser fills missing parts from today's date: keep only what the text states.
    anchored = published is not None or _YEAR_STATED.search(text) is not None
    month_stated = _MONTH_STATED.search(text) is not None
    if data.period == "year":
        return f"{found.year:04d}" if anchored else None
    if data.period == "month":
        if anchored:
            return calendar.ym(found.year, found.month)
        return calendar.unspecified_month(found.month) if month_stated else None
    if data.period == "day":
        if anchored:
            return calendar.ymd(found.date())
        return calendar.unspecified_day(found.month, found.day) if month_stated else None
    return None  # "week" and finer periods are not dates we can state
