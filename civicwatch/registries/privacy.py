"""Personal data the registers carry that civicwatch never keeps: pension numbers (СНИЛС) and birth dates.

The parsers never read the columns that hold them, but the same data turns up in other cells (a pension
number pasted into a name, "дата рождения 14.08.1912" typed into a members cell). So every cell of a
register file is scrubbed as it is loaded, before any parser sees it, and every value of every entry is
scrubbed again before it leaves ``read_registry``; the database importer scrubs once more what it stores.

- A pension number is 11 digits grouped 3-3-3-2, with any separators (hyphens, dashes, spaces, dots,
  slashes, underscores) or none: ``777-888-999 02``, ``777-888-999-02``, ``777 888 999 02``, ``77788899902``.
  No checksum is required: a mistyped number is still somebody's. INN (10 or 12 digits), OGRN (13) and
  longer numbers are not touched: the 11 digits must not be part of a longer run of digits. Eleven bare
  digits are kept in two places only, where they are something else: inside a URL or an identifier
  (``ok.ru/profile/76317416279``, ``id77788899903``: after URL punctuation or glued to a Latin letter, as
  identifiers are; not after a Cyrillic or accented letter, nor after ``snils``), and where the same row
  labels them as a registration number (``регистрационный номер 40103797863``, a Latvian company, in the
  name cell; the same digits alone in the registration-number cell). Everywhere else they are removed, the
  registration-number column included: a lost number is cheap, a kept pension number is not.
- A birth date is a date (numeric, ISO, with a month name, or a bare year) after a marker such as
  "дата рождения", "д.р.", "родился", "born", "DOB", "date of birth", or before "г.р." / "года рождения".

Both become ``REMOVED``. Every pattern runs in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import partial

REMOVED = "[removed]"

_SEP = r"[\s\u00a0.\-\u2010-\u2015\u2212_/\\]{0,3}"
_NUMBER_LABEL = (
    r"(?:регистрационн\w*\s*номер\w*|рег\.\s*номер\w*|номер\w*\s*регистрации|registration\s*(?:number|no\.?)"
    r"|reg\.?\s*(?:number|no\.?))\s*[:№#]?\s*"
)
SNILS_PATTERN = re.compile(
    # the lookahead names the characters a match can start with, so the search skips the others quickly
    rf"(?=[рнr\d])(?P<label>{_NUMBER_LABEL})?(?P<number>(?<!\d)\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{2}}(?!\d))",
    re.IGNORECASE,
)
_LABELLED_NUMBER = re.compile(rf"{_NUMBER_LABEL}(\d{{11}})(?!\d)", re.IGNORECASE)
_IDENTIFIER_BEFORE = frozenset("/=#@&?%+._")


_MONTH = r"[^\W\d_]{3,10}\.?"  # a month name or abbreviation, any language: the marker gives the context
_DATE = (
    r"(?:\d{1,2}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{2,4}"  # 14.08.1912, 14/8/12, 14 - 08 - 1912
    r"|\d{4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,2}"  # 1912-08-14
    rf"|\d{{1,2}}\s*{_MONTH},?\s*\d{{4}}"  # 14 августа 1912, 14 Aug 1912
    rf"|{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}"  # August 14, 1912
    r"|\d{4})"  # 1912
    r"(?:\s*(?:г\.|года|год|г\b))?"
)
_BEFORE = (
    r"(?:дат[аыуе]\s*рожд(?:ения|\.)?|д\.\s*р\b\.?|г\.\s*р\b\.?|год\s*рождения|родил(?:ся|ась)|род\."
    r"|date\s*of\s*birth|birth\s*date|birthdate|date\s*born|\bborn\b|\bd\.?\s*o\.?\s*b\b\.?)"
)
_AFTER = r"(?:г\.\s*р\b\.?|года\s*рождения|г\.\s*рождения|year\s*of\s*birth)"
BIRTH_DATE_PATTERN = re.compile(
    rf"{_BEFORE}[\s:=,\-\u2013\u2014]{{0,4}}(?:(?:в|on|in)\s+)?{_DATE}|{_DATE}\s*\(?{_AFTER}",
    re.IGNORECASE,
)

# C0 and C1 controls (whitespace aside) and the bidirectional overrides and isolates: never part of a name.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Cheap tests that skip the full patterns for the many cells that cannot hold a match.
_SIX_DIGITS = re.compile(rf"\d{{3}}{_SEP}\d{{3}}")
_ELEVEN_DIGITS = re.compile(r"\d{11}")
_DIGIT = re.compile(r"\d")
# Every birth-date match holds one of its markers, so a cell without a marker is not searched for dates.
_BIRTH_MARKER = re.compile(rf"(?=[дгрdby])(?:{_BEFORE}|{_AFTER})", re.IGNORECASE)


def labelled_numbers(texts: Iterable[object]) -> frozenset[str]:
    """Eleven-digit numbers that these texts (the cells of one row) label as registration numbers."""
    return frozenset(
        match[1]
        for text in texts
        if isinstance(text, str) and _ELEVEN_DIGITS.search(text)
        for match in _LABELLED_NUMBER.finditer(text)
    )


def scrub(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` without pension numbers, birth dates and control characters.

    ``keep``: eleven-digit numbers its row labels as registration numbers (``labelled_numbers``).
    """
    if not text.isprintable():  # every character _CONTROLS removes is non-printable; most cells have none
        text = _CONTROLS.sub("", text)
    if not _DIGIT.search(text):  # both patterns need a digit; most names have none
        return text
    if _SIX_DIGITS.search(text):
        text = SNILS_PATTERN.sub(partial(_pension_number, keep=keep), text)
    if _BIRTH_MARKER.search(text):
        text = BIRTH_DATE_PATTERN.sub(REMOVED, text)
    return text


