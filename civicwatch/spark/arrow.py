"""The executors' rows as Arrow record batches, the form ``mapInArrow`` hands to the JVM.

A batch holds rows of the wide schema (``output.WIDE_SCHEMA``): a kind, and that kind's values as a
struct in its own column (the other columns null). Arrow batches cross from Python to the JVM in
bulk, with no per-row pickling and no per-row conversion on the JVM side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

from civicwatch.spark import output

BATCH_ROWS = 256  # rows per batch: relevant pages are few, so a batch is usually a whole task's rows

_SCHEMAS = dict(
    zip(
        output.WIDE_KINDS,
        (output.ARTICLE_SCHEMA, output.EVENT_SCHEMA, output.ERROR_SCHEMA, output.STATS_SCHEMA),
        strict=True,
    )
)
_NAMES = {kind: output.column_names(schema) for kind, schema in _SCHEMAS.items()}


def row_dict(kind: str, values: tuple) -> dict:
    """One ``(kind, values)`` row as the wide schema's record."""
    return {"kind": kind, kind: dict(zip(_NAMES[kind], values, strict=True))}


def batches(rows: Iterable[tuple[str, tuple]], schema: pa.Schema, size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The rows in record batches of at most ``size`` rows."""
    pending: list[dict] = []
    for kind, values in rows:
        pending.append(row_dict(kind, values))
        if len(pending) >= size:
            yield pa.RecordBatch.from_pylist(pending, schema=schema)
            pending = []
    if pending:
        yield pa.RecordBatch.from_pylist(pending, schema=schema)
