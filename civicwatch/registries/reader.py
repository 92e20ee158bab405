"""``read_registry``: pick the format, parse, then apply the rules every registry shares."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

from . import fara, ru_minjust, ru_undesirable
from .model import KINDS, RegistryEntry, RegistryFormatError, RegistrySnapshot, RowProblem
from .privacy import json_strings, labelled_numbers, scrub
from .source import Format, Parsed, Table, load_table

FORMATS: dict[str, tuple[Format, ...]] = {
    "ru-foreign-agents": ru_minjust.FORMATS,
    "ru-undesirable": ru_undesirable.FORMATS,
    "us-fara-registrants": fara.REGISTRANT_FORMATS,
    "us-fara-principals": fara.PRINCIPAL_FORMATS,
}

_FILE_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def read_registry(path: Path | str, kind: str) -> RegistrySnapshot:
    """Read one registry file of the given kind; the format within the kind is detected from the content.

    Raises RegistryFormatError when the file is not a known format of that kind (wrong kind, or the
    publisher changed the columns); malformed rows are skipped and listed in ``problems``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown registry kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    return read_registry_bytes(path.read_bytes(), path.name, kind)


def read_registry_bytes(data: bytes, name: str, kind: str) -> RegistrySnapshot:
    """``read_registry`` on a file's bytes; ``name`` is the file name (for messages and the as-of date).

    Raises RegistryFormatError, and nothing else, for bytes that are not a register of that kind in a
    known layout; a row that cannot be read is a problem of that row.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown registry kind {kind!r}; expected one of {', '.join(KINDS)}")
    table = load_table(name, data)
    parse = choose_format(table, kind).parse
    try:
        parsed = parse(table)
    except Exception as exc:  # a parser bug outside any row: one error for the file, not a traceback
        detail = " ".join(str(exc).split())[:200]
        raise RegistryFormatError(f"{name}: the file could not be read ({type(exc).__name__}: {detail})") from exc
    for line in table.scrubbed:
        parsed.warnings.append(RowProblem(line, "pension-number or birth-date pattern removed from a cell", ""))
    entries = _drop_pension_numbers(parsed)
    parsed.problems = [_scrub_problem(problem) for problem in parsed.problems]
    parsed.raws = [scrub(raw) for raw in parsed.raws]
    entries = _merge_duplicate_ids(entries, parsed)
    as_of, as_of_source = _as_of(parsed, name, entries)
    return RegistrySnapshot(
        registry=kind,
        source=name,
        as_of=as_of,
        as_of_source=as_of_source,
        source_format=parsed.format,
        entries=entries,
        problems=parsed.problems,
        warnings=[_scrub_problem(warning) for warning in parsed.warnings],
    )


def choose_format(table: Table, kind: str) -> Format:
    for fmt in FORMATS[kind]:
        if fmt.matches(table):
            return fmt
    expected = " or ".join(f"{fmt.name} ({fmt.container}): {list(fmt.columns)}" for fmt in FORMATS[kind])
    raise RegistryFormatError(
        f"{table.source}: not a {kind} file in a known layout. "
        f"Expected columns {expected}; found columns ({table.container}): {table.columns}"
    )


# --- privacy guard -------------------------------------------------------------------------------


def _drop_pension_numbers(parsed: Parsed) -> list[RegistryEntry]:
    """Belt and braces: every cell was scrubbed as the file was loaded (``privacy``) and the parsers never read
    the СНИЛС and birth-date columns, but a value the parser composed is checked again here."""
    entries = []
    for entry, line in zip(parsed.entries, parsed.lines, strict=True):
        cleaned, found = _scrub(entry)
        if found:
            parsed.warnings.append(RowProblem(line, "pension-number or birth-date pattern removed from a field", ""))
        entries.append(cleaned)
    return entries


def _scrub_problem(problem: RowProblem) -> RowProblem:
    return dataclasses.replace(problem, reason=scrub(problem.reason), raw=scrub(problem.raw))


_ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(RegistryEntry))


def _scrub(entry: RegistryEntry) -> tuple[RegistryEntry, bool]:
    values = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    changes = _changes(values, frozenset())
    if changes:  # only then look for registration numbers the entry labels as such: keeping one removes less
        changes = _changes(values, labelled_numbers(json_strings(list(values.values()))))
    return (dataclasses.replace(entry, **changes), True) if changes else (entry, False)


def _changes(values: dict[str, Any], keep: frozenset[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in values.items():
        cleaned = _scrub_value(value, keep)
        if cleaned != value:
            changes[name] = cleaned
    return changes


def _scrub_value(value: object, keep: frozenset[str]) -> object:
    if isinstance(value, str):
        return scrub(value, keep)
    if isinstance(value, tuple | list):
        return type(value)(_scrub_value(item, keep) for item in value)
    if isinstance(value, dict):
        return {key: _scrub_value(item, keep) for key, item in value.items()}
    return value


# --- duplicate ids -------------------------------------------------------------------------------


def _merge_duplicate_ids(entries: list[RegistryEntry], parsed: Parsed) -> list[RegistryEntry]:
    """One entry per id, so the id can be a database key.

    The FARA files repeat a few records (an exact duplicate line; registrant 5769 listed twice with
    two termination dates). The most current record wins: active over terminated, then the later
    termination, then the earlier line. Every dropped record is listed in warnings.
    """
    kept: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if entry.entry_id not in kept:
            kept[entry.entry_id] = index
            continue
        winner, loser = _more_current(kept[entry.entry_id], index, entries)
        kept[entry.entry_id] = winner
        parsed.warnings.append(_duplicate_warning(entries, parsed, winner, loser))
    return [entries[index] for index in sorted(kept.values())]


def _more_current(first: int, second: int, entries: list[RegistryEntry]) -> tuple[int, int]:
    def rank(index: int) -> tuple:
        entry = entries[index]
        return (entry.date_out is None, entry.date_out or date.min, -index)

    return (first, second) if rank(first) >= rank(second) else (second, first)


def _duplicate_warning(entries: list[RegistryEntry], parsed: Parsed, winner: int, loser: int) -> RowProblem:
    identical = entries[winner] == entries[loser]
    reason = (
        f"duplicate of line {parsed.lines[winner]} (identical), dropped"
        if identical
        else f"duplicate id {entries[loser].entry_id!r}: line {parsed.lines[winner]} kept as more current, this dropped"
    )
    return RowProblem(parsed.lines[loser], reason, parsed.raws[loser])


# --- as of ---------------------------------------------------------------------------------------


def _as_of(parsed: Parsed, file_name: str, entries: list[RegistryEntry]) -> tuple[date | None, str | None]:
    """The file's own statement (XLSX A2), else the snapshot date in the file name, else the latest date inside."""
    if parsed.as_of:
        return parsed.as_of, "xlsx-cell-A2"
    from_name = _date_in_name(file_name)
    if from_name:
        return from_name, "file-name"
    dates = [day for entry in entries for day in (entry.date_in, entry.date_out) if day]
    return (max(dates), "latest-date-in-file") if dates else (None, None)


def _date_in_name(file_name: str) -> date | None:
    for match in _FILE_NAME_DATE.finditer(file_name):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None