def _pension_number(match: re.Match, keep: frozenset[str]) -> str:
    number, label = match["number"], match["label"] or ""
    if number.isdigit():  # eleven bare digits: removed unless they are plainly something else
        if label or number in keep or _in_identifier(match.string, match.start()):
            return match.group()
    return label + REMOVED


def _in_identifier(text: str, start: int) -> bool:
    """Whether digits starting at ``start`` continue a URL or an ASCII identifier (``/profile/``, ``id``).

    Only a Latin letter counts: "СНИЛС77788899903", or a guillemet read in the wrong code page ("Â"), is
    no identifier.
    """
    before = text[start - 1] if start else ""
    if before in _IDENTIFIER_BEFORE:
        return True
    return before.isascii() and before.isalpha() and text[max(start - 5, 0) : start].casefold() != "snils"


def has_personal_data(text: str) -> bool:
    return scrub(_CONTROLS.sub("", text)) != _CONTROLS.sub("", text)


def scrub_cell(value: object, keep: frozenset[str] = frozenset()) -> object:
    """A spreadsheet cell scrubbed: text as ``scrub``; a number that reads as a pension number becomes REMOVED."""
    if isinstance(value, str):
        return scrub(value, keep)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value == value and abs(value) < 1e16:  # not NaN, not huge
        digits = str(int(value)) if float(value).is_integer() else str(value)
        return REMOVED if scrub(digits, keep) != digits else value
    return value


MAX_DEPTH = 32  # register objects nest two levels; anything deeper is not register data and is dropped


def scrub_json(value: object, keep: frozenset[str] = frozenset(), depth: int = 0) -> object:
    """A JSON value with every string (keys too) scrubbed; numbers as ``scrub_cell``."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {scrub(str(key), keep): scrub_json(item, keep, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, keep, depth + 1) for item in value]
    return scrub_cell(value, keep)


def json_strings(value: object, depth: int = 0) -> Iterator[str]:
    """Every string inside a JSON value (to ``MAX_DEPTH``)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from json_strings(item, depth + 1)
