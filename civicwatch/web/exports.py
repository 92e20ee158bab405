"""Event exports: CSV, JSON Lines and Parquet, with the filters of ``/api/events``.

One row per event with the columns a researcher expects (``EXPORT_COLUMNS``, from
``civicwatch.store.export``; the README describes them). CSV and JSON Lines are streamed a batch at a time,
so an export of every event never sits whole in memory; Parquet is written a row group per batch. The list
columns (``targets``, ``sources``, ``languages``) are one cell joined with "; " in CSV, lists elsewhere.

CSV is opened by spreadsheets, and article text is hostile input: a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula, so it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from civicwatch.store import export
from civicwatch.store.browse import EventQuery
from civicwatch.store.export import COLUMN_TYPES, EXPORT_COLUMNS, LIST_COLUMNS
from civicwatch.web.deps import EventFilters, read_access, site_base
from civicwatch.web.openapi import responses

# rejected events are listed to analysts only (403), a bad filter is 422
router = APIRouter(dependencies=[Depends(read_access)], tags=["exports"], responses=responses(403, 422))

# The columns (one row per event): civicwatch.store.export, described in the README ("Export columns")
BATCH = export.BATCH
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    for n, record in enumerate(records, 1):
        cells = record | {name: "; ".join(record[name]) for name in LIST_COLUMNS}
        writer.writerow(["" if cells[c] is None else spreadsheet_safe(cells[c]) for c in EXPORT_COLUMNS])
        if n % 200 == 0:
            yield flush()
    yield flush()


def jsonl_lines(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, default=_json_default) + "\n"


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def parquet_bytes(records: Iterable[dict]) -> bytes:
    """The records as a Parquet file (zstd), a row group per batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64()}
    arrow |= {"list<string>": pa.list_(pa.string()), "date32": pa.date32()}
    schema = pa.schema([(name, arrow[kind]) for name, kind in COLUMN_TYPES.items()])
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH * 10:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return sink.getvalue()


def _records(request: Request, query: EventQuery) -> Iterator[dict]:
    """Every matching event as an export record; a session of its own, since it outlives the request handler."""
    with request.app.state.sessions() as session:
        yield from export.export_records(session, query, site_base(request), batch=BATCH)


def _filename(extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="civicwatch-events.{extension}"'}


@router.get("/api/events.csv", response_class=StreamingResponse)
def export_csv(request: Request, filters: EventFilters) -> StreamingResponse:
    """Matching events as CSV (UTF-8, one row per event; formula-like cells start with an apostrophe)."""
    return StreamingResponse(
        csv_lines(_records(request, filters)), media_type="text/csv; charset=utf-8", headers=_filename("csv")
    )


@router.get("/api/events.jsonl", response_class=StreamingResponse)
def export_jsonl(request: Request, filters: EventFilters) -> StreamingResponse:
    """Matching events as JSON Lines, one object per line."""
    return StreamingResponse(
        jsonl_lines(_records(request, filters)), media_type="application/x-ndjson", headers=_filename("jsonl")
    )


@router.get("/api/events.parquet", response_class=Response)
def export_parquet(request: Request, filters: EventFilters) -> Response:
    """Matching events as a Parquet file (targets as a list of strings)."""
    return Response(
        parquet_bytes(_records(request, filters)),
        media_type="application/vnd.apache.parquet",
        headers=_filename("parquet"),
    )
