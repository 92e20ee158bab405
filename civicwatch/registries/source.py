"""Loading a registry file into a neutral table, and the format descriptions the parsers register."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from .model import RegistryEntry, RegistryFormatError, RowProblem
from .privacy import REMOVED, json_strings, labelled_numbers, scrub, scrub_cell, scrub_json
from .tabular import decode, parse_header, physical_lines
from .text import norm

XLSX_HEADER_SCAN_ROWS = 10  # the Minjust header is on row 3; allow a title block that grows a little
XLSX_MAX_COLUMNS = 64  # the Minjust export has 21
XLSX_MAX_ROWS = 200_000  # it has about 1,050; a sheet claiming far more is damaged or not a register


@dataclass
class Table:
    """A file's content before any registry-specific reading."""

    source: str  # file name, for messages
    container: str  # "xlsx", "csv" or "json"
    columns: list[str]
    rows: list = field(default_factory=list)  # csv: physical lines (header first); json: objects; xlsx: rows
    header_row: int = 0  # xlsx: 0-based index of the header row in rows
    as_of_cell: object = None  # xlsx: the "as of" cell under the title
    scrubbed: list[int] = field(default_factory=list)  # lines / sheet rows / positions that held personal data


@dataclass
class Parsed:
    format: str
    entries: list[RegistryEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    as_of: date | None = None  # only when the file states it (XLSX A2)
    lines: list[int] = field(default_factory=list)  # where each entry came from, parallel to entries
    raws: list[str] = field(default_factory=list)

    def add(self, entry: RegistryEntry, line: int, raw: str) -> None:
        self.entries.append(entry)
        self.lines.append(line)
        self.raws.append(raw[:1000])

    @contextmanager
    def row(self, line: int, raw: object = "") -> Iterator[None]:
        """Read one row inside this: whatever goes wrong in it becomes a problem of that row, never of the file."""
        try:
            yield
        except Exception as exc:
            detail = " ".join(str(exc).split())[:200] or "no detail"
            self.problems.append(RowProblem(line, f"unreadable row ({type(exc).__name__}: {detail})", _raw(raw)))


@dataclass(frozen=True)
class Format:
    name: str
    container: str
    columns: tuple[str, ...]  # all must be present for the file to be read as this format
    parse: Callable[[Table], Parsed]

    def matches(self, table: Table) -> bool:
        found = {norm(column) for column in table.columns}
        return table.container == self.container and all(norm(column) in found for column in self.columns)


def sniff(data: bytes) -> str:
    """Container from content, not extension: a ZIP is an XLSX, '[' or '{' starts JSON, anything else is CSV."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if head[:1] in (b"[", b"{") else "csv"


def _raw(value: object) -> str:
    try:
        return str(value)[:500]
    except Exception:  # a value too deep or too odd to print: the line number says where it is
        return ""


def load_table(source: str, data: bytes) -> Table:
    """The file's content with every cell already scrubbed of personal data (``privacy``).

    Raises RegistryFormatError, naming the file and why, when the file cannot be read at all.
    """
    container = sniff(data)
    loaders = {"xlsx": _load_xlsx, "json": _load_json, "csv": _load_csv}
    try:
        return loaders[container](source, data)
    except RegistryFormatError:
        raise
    except Exception as exc:  # whatever the bytes are, the answer is one error naming the file
        detail = " ".join(str(exc).split())[:200] or "no detail"
        raise RegistryFormatError(
            f"{source}: not a readable {container.upper()} file ({type(exc).__name__}: {detail})"
        ) from exc


def _scrubbed(before: list, after: list) -> list[int]:
    """1-based positions where scrubbing removed personal data (not mere control characters)."""
    return [
        n
        for n, (old, new) in enumerate(zip(before, after, strict=True), start=1)
        if str(new).count(REMOVED) > str(old).count(REMOVED)
    ]


def _load_csv(source: str, data: bytes) -> Table:
    raw_lines = physical_lines(decode(data))
    lines = [scrub(line, labelled_numbers([line])) for line in raw_lines]
    columns = [norm(column) for column in parse_header(lines[0])] if lines else []
    return Table(source, "csv", columns, lines, scrubbed=_scrubbed(raw_lines, lines))


def _load_json(source: str, data: bytes) -> Table:
    try:
        items = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise RegistryFormatError(f"{source}: not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise RegistryFormatError(f"{source}: not valid JSON (nested too deeply)") from exc
    except ValueError as exc:  # integers of more than 4,300 digits
        raise RegistryFormatError(f"{source}: not valid JSON ({exc})") from exc
    if isinstance(items, dict):  # tolerate {"data": [...]} wrappers
        items = next((value for value in items.values() if isinstance(value, list)), [items])
    if not isinstance(items, list):
        raise RegistryFormatError(f"{source}: not a register (the JSON holds a {type(items).__name__}, not a list)")
    cleaned = [scrub_json(item, labelled_numbers(json_strings(item))) for item in items]
    first = next((item for item in cleaned if isinstance(item, dict)), {})
    return Table(source, "json", list(first), cleaned, scrubbed=_scrubbed(items, cleaned))


def _load_xlsx(source: str, data: bytes) -> Table:
    from openpyxl import load_workbook  # imported here: only the XLSX path needs it

    try:
        # read_only streams the sheet XML instead of building a cell object graph: ~0.1 s for 1,050 rows
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RegistryFormatError(f"{source}: not a readable XLSX workbook ({exc})") from exc
    try:
        if not workbook.worksheets:
            raise RegistryFormatError(f"{source}: not a readable XLSX workbook (no worksheet)")
        raw_rows = _xlsx_rows(source, workbook.worksheets[0])
    finally:
        workbook.close()
    rows = [_scrubbed_row(row) for row in raw_rows]
    header = _xlsx_header_row(rows)
    columns = [norm(cell) for cell in rows[header]] if len(rows) > header else []
    as_of_cell = rows[header - 1][0] if 0 < header <= len(rows) and rows[header - 1] else None
    return Table(source, "xlsx", columns, rows, header, as_of_cell, scrubbed=_scrubbed(raw_rows, rows))


def _scrubbed_row(row: tuple) -> tuple:
    cleaned = tuple(scrub_cell(cell) for cell in row)
    if cleaned == row:  # nothing to remove; a registration number the row labels would only keep more
        return row
    keep = labelled_numbers(row)  # once per row: the row's labels hold for each of its cells
    return tuple(scrub_cell(cell, keep) for cell in row) if keep else cleaned


def _xlsx_rows(source: str, sheet) -> list[tuple]:
    """The sheet's rows without trailing empty cells; bounded whatever the sheet claims.

    The stored dimension ("A1:XFD1048576") and a row numbered 1,000,000 would otherwise make the
    reader pad every row to 16,384 cells and produce a million empty rows.
    """
    sheet.reset_dimensions()
    rows = []
    for index, row in enumerate(sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True)):
        if index >= XLSX_MAX_ROWS:
            raise RegistryFormatError(f"{source}: more than {XLSX_MAX_ROWS:,} rows; not a register export")
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(tuple(cells))
    return rows


def _xlsx_header_row(rows: list[tuple]) -> int:
    for index, row in enumerate(rows[:XLSX_HEADER_SCAN_ROWS]):
        if row and norm(row[0]) == "№ п/п":
            return index
    return 2  # where the Minjust export puts it; reported as "found" if the columns do not match


def as_of_from_cell(value: object) -> date | None:
    """The Minjust 'as of' cell: a datetime, or text like '08.08.2025 17:00'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = norm(value)
    try:
        return datetime.strptime(text[:10], "%d.%m.%Y").date()
    except ValueError:
        return None
