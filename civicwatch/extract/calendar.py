"""Calendar arithmetic and EDTF output shared by the English and Russian date resolvers.

:mod:`civicwatch.extract.dates` and :mod:`civicwatch.extract.dates_ru` read a
phrase into plain numbers (a month 1-12, a day of the month, a weekday 0-6 with
Monday 0, an EDTF season code, an offset from the publication period) and these
functions turn the numbers into EDTF strings. Nothing here knows a language.

Two conventions hold throughout:

* ``published`` is the article's publication date, the anchor of every relative
  phrase. When it is None only what the phrase itself states survives: a month
  or a day with an unspecified year ("XXXX-07", "XXXX-07-08"), else None.
* ``offset`` counts periods from the publication's own: 0 is "this", -1 "last",
  1 "next", -2 "the one before last".
"""

from __future__ import annotations

import datetime as dt

from civicwatch.core.dates import is_valid_edtf

__all__ = [
    "AUTUMN",
    "SEASON_START_MONTH",
    "SPRING",
    "SUMMER",
    "WINTER",
    "date_or_none",
    "day_month",
    "interval",
    "is_valid_edtf",
    "latest_day_on_or_before",
    "month_on_or_before",
    "month_relative",
    "rest_of_week",
    "season",
    "season_relative",
    "shifted_day",
    "shifted_month",
    "shifted_year",
    "unspecified_day",
    "unspecified_month",
    "validated",
    "week",
    "weekday",
    "weekend",
    "whole_week",
    "ym",
    "ymd",
]

# EDTF level-1 season codes and the month each (northern, meteorological) season starts.
SPRING, SUMMER, AUTUMN, WINTER = 21, 22, 23, 24
SEASON_START_MONTH = {SPRING: 3, SUMMER: 6, AUTUMN: 9, WINTER: 12}

# --- EDTF validation ------------------------------------------------------------


def validated(value: str | None) -> str | None:
    """The value if it is valid EDTF, else None."""
    return value if value is not None and is_valid_edtf(value) else None


# --- formatting -------------------------------------------------------------------


def ymd(day: dt.date) -> str:
    """A day: "2016-03-09"."""
    return day.isoformat()


def ym(year: int, month: int) -> str:
    """A month: "2016-03"."""
    return f"{year:04d}-{month:02d}"


def season(year: int, code: int) -> str:
    """A season by EDTF code: "2016-22" is summer 2016. The year is not zero-padded."""
    return f"{year}-{code}"


def interval(start: dt.date, end: dt.date) -> str:
    """A span of days: "2016-03-07/2016-03-09", or the single day when start and end meet."""
    return ymd(start) if start == end else f"{ymd(start)}/{ymd(end)}"


def unspecified_month(month: int) -> str:
    """A month of an unknown year: "XXXX-03"."""
    return f"XXXX-{month:02d}"


def unspecified_day(month: int, day: int) -> str | None:
    """A day of an unknown year ("XXXX-03-09"); None if no year has it (February 29 is allowed)."""
    try:
        dt.date(2000, month, day)  # a leap year, so only truly impossible days are refused
    except ValueError:
        return None
    return f"XXXX-{month:02d}-{day:02d}"


def date_or_none(year: int, month: int, day: int) -> str | None:
    """A day, or None if the calendar has no such day."""
    try:
        return ymd(dt.date(year, month, day))
    except ValueError:
        return None


# --- days and months anchored on the publication date -------------------------------


