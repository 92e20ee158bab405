"""Reading CSV exports that are almost, but not quite, valid CSV.

The FARA bulk files quote every field but do not escape quotes inside fields
(``"NGO “Free and Faithful""``, ``""Nikola obrazopisov" 12 Sofia"``) and carry
``\\r\\r\\n`` inside quoted names. A plain ``csv.reader`` over the whole file
silently shifts columns on such rows, and an unbalanced quote could swallow
every following record. So records are assembled line by line, each parsed in
strict mode; a record that fails is repaired by splitting on ``","`` (valid
because every field is quoted) and kept only if the repair yields the right
number of fields and the caller's checks pass. Anything else is reported with
its physical line number and skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .model import RowProblem

MAX_LINES_PER_RECORD = 4  # a quoted newline spans 2 lines in the real files; more means a runaway quote


@dataclass(frozen=True)
class Record:
    line: int  # physical line where the record starts (header = 1)
    fields: list[str]
    raw: str
    repaired: bool = False


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 (the FARA bulk files)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # cp1252 leaves 5 bytes undefined; keep going rather than fail the file


def physical_lines(text: str) -> list[str]:
    """Lines as a text editor counts them: split on LF, one CR of a CRLF dropped (\\r\\r\\n keeps one CR)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_header(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _strict(lines: list[str]) -> list[list[str]] | str:
    """Rows of the given physical lines, or the csv error message."""
    try:
        return list(csv.reader([line + "\n" for line in lines], strict=True))
    except csv.Error as exc:
        return str(exc)


def _repair(raw: str, width: int) -> list[str] | None:
    """Split an every-field-quoted record on '","' when unescaped quotes broke the CSV parse."""
    if not (raw.startswith('"') and raw.endswith('"')):
        return None
    fields = raw[1:-1].split('","')
    return fields if len(fields) == width else None


def read_records(
    lines: list[str],
    width: int,
    valid: Callable[[list[str]], bool],
    problems: list[RowProblem],
    redact: Callable[[str], str] = lambda raw: raw,
) -> Iterator[Record]:
    """Records after the header line; malformed ones that cannot be repaired go to ``problems``.

    ``redact`` turns a malformed line into what may be kept in the report (files with personal columns).
    """
    index = 1  # lines[0] is the header
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        try:
            record, used = _next_record(lines, index, width, valid)
        except Exception:  # a check that failed on odd fields: this line is malformed, the next one is read
            record, used = None, 1
        if record is None:
            problems.append(
                RowProblem(index + 1, f"malformed row (expected {width} fields)", _redacted(redact, lines[index]))
            )
            index += 1
            continue
        yield record
        index += used


def _redacted(redact: Callable[[str], str], line: str) -> str:
    try:
        return redact(line)[:1000]
    except Exception:  # a line the csv module refuses even loosely (a field over its size limit): keep none of it
        return ""


def _next_record(
    lines: list[str], index: int, width: int, valid: Callable[[list[str]], bool]
) -> tuple[Record | None, int]:
    """The record starting at lines[index] and how many physical lines it used."""
    for used in range(1, MAX_LINES_PER_RECORD + 1):
        chunk = lines[index : index + used]
        rows = _strict(chunk)
        open_quote = rows == "unexpected end of data" and not chunk[-1].endswith('"')
        if open_quote and index + used < len(lines):
            continue  # a quoted field runs on to the next physical line
        raw = "\n".join(chunk)
        if isinstance(rows, list) and len(rows) == 1 and len(rows[0]) == width and valid(rows[0]):
            return Record(index + 1, rows[0], raw), used
        fields = _repair(raw, width)
        if fields is not None and valid(fields):
            return Record(index + 1, fields, raw, repaired=True), used
        return None, used
    return None, 1
