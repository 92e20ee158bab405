"""Cell-level cleaning shared by the parsers: whitespace, dates, identifiers, resources."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

# Invisible characters that PDF/HTML extraction leaves inside names (\s does not cover them), control
# characters and the bidirectional overrides and isolates, which are never part of a name.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]"
)
_SPACE = re.compile(r"\s+")  # str patterns are Unicode-aware: NBSP, \r, \t, thin spaces all match


def norm(value: object) -> str:
    """Whitespace-normalised text of a cell ('' for None)."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", str(value))
    return _SPACE.sub(" ", text).strip()


def norm_or_none(value: object) -> str | None:
    return norm(value) or None


def unhtml(value: object) -> str:
    """Text of an HTML-export cell: entities decoded (&nbsp; becomes a space), then normalised."""
    return norm(html.unescape(str(value or "")))


def cell_text(value: object) -> str:
    """An XLSX cell as text, tolerating the typed cells a re-saved export may carry."""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an INN typed as a number
    return norm(value)


_RU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class DateError(ValueError):
    pass


def _make_date(year: str, month: str, day: str, raw: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError(f"impossible date {raw!r}") from exc


def _whole_cell_date(value: object, pattern: re.Pattern[str], form: str, order: tuple[int, int, int]) -> date | None:
    """The date the whole cell holds in ``form`` (``order``: the groups of year, month and day); None for an
    empty cell; DateError for anything else."""
    text = norm(value)
    if not text:
        return None
    match = pattern.fullmatch(text)
    if not match:
        raise DateError(f"not a {form} date: {text!r}")
    year, month, day = (match[group] for group in order)
    return _make_date(year, month, day, text)


def parse_ru_date(value: object) -> date | None:
    """DD.MM.YYYY (the whole cell); None for an empty cell; DateError for anything else."""
    return _whole_cell_date(value, _RU_DATE, "DD.MM.YYYY", (3, 2, 1))


def find_ru_date(value: object) -> date | None:
    """The last DD.MM.YYYY inside a decision text such as '№ 1076-р от 29.07.2015'."""
    matches = _RU_DATE.findall(norm(value))
    if not matches:
        return None
    day, month, year = matches[-1]
    return _make_date(year, month, day, norm(value))


def parse_us_date(value: object) -> date | None:
    """MM/DD/YYYY (the whole cell); None for an empty cell; DateError for anything else."""
    return _whole_cell_date(value, _US_DATE, "MM/DD/YYYY", (3, 1, 2))


def is_us_date_or_empty(value: str) -> bool:
    try:
        parse_us_date(value)
    except DateError:
        return False
    return True


def number_or_none(value: object) -> str | None:
    """An INN/OGRN-like number; camelot turned some into floats ('827418.0')."""
    text = norm(value)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def fix_pdf_numero(text: str | None) -> str | None:
    """PDF extraction turned '№' into 'No'; restore it so grounds compare equal across sources."""
    if not text:
        return text
    return re.sub(r"\bNo(?=\s*\d)", "№", text)


# Resources: URLs separated by ';' (sometimes ',' or nothing), with Telegram channel ids appended as
# ', ID: -100…' or ' ID -100…'.
_RESOURCE_SPLIT = re.compile(r";|,\s*(?=(?:https?://|www\.))|\s+(?=https?://)")
_TELEGRAM_ID = re.compile(r",?\s*\bID\b\s*:?\s*[–—-]?\s*(\d{6,})")


def split_resources(value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(resources, telegram ids) of a resources cell, order kept, duplicates dropped."""
    resources: list[str] = []
    ids: list[str] = []
    for piece in _RESOURCE_SPLIT.split(norm(value)):
        for match in _TELEGRAM_ID.finditer(piece):
            ids.append("-" + match[1])
        piece = _TELEGRAM_ID.sub("", piece).strip(" ,")
        if piece:
            resources.append(piece)
    return tuple(dict.fromkeys(resources)), tuple(dict.fromkeys(ids))


def split_members(value: object) -> tuple[str, ...]:
    """Names of an association's members: '[A, B]' in the XLSX, 'A, B' or 'A; B' in the PDF mirrors."""
    text = norm(value).strip("[]")
    return tuple(name for name in (norm(part) for part in re.split(r"[;,]", text)) if name)
