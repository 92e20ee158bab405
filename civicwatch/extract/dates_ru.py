"""Find Russian date expressions in news text and normalise them to EDTF strings.

The Russian counterpart of :mod:`civicwatch.extract.dates`, with the same
contract: relative phrases ("в январе", "в среду вечером", "на прошлой неделе")
are anchored on the article's publication date, and when that date is unknown
only what the phrase itself states survives ("XXXX-07-08", or no date at all).

Unlike the English module this one scans whole sentences: ``find_dates``
returns every date expression with its character offsets. The scanner is our
own set of regexes over explicit inflection tables (every case of the month,
weekday and season names). natasha's DatesExtractor was measured against it
and left out of the scanning path: it finds only numeric dates, "день месяц
[год]", "месяц год" and "год года", misses every relative or bare-month
phrase ("в январе", "в прошлом декабре", "в середине сентября", weekdays,
"вчера", "на прошлой неделе", seasons, "2015-10-31", "1990-х"), reads
"31.10.15" as 1915, and costs ~1.7 ms a sentence against our ~0.1 ms. natasha's
MorphVocab (pymorphy3, built lazily once) is used where grammar decides the
reading: "накануне" before a genitive noun is a preposition ("накануне
выборов"), not the day before publication.

dateparser is not used: it turns "2012 года" into the year 3.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from civicwatch.extract import calendar

if TYPE_CHECKING:
    from natasha import MorphVocab

__all__ = ["DateMention", "find_dates", "resolve_date_ru"]


@dataclass(frozen=True)
class DateMention:
    """One date expression in a text: its span, its EDTF value and the preposition before it."""

    start: int  # character offsets in the text given to find_dates
    end: int
    text: str
    value: str  # EDTF
    preposition: str | None = None  # lower-cased word just before the span ("с", "до", "в"...), if any


Handler = Callable[[re.Match[str], dt.date | None], str | None]
Guard = Callable[[re.Match[str], str, int], bool]

# --- vocabulary: every singular case form ----------------------------------------


def _forms(stems: dict[str, int], endings: str) -> dict[str, int]:
    """Word forms from stems and "|"-separated endings ("" for the bare stem)."""
    return {stem + ending: value for stem, value in stems.items() for ending in endings.split("|")}


_SOFT_MONTHS = {"январ": 1, "феврал": 2, "апрел": 4, "июн": 6, "июл": 7, "сентябр": 9, "октябр": 10, "ноябр": 11}
_MONTH_FORMS = (
    _forms(_SOFT_MONTHS | {"декабр": 12}, "ь|я|ю|ем|е")
    | _forms({"март": 3, "август": 8}, "|а|у|ом|е")
    | _forms({"ма": 5}, "й|я|ю|ем|е")
)
_MONTH_ABBREVIATIONS = {"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9}
_MONTH_ABBREVIATIONS |= {"окт": 10, "ноя": 11, "нояб": 11, "дек": 12}
_WEEKDAY_FORMS = (
    _forms({"понедельник": 0, "вторник": 1, "четверг": 3}, "|а|у|ом|е")
    # "среда" is also "environment" ("окружающая среда", "в среде активистов"): only the forms a date takes.
    | {"среду": 2, "среды": 2}
    | _forms({"пятниц": 4}, "а|ы|е|у|ей")
    | _forms({"суббот": 5}, "а|ы|е|у|ой")
    | _forms({"воскресень": 6, "воскресени": 6}, "е|я|ю|ем")
)
# No "лету": "на лету" is "on the fly".
_SEASON_FORMS = _forms({"лет": calendar.SUMMER}, "о|а|ом|е")
_SEASON_FORMS |= _forms({"весн": calendar.SPRING, "зим": calendar.WINTER}, "а|ы|е|у|ой|ою")
_SEASON_FORMS |= _forms({"осен": calendar.AUTUMN}, "ь|и|ью")
_SEASON_ADVERBS = frozenset({"летом", "весной", "весною", "осенью", "зимой", "зимою"})

# Relative adjectives in any gender, number and case, by their offset from the publication period.
_REL_STEMS = {"позапрошл": -2, "прошл": -1, "минувш": -1, "истекш": -1, "текущ": 0, "нынешн": 0, "уходящ": 0}
_REL_STEMS |= {"следующ": 1, "будущ": 1, "наступающ": 1}
_ADJ_ENDINGS = "ий|ый|ого|его|ому|ему|им|ым|ом|ем|ая|яя|ой|ей|ую|юю|ое|ее|ие|ые|их|ых|ими|ыми"
_THIS = "этот|этого|этому|этим|этом|эта|этой|эту|этою|эти|этих|сего"  # not "это": "это год перемен"

_NUMBER_WORDS = {"один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6}
_NUMBER_WORDS |= {"семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12}
_DAY_OFFSETS = {"позавчера": -2, "вчера": -1, "накануне": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}


def _words(name: str, words: Iterable[str]) -> str:
    """A named group matching any of the words, whole (longest first, so "марта" is not read as "март")."""
    return rf"(?<!\w)(?P<{name}>{'|'.join(sorted(words, key=len, reverse=True))})(?!\w)"


# --- pattern building blocks -----------------------------------------------------------

_MONTH = _words("month", _MONTH_FORMS)
_MONTH2 = _words("month2", _MONTH_FORMS)
_MONTH_ANY = (  # in a day-month date, abbreviations too ("23 окт. 2015")
    rf"(?<!\w)(?P<month>(?:{'|'.join(sorted(_MONTH_FORMS, key=len, reverse=True))})(?!\w)"
    rf"|(?:{'|'.join(sorted(_MONTH_ABBREVIATIONS, key=len, reverse=True))})\.)"
)
_WEEKDAY = _words("weekday", _WEEKDAY_FORMS)
_SEASON = _words("season", _SEASON_FORMS)
_REL = _words("rel", [f"{stem}(?:{_ADJ_ENDINGS})" for stem in _REL_STEMS] + _THIS.split("|"))
_DAY = r"(?<![\w.,:/–—-])(?P<day>0?[1-9]|[12]\d|3[01])(?:-?(?:го|е|ое))?"
_YEAR_DIGITS = r"(?<![\w.,/–—-])(?P<year>[12]\d{3})(?![\d.,]\d)"
_YEAR_WORD = r"(?:год(?:а|у|ом|е)?(?!\w)|гг?\.|г(?!\w))"
_ORDINAL = r"-?(?:го|й|м|ом)(?!\w)"  # "2014-го", "в 2014-м"
# A year with no year word after it may still be a count ("23 мая 2000 человек").
_NOT_A_COUNT = (
    r"(?!\s+(?:человек|рубл|долл|евро|тысяч|тыс|млн|млрд|миллион|миллиард|штук|км|метр|тонн|раз|участник"
    r"|голос|подпис|сотрудник|жител|гражда|дом|квартир|единиц))"
)
_YEAR = rf"{_YEAR_DIGITS}(?:\s*{_ORDINAL})?(?:\s*{_YEAR_WORD})?{_NOT_A_COUNT}"
_YEAR_STATED = rf"{_YEAR_DIGITS}(?:\s*{_ORDINAL}(?:\s*{_YEAR_WORD})?|\s*{_YEAR_WORD})"  # "2012 года", "2014-м"
_REL_YEAR = rf"{_REL}\s+года(?!\w)"
_TIME_OF_DAY = r"(?P<time>\s+(?:утром|днем|вечером|ночью)(?!\w))?"
_DASH = r"\s*[-–—]\s*"
_LIST_WORD = r"\s+(?:по|и|или|до)\s+"
_ISO_YEAR = r"(?<![\w.,/-])(?P<year>[12]\d{3})"
_PLURAL_YEAR_WORD = r"(?:годах|годы|годов|годами|гг\.)"
_PERIOD_UNIT = _words("unit", ["недел[еяию]", "неделей", "месяц[еау]?", "месяцем", "год[уа]?", "годом"])
_COUNT = _words("count", [r"\d{1,3}", *_NUMBER_WORDS, "несколько", "пару"])

# --- context ------------------------------------------------------------------------

_PREPOSITIONS = "в|во|на|к|ко|с|со|до|после|по|от|за|около|перед|накануне|между|через|под|позднее|ранее"
_PREPOSITION_BEFORE = re.compile(rf"(?<!\w)(?P<word>{_PREPOSITIONS})\s+$")
# Prefixes a rule's span grows back over: "середине сентября", "пятницу, 23 октября" (dated by the day).
_QUALIFIER_BEFORE = re.compile(
    r"(?<!\w)(?:начал[оаеу]|середин[аеуы]|конц[аеу]|конец|исход[еау]"
    r"|(?:перв|втор|трет|последн)\w*\s+(?:половин|декад|числ|полугоди|квартал|месяц)\w*)\s+$"
)
_WEEKDAY_BEFORE = re.compile(rf"{_words('wd', [*_WEEKDAY_FORMS, 'среда', 'среде'])},?\s+$")
_PREFIXES = {"qualifier": _QUALIFIER_BEFORE, "weekday": _WEEKDAY_BEFORE}
_QUOTE_BEFORE = re.compile(r"[«\"„“']\s*$")
_FREQUENCY = r"(?<!\w)(?:кажд|ежегодн|ежемесячн|еженедельн|ежедневн)\w*"


def _preposition_before(lower: str, start: int) -> str | None:
    match = _PREPOSITION_BEFORE.search(lower, max(0, start - 16), start)
    return match["word"] if match else None


def _lowered(text: str) -> str:
    """The text in lower case with "ё" as "е", character for character, so that offsets carry over."""
    lower = text.lower()
    if len(lower) != len(text):  # "İ" and a few others lower-case to two characters
        lower = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    return lower.replace("ё", "е")


# --- public API -------------------------------------------------------------------------


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Every date expression in a Russian text, in order and non-overlapping, with its EDTF value.

    Expressions that are recognised but have no knowable date (a weekday when the
    publication date is unknown) are left out. Prepositions are not part of a
    mention's span; the word just before it is given as ``preposition``.
    """
    if isinstance(published, dt.datetime):  # a time of day would leak into isoformat()
        published = published.date()
    lower = _lowered(text)
    claimed: list[tuple[int, int, str | None]] = []
    for start, end, value in _candidates(text, lower, published):
        if all(end <= s or start >= e for s, e, _ in claimed):
            claimed.append((start, end, value))
    return [
        DateMention(start, end, text[start:end], value, _preposition_before(lower, start))
        for start, end, value in sorted(claimed)
        if value is not None
    ]


