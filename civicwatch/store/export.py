"""The export record of an event: one flat row a researcher can filter in a spreadsheet, DuckDB or pandas.

The web exports (``/api/events.csv`` and the others) and ``civicwatch publish`` write these columns; the
README's "Export columns" table describes each one. ``date`` is the EDTF date as reported, ``date_start`` and
``date_end`` the days it covers ("2015-07" is 2015-07-01 to 2015-07-31; None when the year is unknown), so a
range filter needs no EDTF parsing. ``sources`` and ``languages`` are lists (one cell joined with "; " in CSV).

    for record in export_records(session, EventQuery(type="designation"), "https://example.org/"):
        ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from civicwatch.store.browse import EventQuery, EventRow, iter_events
from civicwatch.store.models import Article, Mention, RegistryCheck, RegistryEventSource

# The columns of an export and their types (Parquet's; CSV writes lists joined with "; ")
COLUMN_TYPES = {
    "id": "int64",
    "date": "string",
    "date_precision": "string",
    "date_start": "date32",
    "date_end": "date32",
    "type": "string",
    "subtype": "string",
    "status": "string",
    "actor": "string",
    "targets": "list<string>",
    "location": "string",
    "country": "string",
    "source_count": "int32",
    "sources": "list<string>",
    "languages": "list<string>",
    "first_source_url": "string",
    "evidence": "string",
    "confidence": "float64",
    "review_state": "string",
    "registry_verdict": "string",
    "language": "string",
    "event_url": "string",
}
EXPORT_COLUMNS = tuple(COLUMN_TYPES)
LIST_COLUMNS = tuple(name for name, kind in COLUMN_TYPES.items() if kind.startswith("list"))
FROM_REGISTER = "from_register"  # registry_verdict of an event a register import made (it has no articles)
NOT_CHECKED = "not_checked"
BATCH = 1000


def export_records(session: Session, query: EventQuery, site_url: str, batch: int = BATCH) -> Iterator[dict]:
    """Every event matching the query as an export record (``site_url`` ends with "/": the event_url's base)."""
    rows: list[EventRow] = []
    for row in iter_events(session, query, batch=batch):
        rows.append(row)
        if len(rows) >= batch:
            yield from records_of(session, rows, site_url)
            rows = []
    yield from records_of(session, rows, site_url)


def records_of(session: Session, rows: Iterable[EventRow], site_url: str) -> list[dict]:
    """The export records of these events (three queries for the lot)."""
    rows = list(rows)
    ids = [row.id for row in rows]
    sources: dict[int, list[str]] = {i: [] for i in ids}
    languages: dict[int, set[str]] = {i: set() for i in ids}
    verdicts: dict[int, str] = {}
    if ids:
        reports = (
            select(Mention.event_id, Article.url, Article.language)
            .join(Article, Article.id == Mention.article_id)
            .where(Mention.event_id.in_(ids))
            .order_by(Mention.event_id, Article.published.is_(None), Article.published, Article.id)
        )
        for event_id, url, language in session.execute(reports):
            if url and url not in sources[event_id]:
                sources[event_id].append(url)
            if language:
                languages[event_id].add(language)
        checks = select(RegistryCheck.event_id, RegistryCheck.verdict).where(RegistryCheck.event_id.in_(ids))
        verdicts.update({event_id: verdict for event_id, verdict in session.execute(checks)})
        made = select(RegistryEventSource.event_id).where(RegistryEventSource.event_id.in_(ids))
        verdicts.update((event_id, FROM_REGISTER) for event_id in session.scalars(made))
    return [
        export_record(
            row,
            f"{site_url}events/{row.id}",
            sources=sources[row.id],
            languages=sorted(languages[row.id]),
            registry_verdict=verdicts.get(row.id, NOT_CHECKED),
        )
        for row in rows
    ]


def export_record(
    row: EventRow,
    event_url: str,
    *,
    sources: list[str] | None = None,
    languages: list[str] | None = None,
    registry_verdict: str = NOT_CHECKED,
) -> dict:
    """The export columns of one event, in order (lists as lists, dates as ``datetime.date``)."""
    values = row.__dict__ | {
        "sources": sources or [],
        "languages": languages or [],
        "registry_verdict": registry_verdict,
        "event_url": event_url,
    }
    return {name: values[name] for name in EXPORT_COLUMNS}