def latest_day_on_or_before(month: int, day: int, published: dt.date) -> dt.date | None:
    """The latest date with this month and day on or before publication; None if there is none."""
    # Nine years back always reaches a leap year, so February 29 resolves; invalid days never do.
    for year in range(published.year, published.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def day_month(month: int, day: int, published: dt.date | None) -> str | None:
    """A day and month with no year: the latest such day on or before publication."""
    if published is None:
        return unspecified_day(month, day)
    found = latest_day_on_or_before(month, day, published)
    return ymd(found) if found else None


def month_on_or_before(month: int, published: dt.date | None) -> str:
    """A bare month: the latest such month on or before the publication month ("in July" in July: this year's)."""
    if published is None:
        return unspecified_month(month)
    return ym(published.year if month <= published.month else published.year - 1, month)


def month_relative(month: int, published: dt.date | None, offset: int) -> str:
    """A month with a relative word ("last September"), by the sign of the offset.

    0: the month of the publication year; positive: the first such month strictly
    after the publication month; negative: the last one strictly before it (so
    "last September" in a September article is a year ago).
    """
    if published is None:
        return unspecified_month(month)
    if offset == 0:
        return ym(published.year, month)
    if offset > 0:
        return ym(published.year if month > published.month else published.year + 1, month)
    return ym(published.year if month < published.month else published.year - 1, month)


def shifted_day(published: dt.date | None, days: int) -> str | None:
    """The day ``days`` from publication ("yesterday" is -1)."""
    if published is None:
        return None
    return ymd(published + dt.timedelta(days=days))


def shifted_month(published: dt.date | None, months: int) -> str | None:
    """The month ``months`` from the publication month ("last month" is -1)."""
    if published is None:
        return None
    index = published.year * 12 + (published.month - 1) + months
    return ym(index // 12, index % 12 + 1)


def shifted_year(published: dt.date | None, years: int) -> str | None:
    """The year ``years`` from the publication year ("last year" is -1)."""
    if published is None:
        return None
    return f"{published.year + years:04d}"


# --- seasons ------------------------------------------------------------------------


def season_relative(code: int, published: dt.date | None, offset: int | None) -> str | None:
    """A season with no year, or with a relative word (offset None: a bare "in summer").

    A season is labelled by the year it starts in (winter 2015 runs Dec 2015 -
    Feb 2016). Bare: the latest such season already begun. 0: this year's, or for
    winter the latest begun. Positive: the one after the latest begun. Negative:
    the latest one already over, so "last summer" in a July article is the
    previous year's. EDTF has no unspecified-year season ("XXXX-22" does not
    parse), so without a publication date there is no date.
    """
    if published is None:
        return None
    start_month = SEASON_START_MONTH[code]
    latest_started = published.year if published.month >= start_month else published.year - 1
    if offset == 0:
        return season(latest_started if code == WINTER else published.year, code)
    if offset is not None and offset > 0:
        return season(latest_started + 1, code)
    if offset is not None:
        months_in = (published.year - latest_started) * 12 + published.month - start_month
        return season(latest_started - 1 if months_in < 3 else latest_started, code)
    return season(latest_started, code)


# --- weeks and weekdays -----------------------------------------------------------------


def _monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekday(target: int, published: dt.date | None, *, upcoming: bool = False, bare: bool = False) -> str | None:
    """A weekday (Monday 0): the latest on or before publication ("Monday" in a Monday article is that day).

    With ``upcoming`` ("next Monday"), the first one strictly after publication. A ``bare`` weekday (no
    "last" or "next") that falls the day after publication is that day: the page was dated in a time zone
    behind the place of the act (a Wednesday evening in Washington is Thursday in Hong Kong), and news
    names an act of six days before as "last Thursday", or by its date.
    """
    if published is None:
        return None
    if upcoming:
        return ymd(published + dt.timedelta(days=(target - published.weekday() - 1) % 7 + 1))
    if bare and target == (published.weekday() + 1) % 7:
        return ymd(published + dt.timedelta(days=1))
    return ymd(published - dt.timedelta(days=(published.weekday() - target) % 7))


def whole_week(published: dt.date | None, offset: int) -> str | None:
    """The Monday-Sunday week ``offset`` weeks from the publication week."""
    if published is None:
        return None
    monday = _monday_of(published) + dt.timedelta(weeks=offset)
    return interval(monday, monday + dt.timedelta(days=6))


def week(published: dt.date | None, offset: int) -> str | None:
    """Like :func:`whole_week`, but the publication week itself ("this week" in a news report) only so far."""
    if published is None:
        return None
    if offset == 0:
        return interval(_monday_of(published), published)
    return whole_week(published, offset)


def rest_of_week(published: dt.date | None) -> str | None:
    """From publication to the end of its week ("later this week")."""
    if published is None:
        return None
    return interval(published, _monday_of(published) + dt.timedelta(days=6))


def weekend(published: dt.date | None, *, upcoming: bool = False) -> str | None:
    """The latest Saturday-Sunday already begun at publication (a Monday article's is the one just gone).

    With ``upcoming``, the weekend a week after that.
    """
    if published is None:
        return None
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    if upcoming:
        saturday += dt.timedelta(weeks=1)
    return interval(saturday, saturday + dt.timedelta(days=1))
