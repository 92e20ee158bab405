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

Nothing here imports pyspark: reading an output back (``civicwatch ingest DIR``) needs pyarrow only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from civicwatch.model import Article, Event

ARTICLES, EVENTS, ERRORS, SUMMARY = "articles", "events", "errors", "summary"
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
# taken from the page), "extract" (the extractor raised on the article)


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
    "read_errors bigint, parse_errors bigint, extract_errors bigint, loads_in_task bigint, process_loads bigint, "
    "seconds double, cpu_seconds double"
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


def event_from_row(row: dict[str, Any]) -> Event:
    extra = row.get("extra")
    return Event(
        type=row["type"],
        subtype=row["subtype"],
        status=row["status"],
        targets=list(row.get("targets") or []),
        evidence=row.get("evidence") or "",
        actor=row.get("actor"),
        date=row.get("date"),
        location=row.get("location"),
        country=row.get("country"),
        confidence=float(row.get("confidence", 0.5)),
        evidence_start=int(row.get("evidence_start") or 0),
        evidence_end=int(row.get("evidence_end") or 0),
        boilerplate=bool(row.get("boilerplate")),
        extra=json.loads(extra) if extra else {},
    )


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        text=row["text"],
        published=_date(row.get("published")),
        url=row.get("url"),
        source=row.get("source"),
        language=row.get("language"),
        title=row.get("title"),
        author=row.get("author"),
    )


def _date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# ------------------------------------------------------------------------------------------ reading


def is_output_dir(path: Path) -> bool:
    """A folder written by ``civicwatch spark extract``: it has articles/ and events/ datasets."""
    return (path / ARTICLES).is_dir() and (path / EVENTS).is_dir()


def read_rows(dataset: Path) -> list[dict[str, Any]]:
    """Every row of one dataset folder (Parquet or JSON lines, found by the part files' suffix)."""
    files = _part_files(dataset)
    if not files:
        return []
    if all(f.name.endswith(".parquet") for f in files):
        import pyarrow.dataset as ds

        return ds.dataset([str(f) for f in files], format="parquet").to_table().to_pylist()
    rows = []
    for file in files:
        with _open_text(file) as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def _part_files(dataset: Path) -> list[Path]:
    """Data files under a dataset folder; Spark's markers (_SUCCESS, .crc files) left out."""
    if not dataset.is_dir():
        return []
    return sorted(p for p in dataset.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def _open_text(file: Path):
    if file.name.endswith(".gz"):
        import gzip

        return gzip.open(file, "rt", encoding="utf-8")
    return file.open(encoding="utf-8")


def iter_articles(out: Path) -> Iterator[tuple[Article, list[Event], str]]:
    """(article, its events in order, where it came from) for each article of an output folder, month by
    month (both datasets are partitioned by the article's month, so memory holds one month), and within a
    month by publication date, URL and id: a re-run of the ingest meets them in the same order."""
    for part in month_partitions(out / ARTICLES):
        by_article: dict[str, list[dict[str, Any]]] = {}
        for row in read_rows(out / EVENTS / part):
            by_article.setdefault(row["article_id"], []).append(row)
        articles = read_rows(out / ARTICLES / part)
        articles.sort(key=lambda r: (str(r.get("published") or "9999"), r.get("url") or "", r["article_id"]))
        for row in articles:
            rows = sorted(by_article.get(row["article_id"], []), key=lambda r: r["event_index"])
            article = article_from_row(row)
            yield article, [event_from_row(r) for r in rows], article.source or row["article_id"]


def month_partitions(dataset: Path) -> list[Path]:
    """The year=Y/month=M folders of a dataset, relative to it, in time order (undated last); ``.`` when the
    dataset is not partitioned."""
    if not dataset.is_dir():
        return []
    months = [p.relative_to(dataset) for p in dataset.glob("year=*/month=*") if p.is_dir()]
    if not months:
        return [Path(".")] if _part_files(dataset) else []
    return sorted(months, key=lambda p: (_number(p.parts[0]), _number(p.parts[1])))


def _number(part: str) -> int:
    value = part.split("=", 1)[1]
    return int(value) if value.isdigit() else 1 << 30  # __HIVE_DEFAULT_PARTITION__: undated, last


def read_summary(out: Path) -> dict[str, Any] | None:
    rows = read_rows(out / SUMMARY)
    return rows[0] if rows else None
