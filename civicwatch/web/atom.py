"""An Atom 1.0 feed of new events for any filter: ``/feed.atom`` takes the filters of ``/api/events``.

Newest stored first, so a subscriber sees each new event once. Built with ElementTree, which escapes
every text; characters XML cannot carry at all (control characters in hostile article text) are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from civicwatch.store import browse
from civicwatch.store.browse import EventRow
from civicwatch.web.deps import DbSession, EventFilters, read_access

router = APIRouter(dependencies=[Depends(read_access)], tags=["feed"])

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRIES = 200
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

ET.register_namespace("", ATOM_NS)


def _xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _timestamp(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = _xml_text(text)
    return element


def entry_title(row: EventRow) -> str:
    targets = "; ".join(row.targets) or "unnamed target"
    when = f" ({row.date})" if row.date else ""
    return f"{row.type}/{row.subtype}, {row.status}: {targets}{when}"


def feed_xml(rows: list[EventRow], *, feed_url: str, site_url: str, title: str) -> bytes:
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", feed_url)
    _sub(feed, "title", title)
    _sub(feed, "updated", _timestamp(max((r.updated_at or r.created_at for r in rows if r.created_at), default=None)))
    _sub(_sub(feed, "author"), "name", "civicwatch")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=site_url + "events")
    _sub(feed, "generator", "civicwatch")
    for row in rows:
        page = f"{site_url}events/{row.id}"
        entry = _sub(feed, "entry")
        _sub(entry, "id", page)
        _sub(entry, "title", entry_title(row))
        _sub(entry, "updated", _timestamp(row.updated_at or row.created_at))
        _sub(entry, "published", _timestamp(row.created_at))
        _sub(entry, "link", rel="alternate", type="text/html", href=page)
        if row.first_source_url:
            _sub(entry, "link", rel="related", href=_xml_text(row.first_source_url))
        _sub(entry, "category", term=row.type, label=row.type)
        _sub(entry, "category", term=f"{row.type}/{row.subtype}", label=row.subtype)
        summary = row.evidence
        if row.actor:
            summary += f" (by {row.actor})"
        _sub(entry, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _feed_title(query: browse.EventQuery) -> str:
    page_fields = ("limit", "offset", "cursor", "order", "include_boilerplate")
    parts = [
        f"{name}={value}"
        for name, value in asdict(query).items()
        if value not in (None, False) and name not in page_fields
    ]
    return "civicwatch: new events" + (f" ({', '.join(parts)})" if parts else "")


@router.get("/feed.atom", response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
def feed(
    request: Request,
    session: DbSession,
    filters: EventFilters,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTRIES, description="Entries in the feed.")] = 50,
) -> Response:
    """New events matching the filters (those of /api/events), newest stored first, as Atom 1.0."""
    filters.order, filters.limit = "added", limit
    rows = browse.search_events(session, filters).rows
    body = feed_xml(rows, feed_url=str(request.url), site_url=str(request.base_url), title=_feed_title(filters))
    return Response(body, media_type=ATOM_TYPE)