def resolve_date_ru(expression: str, published: dt.date | None) -> str | None:
    """EDTF string for a Russian date phrase, anchored on the publication date; None unless it holds one date."""
    mentions = find_dates(expression, published)
    return mentions[0].value if len(mentions) == 1 else None


# --- helpers --------------------------------------------------------------------------


def _candidates(text: str, lower: str, published: dt.date | None) -> list[tuple[int, int, str | None]]:
    """Every rule's matches, longest first: a longer expression claims its span before its parts.

    Only rules whose key words all occur in the text are run (most sentences
    need none). A rule whose handler finds no date still claims its span, so
    that "весной этого года" without a publication date does not come back as a
    bare "весной".
    """
    kinds = {match.lastgroup for match in _KINDS.finditer(lower)}
    found = []
    for rule in _RULES:
        if not rule.kinds <= kinds:
            continue
        for match in rule.pattern.finditer(lower):
            start = match.start()
            if rule.prefix:
                prefix = _PREFIXES[rule.prefix].search(lower, max(0, start - 40), start)
                start = prefix.start() if prefix else start
            if rule.guard is None or rule.guard(match, text, start):
                found.append((start, match.end(), calendar.validated(rule.handler(match, published))))
    found.sort(key=lambda item: (item[0] - item[1], item[0]))
    return found


