"""Articles with their events extracted already: the output folder of ``civicwatch spark extract``, read back.

    OUT/articles/year=YYYY/month=M/part-*.parquet   one row per relevant page, with its text
    OUT/events/year=YYYY/month=M/part-*.parquet     one row per extracted event
    OUT/errors/part-*.parquet, OUT/summary/part-*.json

(or ``part-*.json`` files, one JSON object a line). The job that writes it, and the schemas of its rows,
are ``civicwatch.spark.output``; reading needs pyarrow only. ``civicwatch ingest DIR`` stores the events
as they are, without extracting again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from civicwatch.core.text import strip_controls, strip_controls_or_none
from civicwatch.model import Article, Event
from civicwatch.sources.files import without_controls

ARTICLES, EVENTS, ERRORS, SUMMARY = "articles", "events", "errors", "summary"


def event_from_row(row: dict[str, Any]) -> Event:
    extra = row.get("extra")
    return Event(
        type=row["type"],
        subtype=row["subtype"],
        status=row["status"],
        targets=[strip_controls(t) for t in row.get("targets") or []],
        evidence=strip_controls(row.get("evidence") or ""),
        actor=strip_controls_or_none(row.get("actor")),
        date=row.get("date"),
        location=strip_controls_or_none(row.get("location")),
        country=row.get("country"),
        confidence=float(row.get("confidence", 0.5)),
        evidence_start=int(row.get("evidence_start") or 0),
        evidence_end=int(row.get("evidence_end") or 0),
        boilerplate=bool(row.get("boilerplate")),
        extra=json.loads(extra) if extra else {},
    )


def article_from_row(row: dict[str, Any]) -> Article:
    """The article of a row; its text was cleaned by the job's reader, and is again (``core.text``) in case
    the folder was written by something else."""
    article = Article(
        text=row["text"],
        published=_date(row.get("published")),
        url=row.get("url"),
        source=row.get("source"),
        language=row.get("language"),
        title=row.get("title"),
        author=row.get("author"),
    )
    return without_controls(article)


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
    rows: list[dict[str, Any]] = []
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
