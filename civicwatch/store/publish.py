"""A shareable copy of the published data: no accounts, no credentials, no rejected events.

``publish_database(source, "public.db")`` writes a new SQLite file with the public tables (``PUBLIC_TABLES``:
articles, events and their mentions, entities and aliases, registers and their verdicts). It never holds a
user, a password hash, an API token, a browser session or the audit log (the tables are not made at all),
nor an event an analyst rejected (with its links), nor the analysts' names (``reviewed_by`` is left empty).
Datasette opens it as it is:

* JSON columns are declared with the type ``JSON`` (``targets``, ``edited_fields``, ``extra``...), which
  sqlite-utils and Datasette's ``?_json=COLUMN`` understand, and listed in the metadata;
* ``events_fts`` and ``articles_fts`` are FTS5 tables with ``content="events"`` / ``content="articles"``, so
  Datasette finds them by itself and ``/public/events?_search=Memorial`` searches events;
* ``metadata_for`` gives Datasette metadata (``public.metadata.json`` beside the file): the search tables,
  each table's description and the JSON columns.

``publish_files(source, DIR, "parquet" | "csv" | "jsonl")`` writes the same tables as flat files, one per
table; ``events`` there is the export of ``civicwatch.store.export`` (dates as ranges, sources, verdicts).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.orm import Session

from civicwatch.store.export import COLUMN_TYPES, EXPORT_COLUMNS, LIST_COLUMNS, export_records
from civicwatch.store.filters import EventQuery
from civicwatch.store.models import HIDDEN_STATES, Base

# What is published, parents first, with a description for Datasette. Accounts (users, api_tokens,
# web_sessions) and the audit log are not: a copy never holds them.
PUBLIC_TABLES = {
    "articles": "Stored news articles: URL, title, publication date, language and text.",
    "events": "Restrictions on civil society and media, one row per real-world act (rejected ones left out).",
    "mentions": "One article's report of one event, with its own evidence sentence and offsets.",
    "entities": "Organizations, people, places and laws named by events.",
    "aliases": "Every name an entity was seen under, in every language and script.",
    "event_entities": "Which entities an event names, as target, actor or location.",
    "registry_imports": "Imported register snapshots (Russian Ministry of Justice, FARA...).",
    "registry_records": "Register entries as their newest snapshot gives them.",
    "registry_event_sources": "The events a register's inclusions and exclusions became.",
    "registry_checks": "What the registers say about an event from the news (confirmed, contradicted, absent).",
}
PRIVATE_TABLES = ("users", "api_tokens", "web_sessions", "audit_log")
# The tables whose rows belong to one event: left out with a rejected event
_EVENT_COLUMN = {
    "events": "id",
    "mentions": "event_id",
    "event_entities": "event_id",
    "registry_event_sources": "event_id",
    "registry_checks": "event_id",
}
_BLANKED = {"events": ("reviewed_by",)}  # analysts' usernames are account data
FTS = {"events": ("evidence", "targets", "actor", "location", "type", "subtype"), "articles": ("title", "text")}
FORMATS = ("sqlite", "parquet", "csv", "jsonl")
BATCH = 2000


class PublishError(ValueError):
    """A copy that cannot be written (the file exists, an unknown format), told as a message."""


def public_metadata() -> MetaData:
    """The public tables as the store declares them (columns, keys, indexes), in a metadata of their own."""
    metadata = MetaData()
    for name in PUBLIC_TABLES:
        Base.metadata.tables[name].to_metadata(metadata)
    return metadata


def json_columns(table: Table) -> list[str]:
    return [column.name for column in table.columns if isinstance(column.type, JSON)]


def _rows(session: Session, table: Table, batch: int = BATCH) -> Iterator[list[dict]]:
    """The table's published rows, a batch at a time, in primary-key order."""
    source = Base.metadata.tables[table.name]
    statement = select(source).order_by(*source.primary_key.columns)
    column = _EVENT_COLUMN.get(table.name)
    if column:
        events = Base.metadata.tables["events"]
        rejected = select(events.c.id).where(events.c.review_state.in_(HIDDEN_STATES))
        statement = statement.where(source.c[column].not_in(rejected))
    result = session.execute(statement.execution_options(yield_per=batch)).mappings()
    blanked = _BLANKED.get(table.name, ())
    for part in result.partitions(batch):
        yield [dict(row) | dict.fromkeys(blanked) for row in part]