@functools.cache
def _morph() -> MorphVocab:
    """natasha's pymorphy3 vocabulary, built on first use (~0.1 s) and kept; its parses are cached."""
    from natasha import MorphVocab

    return MorphVocab()


def _month_of(match: re.Match[str], group: str = "month") -> int:
    word = match[group].rstrip(".")
    return _MONTH_FORMS.get(word) or _MONTH_ABBREVIATIONS[word]


def _offset(match: re.Match[str]) -> int:
    word = match["rel"]
    if word.startswith("эт") or word == "сего":
        return 0
    return next(offset for stem, offset in _REL_STEMS.items() if word.startswith(stem))


# --- handlers: explicit dates -------------------------------------------------------


def _full_date(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.date_or_none(int(match["year"]), _month_of(match), int(match["day"]))


def _numeric_date(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.date_or_none(int(match["year"]), int(match["month"]), int(match["day"]))


def _listed_day(match: re.Match[str], published: dt.date | None) -> str | None:
    return _full_date(match, published) if match["year"] else _day_month(match, published)


def _day_month(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.day_month(_month_of(match), int(match["day"]), published)


def _day_month_relative_year(match: re.Match[str], published: dt.date | None) -> str | None:
    month, day = _month_of(match), int(match["day"])
    if published is None:
        return calendar.unspecified_day(month, day)
    return calendar.date_or_none(published.year + _offset(match), month, day)


def _day_range(match: re.Match[str], published: dt.date | None) -> str | None:
    month, first, last = _month_of(match), int(match["day"]), int(match["day2"])
    if first >= last:
        return None
    if match["year"]:
        year = int(match["year"])
    elif published is None:
        start, end = calendar.unspecified_day(month, first), calendar.unspecified_day(month, last)
        return f"{start}/{end}" if start and end else None
    else:  # the latest such range that has begun by publication
        began = calendar.latest_day_on_or_before(month, first, published)
        if began is None:
            return None
        year = began.year
    try:
        return calendar.interval(dt.date(year, month, first), dt.date(year, month, last))
    except ValueError:
        return None


def _month_year(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.ym(int(match["year"]), _month_of(match))


def _month_only(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.month_on_or_before(_month_of(match), published)


def _month_range(match: re.Match[str], published: dt.date | None) -> str | None:
    first, last = _month_of(match), _month_of(match, "month2")
    if first >= last:
        return None
    if match["year"]:
        year = int(match["year"])
    elif published is None:
        return f"{calendar.unspecified_month(first)}/{calendar.unspecified_month(last)}"
    elif match["rel"]:
        year = published.year + _offset(match)
    else:
        year = published.year if last <= published.month else published.year - 1
    return f"{calendar.ym(year, first)}/{calendar.ym(year, last)}"


def _month_named_relative(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.month_relative(_month_of(match), published, _offset(match))


def _month_relative_year(match: re.Match[str], published: dt.date | None) -> str | None:
    month = _month_of(match)
    if published is None:  # the year is unknown, the month is stated
        return calendar.unspecified_month(month)
    return calendar.ym(published.year + _offset(match), month)


def _year(match: re.Match[str], published: dt.date | None) -> str | None:
    return match["year"]


def _year_range(match: re.Match[str], published: dt.date | None) -> str | None:
    first, last = match["year"], match["year2"]
    return f"{first}/{last}" if first < last else None


def _decade(match: re.Match[str], published: dt.date | None) -> str | None:
    if match.groupdict().get("decade"):
        return f"{match['decade']}X"
    return f"19{match['short']}X"  # "90-х годов": a two-digit decade in a news text is the last century's


# --- handlers: seasons ------------------------------------------------------------------


def _season_code(match: re.Match[str]) -> int:
    return _SEASON_FORMS.get(match["season"], 0)


def _season_year(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.season(int(match["year"]), _season_code(match))


def _season_relative_year(match: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:  # EDTF has no unspecified-year season ("XXXX-22" does not parse)
        return None
    return calendar.season(published.year + _offset(match), _season_code(match))


def _season_relative(match: re.Match[str], published: dt.date | None) -> str | None:
    offset = _offset(match) if match.groupdict().get("rel") else None
    return calendar.season_relative(_season_code(match), published, offset)


# --- handlers: anchored on the publication date ---------------------------------------


def _upcoming(match: re.Match[str]) -> bool:
    return bool(match.groupdict().get("rel")) and _offset(match) > 0


def _weekday(match: re.Match[str], published: dt.date | None) -> str | None:
    bare = not match.groupdict().get("rel")
    return calendar.weekday(_WEEKDAY_FORMS[match["weekday"]], published, upcoming=_upcoming(match), bare=bare)


def _nearby_day(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.shifted_day(published, _DAY_OFFSETS.get(match["word"], -1))  # "прошлой ночью" is last night


def _relative_period(match: re.Match[str], published: dt.date | None) -> str | None:
    offset, unit = _offset(match), match["unit"]
    if unit.startswith("год"):
        return calendar.shifted_year(published, offset)
    if unit.startswith("месяц"):
        return calendar.shifted_month(published, offset)
    return calendar.week(published, offset)  # "на этой неделе" in a news report: what happened so far


def _ago(match: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:
        return None
    unit, count_word = match["unit"], match["count"]
    if unit == "полгода":
        return calendar.shifted_month(published, -6)
    if count_word is None:  # "год назад" is one year; "лет назад" alone follows a count we missed ("много")
        count_word = "1" if unit in ("год", "месяц", "неделю", "день") else ""
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS.get(count_word)
    if count is None:  # "несколько лет назад"
        return None
    if unit.startswith(("год", "лет")):
        return calendar.shifted_year(published, -count)
    if unit.startswith("месяц"):
        return calendar.shifted_month(published, -count)
    if unit.startswith("недел"):  # the Monday-Sunday week that far back, like "на прошлой неделе"
        return calendar.week(published, -count)
    return calendar.shifted_day(published, -count)


def _weekend(match: re.Match[str], published: dt.date | None) -> str | None:
    return calendar.weekend(published, upcoming=_upcoming(match))


def _no_date(match: re.Match[str], published: dt.date | None) -> str | None:
    return None  # a frequency ("каждую пятницу") claims its span so its parts are not read as dates


# --- guards: context a pattern cannot see on its own ----------------------------------
# A guard sees the match (in the lower-cased text), the original text and the start after any prefix.


def _anchored(match: re.Match[str], text: str, start: int) -> bool:
    """Led by a relative word, a qualifier ("середине") or a preposition: a date, not a name or a noun."""
    return bool(match.groupdict().get("rel")) or start < match.start() or _after_preposition(match, text, start)


def _after_preposition(match: re.Match[str], text: str, start: int) -> bool:
    return _preposition_before(match.string, start) is not None


def _quoted(match: re.Match[str], start: int) -> bool:
    return _QUOTE_BEFORE.search(match.string, max(0, start - 3), start) is not None


def _bare_month(match: re.Match[str], text: str, start: int) -> bool:
    # A capitalised "Марта", "Мая" with no preposition is a name, not a month.
    return not _quoted(match, start) and (_anchored(match, text, start) or text[match.start()].islower())


def _bare_season(match: re.Match[str], text: str, start: int) -> bool:
    # «Весна» is a movement; nouns ("лета", "весну") need a preposition, adverbs ("летом") stand alone.
    if _quoted(match, start):
        return False
    return match["season"] in _SEASON_ADVERBS or _anchored(match, text, start)


def _eve_is_adverb(match: re.Match[str], text: str, start: int) -> bool:
    """ "Накануне" alone is the day before; before a genitive ("накануне выборов", "накануне 9 мая") a preposition."""
    if match["word"] != "накануне" or match["time"]:
        return True
    following = _NEXT_WORD.match(match.string, match.end())
    if following is None:
        return True
    if following["digits"]:
        return False
    tag = _morph().parse(following["word"])[0].tag
    return not ("gent" in tag and tag.POS in ("NOUN", "ADJF", "PRTF", "NUMR"))


_NEXT_WORD = re.compile(r"\s+(?:(?P<digits>\d)|(?P<word>[^\W\d_]+))")

# --- the rules ----------------------------------------------------------------------------


class _Rule(NamedTuple):
    pattern: re.Pattern[str]  # matched against the lower-cased text
    handler: Handler
    kinds: frozenset[str]  # the key words it needs (see _KINDS): a rule is only run when all occur
    prefix: str | None  # what its span may grow back over (see _PREFIXES)
    guard: Guard | None


def _rule(pattern: str, handler: Handler, kinds: str, prefix: str | None = None, guard: Guard | None = None) -> _Rule:
    return _Rule(re.compile(pattern), handler, frozenset(kinds.split()), prefix, guard)


# Each pattern is searched for in the whole text; overlaps go to the longest match (see _candidates).
_RULES: tuple[_Rule, ...] = (
    # explicit dates
    _rule(rf"{_DAY}\s+{_MONTH_ANY}\s+{_YEAR}", _full_date, "day month", "weekday"),
    _rule(rf"{_DAY}\s+{_MONTH_ANY}\s+{_REL_YEAR}", _day_month_relative_year, "day month rel", "weekday"),
    _rule(rf"{_DAY}\s+{_MONTH_ANY}", _day_month, "day month", "weekday"),
    # "с 23 по 25 мая", "1 и 2 мая": the first day takes the month (and year) of the second.
    _rule(rf"{_DAY}(?={_LIST_WORD}(?:0?[1-9]|[12]\d|3[01])\s+{_MONTH_ANY}(?:\s+{_YEAR})?)", _listed_day, "day month"),
    _rule(rf"{_DAY}{_DASH}(?P<day2>[12]?\d|3[01])\s+{_MONTH_ANY}(?:\s+{_YEAR})?", _day_range, "day month"),
    _rule(
        r"(?<![\w.,/-])(?P<day>0?[1-9]|[12]\d|3[01])([./])(?P<month>0?[1-9]|1[0-2])\2(?P<year>[12]\d{3})"
        rf"(?![\d.]\d)(?:\s*{_YEAR_WORD})?",
        _numeric_date,
        "day year",
    ),
    _rule(rf"{_ISO_YEAR}-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)", _numeric_date, "day year"),
    # months
    _rule(rf"{_MONTH}\s+{_YEAR}", _month_year, "month year", "qualifier"),
    _rule(rf"{_MONTH}\s+{_REL_YEAR}", _month_relative_year, "month rel", "qualifier"),
    _rule(rf"{_MONTH}{_DASH}{_MONTH2}(?:\s+{_YEAR}|\s+{_REL_YEAR})?", _month_range, "month", "qualifier"),
    _rule(rf"{_REL}\s+{_MONTH}", _month_named_relative, "rel month"),
    _rule(_MONTH, _month_only, "month", "qualifier", _bare_month),
    # years and decades
    _rule(_YEAR_STATED, _year, "year", "qualifier"),
    # A bare year only after a preposition and before punctuation or another year: "в 2015.", "с 2012 по 2014 год".
    _rule(rf"{_YEAR_DIGITS}(?=\s*(?:[,.;:!?)»\"]|$)|{_LIST_WORD}[12]\d{{3}})", _year, "year", "qualifier", _anchored),
    _rule(rf"{_YEAR_DIGITS}{_DASH}(?P<year2>[12]\d{{3}})(?:{_ORDINAL})?\s*{_PLURAL_YEAR_WORD}", _year_range, "year"),
    _rule(
        r"(?<![\w.,/-])(?P<decade>[12]\d\d)0-?(?:х|е|ых|ые)(?!\w)(?:\s+(?:годах|годов|годы))?",
        _decade,
        "year",
        "qualifier",
    ),
    _rule(rf"(?<![\w.,/-])(?P<short>[2-9])0-?(?:х|е)\s+{_PLURAL_YEAR_WORD}", _decade, "day", "qualifier"),
    # seasons
    _rule(rf"{_SEASON}\s+{_YEAR}", _season_year, "season year", "qualifier"),
    _rule(rf"{_SEASON}\s+{_REL_YEAR}", _season_relative_year, "season rel", "qualifier"),
    _rule(rf"{_REL}\s+{_SEASON}", _season_relative, "rel season"),
    _rule(_SEASON, _season_relative, "season", "qualifier", _bare_season),
    # anchored on the publication date
    _rule(rf"{_REL}\s+{_WEEKDAY}{_TIME_OF_DAY}", _weekday, "rel weekday"),
    _rule(rf"{_WEEKDAY}{_TIME_OF_DAY}", _weekday, "weekday", None, _anchored),
    _rule(rf"{_words('word', _DAY_OFFSETS)}{_TIME_OF_DAY}", _nearby_day, "nearby", None, _eve_is_adverb),
    _rule(r"(?<!\w)(?P<word>прошлой|минувшей)\s+ночью(?!\w)", _nearby_day, "rel"),  # last night
    _rule(rf"{_REL}\s+{_PERIOD_UNIT}", _relative_period, "rel", "qualifier"),
    _rule(
        rf"(?:{_COUNT}\s+)?(?<!\w)(?P<unit>дн(?:я|ей)|день|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет|полгода)"
        r"\s+назад(?!\w)",
        _ago,
        "ago",
    ),
    _rule(rf"{_REL}\s+выходн(?:ые|ых)(?!\w)", _weekend, "rel weekend", None, _after_preposition),
    _rule(r"(?<!\w)выходн(?:ые|ых)(?!\w)", _weekend, "weekend", None, _after_preposition),
    # frequencies are never a point in time
    _rule(
        rf"{_FREQUENCY}\s+(?:(?:в|во|по)\s+)?(?:{_WEEKDAY}|{_MONTH}|{_SEASON}|год|месяц|неделю)", _no_date, "frequency"
    ),
)

# The key words the rules need, found in one pass over word starts (~10 us); loose on purpose: the rules are strict.
_KINDS = re.compile(
    r"(?<!\w)(?:(?P<day>\d{1,2}(?!\d))|(?P<year>[12]\d{3}(?!\d))"
    r"|(?P<month>январ|феврал|март|апрел|ма[йяюе]|июн|июл|август|сентябр|октябр|ноябр|декабр"
    r"|янв\.|фев\.|февр\.|мар\.|апр\.|авг\.|сен\.|сент\.|окт\.|ноя\.|нояб\.|дек\.)"
    r"|(?P<weekday>понедельник|вторник|сред[уы]|четверг|пятниц|суббот|воскресен)"
    r"|(?P<season>лет[оаое]|весн|осен|зим[аоуые])"
    r"|(?P<nearby>вчера|позавчера|сегодня|завтра|послезавтра|накануне)"  # before "сего"
    r"|(?P<rel>прошл|позапрошл|минувш|истекш|текущ|нынешн|уходящ|следующ|будущ|наступающ|эт[оиау]|сего)"
    r"|(?P<ago>назад)|(?P<weekend>выходн)"
    r"|(?P<frequency>кажд|ежегодн|ежемесячн|еженедельн|ежедневн))"
)
