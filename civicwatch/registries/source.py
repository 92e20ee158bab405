"""Loading a registry file into a neutral table, and the format descriptions the parsers register."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from .model import RegistryEntry, RegistryFormatError, RowProblem
from .tabular import decode, parse_header, physical_lines
from .text import norm

XLSX_HEADER_SCAN_ROWS = 10  # the Minjust header is on row 3; allow a title block that grows a little


@dataclass
class Table:
    """A file's content before any registry-specific reading."""

    source: str  # file name, for messages
    container: str  # "xlsx", "csv" or "json"
    columns: list[str]
    rows: list = field(default_factory=list)  # csv: physical lines (header first); json: objects; xlsx: rows
    header_row: int = 0  # xlsx: 0-based index of the header row in rows
    as_of_cell: object = None  # xlsx: the "as of" cell under the title


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


def load_table(source: str, data: bytes) -> Table:
    container = sniff(data)
    loaders = {"xlsx": _load_xlsx, "json": _load_json, "csv": _load_csv}
    return loaders[container](source, data)


def _load_csv(source: str, data: bytes) -> Table:
    lines = physical_lines(decode(data))
    columns = [norm(column) for column in parse_header(lines[0])] if lines else []
    return Table(source, "csv", columns, lines)


def _load_json(source: str, data: bytes) -> Table:
    try:
        items = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise RegistryFormatError(f"{source}: not valid JSON ({exc})") from exc
    if isinstance(items, dict):  # tolerate {"data": [...]} wrappers
        items = next((value for value in items.values() if isinstance(value, list)), [items])
    first = next((item for item in items if isinstance(item, dict)), {})
    return Table(source, "json", list(first), items)


def _load_xlsx(source: str, data: bytes) -> Table:
    from openpyxl import load_workbook  # imported here: only the XLSX path needs it

    try:
        # read_only streams the sheet XML instead of building a cell object graph: ~0.1 s for 1,050 rows
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RegistryFormatError(f"{source}: not a readable XLSX workbook ({exc})") from exc
    try:
        rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = _xlsx_header_row(rows)
    columns = [norm(cell) for cell in rows[header]] if len(rows) > header else []
    as_of_cell = rows[header - 1][0] if 0 < header <= len(rows) and rows[header - 1] else None
    return Table(source, "xlsx", columns, rows, header, as_of_cell)


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