def publish_database(
    source: Engine, out: Path, progress: Callable[[str, int], None] | None = None, replace: bool = False
) -> dict[str, int]:
    """Write the public copy to the SQLite file ``out``; the number of rows of each table."""
    out = Path(out)
    if out.exists():
        if not replace:
            raise PublishError(f"{out} exists: choose another name or pass --replace")
        out.unlink()
    out.parent.mkdir(parents=True, exist_ok=True)
    target = create_engine(f"sqlite:///{out}")
    event.listen(target, "connect", lambda connection, _: connection.execute("PRAGMA foreign_keys = OFF"))
    metadata = public_metadata()
    counts: dict[str, int] = {}
    try:
        metadata.create_all(target)
        with Session(source) as session, target.begin() as connection:
            for table in metadata.sorted_tables:
                counts[table.name] = 0
                for rows in _rows(session, table):
                    connection.execute(table.insert(), rows)
                    counts[table.name] += len(rows)
                    if progress:
                        progress(table.name, len(rows))
            for name, columns in FTS.items():
                _make_fts(connection, name, columns)
        with target.connect() as connection:
            connection.exec_driver_sql("VACUUM")
    finally:
        target.dispose()
    return counts


def _make_fts(connection, table: str, columns: tuple[str, ...]) -> None:
    """An FTS5 index over the table's columns, with the table as its content (Datasette's ?_search= finds it)."""
    connection.execute(
        text(
            f"CREATE VIRTUAL TABLE {table}_fts USING fts5({', '.join(columns)}, "
            f'content="{table}", content_rowid="id", tokenize=\'unicode61 remove_diacritics 2\')'
        )
    )
    connection.execute(text(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"))


def metadata_for(database: str = "public") -> dict:
    """Datasette metadata for the published file opened as ``database``: descriptions, search, JSON columns."""
    tables = {}
    for table in public_metadata().sorted_tables:
        entry: dict = {"description": PUBLIC_TABLES[table.name]}
        if table.name in FTS:
            entry |= {"fts_table": f"{table.name}_fts", "fts_pk": "id"}
        columns = json_columns(table)
        if columns:
            entry["columns"] = {name: "JSON" for name in columns}
        tables[table.name] = entry
    return {
        "title": "civicwatch: restrictions on civil society and independent media",
        "description": "Published events and their evidence; accounts and rejected events are not included.",
        "databases": {database: {"tables": tables}},
    }


# ------------------------------------------------------------------------------------------- flat files


def publish_files(
    source: Engine,
    directory: Path,
    output_format: str,
    site_url: str = "",
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Path]:
    """Each public table as a file in ``directory`` (``events`` as the researchers' export); the paths written."""
    if output_format not in ("parquet", "csv", "jsonl"):
        raise PublishError(f"unknown format {output_format!r}: one of parquet, csv, jsonl")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with Session(source) as session:
        for table in public_metadata().sorted_tables:
            path = directory / f"{table.name}.{output_format}"
            if table.name == "events":
                columns = dict(COLUMN_TYPES)
                batches = _batched(export_records(session, EventQuery(include_boilerplate=True), site_url))
            else:
                columns = _flat_columns(table)
                batches = (_flat(rows, table, output_format) for rows in _rows(session, table))
            _WRITERS[output_format](path, columns, batches, lambda n, name=table.name: progress and progress(name, n))
            written[table.name] = path
    return written


def _batched(records: Iterator[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    yield batch


def _flat_columns(table: Table) -> dict[str, str]:
    """The table's columns (binary ones left out) and their types as in ``export.COLUMN_TYPES``."""
    kinds: dict[str, str] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, LargeBinary):
            continue
        if isinstance(kind, Boolean):
            kinds[column.name] = "bool"
        elif isinstance(kind, Integer):
            kinds[column.name] = "int64"
        elif isinstance(kind, Float):
            kinds[column.name] = "float64"
        elif isinstance(kind, DateTime):
            kinds[column.name] = "timestamp"
        elif isinstance(kind, Date):
            kinds[column.name] = "date32"
        else:  # text, and JSON written as JSON text (jsonl keeps the value)
            kinds[column.name] = "string"
    return kinds


def _flat(rows: list[dict], table: Table, output_format: str) -> list[dict]:
    as_text = json_columns(table) if output_format != "jsonl" else []
    keep = _flat_columns(table)
    return [
        {name: (json.dumps(row[name], ensure_ascii=False) if name in as_text else row[name]) for name in keep}
        for row in rows
    ]


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_jsonl(path: Path, columns: dict[str, str], batches, progress) -> None:
    with path.open("w", encoding="utf-8") as out:
        for rows in batches:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
            progress(len(rows))


def _write_csv(path: Path, columns: dict[str, str], batches, progress) -> None:
    lists = [name for name in LIST_COLUMNS if name in columns] if tuple(columns) == EXPORT_COLUMNS else []
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for rows in batches:
            for row in rows:
                cells = row | {name: "; ".join(row[name]) for name in lists}
                writer.writerow(["" if cells[name] is None else cells[name] for name in columns])
            progress(len(rows))


def _write_parquet(path: Path, columns: dict[str, str], batches, progress) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {
        "string": pa.string(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list<string>": pa.list_(pa.string()),
    }
    schema = pa.schema([(name, arrow[kind]) for name, kind in columns.items()])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in batches:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            progress(len(rows))


_WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}
