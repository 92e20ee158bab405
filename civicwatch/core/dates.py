"""EDTF dates (https://www.loc.gov/standards/datetime/) as the extractor writes them and the store reads them.

* ``is_valid_edtf``: whether the ``edtf`` library parses a string;
* ``dates_agree``: whether two reported dates may be one act's ("2015-07" and "2015-07-08": one is a prefix
  of the other, X standing for any digit; an interval agrees with what overlaps it; an undated report
  agrees with any date);
* ``date_range``: the days an EDTF date covers ("2015-07" is all of July), for filters and merging;
* ``precision`` (how many characters are known) and ``date_precision`` (day, month, season, year, ...);
* ``in_schema``: an event's date in the precisions SCHEMA.md uses (day, month, year): a week ("last week",
  an interval of days) is given as the month that holds most of it.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

_SEASONS = {"21": ((3, 0), (5, 0)), "22": ((6, 0), (8, 0)), "23": ((9, 0), (11, 0)), "24": ((12, 0), (2, 1))}
# a year, month or day, the year maybe unstated ("XXXX-03-12"), or a season of a stated year ("2016-22")
_PLAIN_DATE = re.compile(r"(?:[0-9]{4}|XXXX)(?:-(?:0[1-9]|1[0-2])(?:-[0-9]{2})?)?|[0-9]{4}-2[1-4]")
_EDTF_DAY = re.compile(r"^(\d{4})(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?$")
_INTERVAL = "/"
_PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}


@functools.lru_cache(maxsize=8192)
def is_valid_edtf(value: str) -> bool:
    """Whether ``edtf`` parses the string."""
    # parse_edtf costs 3 to 10 ms (pyparsing); results repeat heavily across a corpus, so cache by string.
    # What the extractor writes most is valid without it: a year, a month, a calendar day (of any year when
    # the year is unstated), a season. edtf accepts every one (checked: every day and month of nine years
    # from 1 to 9999, every month and day with the year XXXX, the four seasons).
    if _PLAIN_DATE.fullmatch(value) and (len(value) < 10 or _calendar_day(value.replace("XXXX", "2000"))):
        return True
    import edtf  # the parser loads on first use: reading the store never needs it

    try:
        edtf.parse_edtf(value)
    except Exception:  # edtf raises pyparsing subclasses and sometimes plain errors
        return False
    return True


def _calendar_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def dates_agree(a: str | None, b: str | None) -> bool:
    """Null agrees with anything; otherwise one must be a prefix of the other (X = any digit)."""
    if not a or not b:
        return True
    if "/" in a or "/" in b:  # an interval agrees with a date or interval that overlaps it
        ra, rb = date_range(a), date_range(b)
        return a == b if ra is None or rb is None else ra[0] <= rb[1] and rb[0] <= ra[1]
    short, long = sorted((a, b), key=len)
    return all(x == y or "X" in (x, y) for x, y in zip(short, long, strict=False))


def date_range(edtf: str | None) -> tuple[date, date] | None:
    """The days an EDTF date covers: "2015-07" -> (2015-07-01, 2015-07-31); None when the year is unknown."""
    if not edtf:
        return None
    if "/" in edtf:
        start, _, end = edtf.partition("/")
        head, tail = date_range(start), date_range(end)
        return (head[0], tail[1]) if head and tail else None
    match = _EDTF_DAY.match(edtf.rstrip("?~%"))
    if not match:
        return None
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if not month or month == "XX":
            return date(year, 1, 1), date(year, 12, 31)
        if month in _SEASONS:  # EDTF level 1 seasons: "2012-22" is summer 2012
            (m1, y1), (m2, y2) = _SEASONS[month]
            last = date(year + y2, m2 % 12 + 1, 1) - timedelta(days=1) if m2 < 12 else date(year + y2, 12, 31)
            return date(year + y1, m1, 1), last
        first_of_month = date(year, int(month), 1)
        last_of_month = (first_of_month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        if not day or day == "XX":
            return first_of_month, last_of_month
        return (date(year, int(month), int(day)),) * 2
    except ValueError:  # "2015-13", "2015-02-30"
        return None


def precision(edtf: str | None) -> int:
    """How much of a date is known: the count of its non-X characters."""
    return len(edtf.replace("X", "")) if edtf else 0


@functools.lru_cache(maxsize=4096)
def date_precision(edtf: str | None) -> str | None:
    """How precise an EDTF date is: day, month, season, year, decade, century, interval (None when undated).

    Unknown digits lower the precision: ``2015-XX`` is a year, ``201X`` a decade, ``XXXX-07-08`` a day
    (of an unknown year).
    """
    if not edtf:
        return None
    value = edtf.strip().rstrip("?~%")
    if _INTERVAL in value:
        return "interval"
    value = value.lstrip("-").replace("?", "").replace("~", "").replace("%", "")
    parts = value.split("-")
    year = parts[0]
    if len(parts) >= 2 and re.fullmatch(r"2[1-9]|3\d|4[01]", parts[1]):
        return "season"
    # drop trailing parts that are wholly unknown ("2015-XX" -> year)
    while len(parts) > 1 and set(parts[-1]) <= {"X"}:
        parts = parts[:-1]
    if len(parts) == 1:
        unknown = len(year) - len(year.rstrip("X"))
        return {0: "year", 1: "decade", 2: "century"}.get(unknown, "unknown")
    return _PRECISION_BY_PARTS.get(len(parts), "day")


_MAX_MONTH_SPAN_DAYS = 31


def in_schema(edtf: str | None) -> str | None:
    """The date in SCHEMA.md's precisions: an interval of days no longer than a month ("last week":
    ``2016-04-25/2016-05-01``) becomes the month holding most of its days (``2016-04``); anything else is
    returned as it is."""
    if not edtf or _INTERVAL not in edtf:
        return edtf
    start, _, end = edtf.partition(_INTERVAL)
    if date_precision(start) != "day" or date_precision(end) != "day" or "X" in edtf:
        return edtf
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if not 0 <= (last - first).days < _MAX_MONTH_SPAN_DAYS:
        return edtf
    days: dict[str, int] = {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        days[day.isoformat()[:7]] = days.get(day.isoformat()[:7], 0) + 1
    return max(days, key=lambda month: (days[month], month < end[:7]))
