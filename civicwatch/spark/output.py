"""The layout of a ``civicwatch spark extract`` output folder: its rows, and reading it back.

    OUT/articles/year=YYYY/month=M/part-*.parquet   one row per relevant page, with its text
    OUT/events/year=YYYY/month=M/part-*.parquet     one row per extracted event
    OUT/errors/part-*.parquet                       one row per damaged record or failed extraction
    OUT/summary/part-*.json                         the job's counts (one JSON object)

(``--format jsonl``: the same folders with ``part-*.json`` files, one JSON object a line.) Year and
month are those of the publication date; an undated article is under ``year=__HIVE_DEFAULT_PARTITION__``.

Ids are deterministic, so a retried or speculative task writes the very rows the first attempt
would have: an article's id is a hash of its WARC-Record-ID (or, without one, of its archive and
offset); an event's id a hash of its article's id and its index in the article.

Nothing here imports pyspark. Reading an output back (``civicwatch ingest DIR``) is an input kind like
any other: ``civicwatch.sources.extracted`` (pyarrow only), whose readers this module re-exports.
"""

from __future__ import annotations

import hashlib
import json

from civicwatch.model import Article, Event
from civicwatch.sources.extracted import (
    ARTICLES,
    ERRORS,
    EVENTS,
    SUMMARY,
    article_from_row,
    event_from_row,
    is_output_dir,
    iter_articles,
    month_partitions,
    read_rows,
    read_summary,
)

__all__ = [
    "ARTICLES",
    "ERRORS",
    "EVENTS",
    "SUMMARY",
    "article_from_row",
    "event_from_row",
    "is_output_dir",
    "iter_articles",
    "month_partitions",
    "read_rows",
    "read_summary",
]
PARTITION_COLUMNS = ("year", "month")
FORMATS = ("parquet", "jsonl")

# Spark DDL schemas; the row builders below return tuples in this order.
ARTICLE_SCHEMA = (
    "article_id string, record_id string, url string, source string, warc string, published date, "
    "language string, title string, author string, text string, event_count int, year int, month int"
)
EVENT_SCHEMA = (
    "event_id string, article_id string, event_index int, url string, published date, type string, "
    "subtype string, status string, targets array<string>, actor string, date string, location string, "
    "country string, evidence string, evidence_start int, evidence_end int, confidence double, "
    "boilerplate boolean, extra string, year int, month int"
)
ERROR_SCHEMA = "warc string, record string, record_id string, url string, stage string, reason string"
# error stages: "read" (the archive or a record is damaged), "parse" (no article text could be
# taken from the page), "extract" (the extractor raised on the article), "timeout" (its extraction ran past
# the per-article cap, ``WorkerSettings.timeout``)


def column_names(schema: str) -> list[str]:
    return [part.strip().split(" ", 1)[0] for part in _split_top_level(schema)]


def _split_top_level(schema: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in schema:
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


STATS_SCHEMA = (
    "process string, warcs bigint, records bigint, pages bigint, relevant bigint, articles bigint, events bigint, "
    "read_errors bigint, parse_errors bigint, extract_errors bigint, timeout_errors bigint, loads_in_task bigint, "
    "process_loads bigint, seconds double, cpu_seconds double, loader string"
)  # worker.PartitionStats, field for field
WIDE_KINDS = ("article", "event", "error", "stats")


def _struct(schema: str) -> str:
    return (
        "struct<"
        + ", ".join(f"{name}: {kind}" for name, kind in (p.strip().split(" ", 1) for p in _split_top_level(schema)))
        + ">"
    )


# The executors' rows before they are split into datasets: a kind, and that kind's values in its column.
WIDE_SCHEMA = "kind string, " + ", ".join(
    f"{kind} {_struct(schema)}"
    for kind, schema in zip(WIDE_KINDS, (ARTICLE_SCHEMA, EVENT_SCHEMA, ERROR_SCHEMA, STATS_SCHEMA), strict=True)
)


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def article_id(record_id: str | None, warc: str, origin: str) -> str:
    """From the WARC-Record-ID (unique by the WARC standard), else from where the record lies."""
    return stable_id("record", record_id) if record_id else stable_id("origin", warc, origin)


def article_row(article: Article, events: list[Event], ident: str, record_id: str | None, warc: str) -> tuple:
    published = article.published
    return (
        ident,
        record_id,
        article.url,
        article.source,
        warc,
        published,
        article.language,
        article.title,
        article.author,
        article.text,
        len(events),
        published.year if published else None,
        published.month if published else None,
    )


def event_rows(article: Article, events: list[Event], ident: str) -> list[tuple]:
    published = article.published
    return [
        (
            stable_id(ident, str(index)),
            ident,
            index,
            article.url,
            published,
            event.type,
            event.subtype,
            event.status,
            list(event.targets),
            event.actor,
            event.date,
            event.location,
            event.country,
            event.evidence,
            event.evidence_start,
            event.evidence_end,
            float(event.confidence),
            bool(event.boilerplate),
            json.dumps(event.extra, ensure_ascii=False, sort_keys=True),
            published.year if published else None,
            published.month if published else None,
        )
        for index, event in enumerate(events)
    ]
