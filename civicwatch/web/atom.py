"""An Atom 1.0 feed of new events for any filter: ``/feed.atom`` takes the filters of ``/api/events``.

Newest stored first, so a subscriber sees each new event once. Built with ElementTree, which escapes
every text; characters XML cannot carry at all (control characters in hostile article text) are dropped.

Ids are ``tag:`` URIs (RFC 4151), not page URLs, so an entry keeps its id when the site moves host or is
reached under another name: ``tag:civicwatch,2024:event/12`` (the part before the last colon is set per
instance with ``CIVICWATCH_FEED_TAG``). An event an analyst rejects leaves the feed's entries and appears,
most recently rejected first, as an RFC 6721 tombstone (``<at:deleted-entry ref="ENTRY ID" when="...">``),
so a reader that showed it can withdraw it. So does an event an analyst merged into another (the same act
reported twice): its tombstone's comment names the entry that carries the act now, with a link to its page,
and that entry's ``updated`` moves to the merge, so a reader sees it again with its new sources.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from civicwatch.store import browse
from civicwatch.store.browse import EventRow
from civicwatch.web.deps import DbSession, EventFilters, read_access
from civicwatch.web.openapi import responses

router = APIRouter(dependencies=[Depends(read_access)], tags=["feed"])

ATOM_NS = "http://www.w3.org/2005/Atom"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"  # RFC 6721
DEFAULT_TAG = "tag:civicwatch,2024:"  # RFC 4151: tag:AUTHORITY,DATE: then the entry's own part
ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRIES = 200
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

ET.register_namespace("", ATOM_NS)
ET.register_namespace("at", TOMBSTONES_NS)


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


def entry_id(tag: str, event_id: int) -> str:
    return f"{tag}event/{event_id}"


def feed_id(tag: str, query: browse.EventQuery) -> str:
    """The feed's own id: the same for the same filters, whatever the host or the order of the parameters."""
    return f"{tag}feed/events" + (f"?{urlencode(_filter_items(query))}" if _filter_items(query) else "")


def feed_xml(
    rows: list[EventRow],
    *,
    feed_url: str,
    site_url: str,
    title: str,
    tag: str = DEFAULT_TAG,
    id_: str | None = None,
    withdrawn: list[browse.Withdrawn] = (),  # type: ignore[assignment]
) -> bytes:
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", id_ or f"{tag}feed/events")
    _sub(feed, "title", title)
    moments = [r.updated_at or r.created_at for r in rows if r.created_at]
    moments += [w.rejected_at for w in withdrawn if w.rejected_at]
    _sub(feed, "updated", _timestamp(max((_utc(m) for m in moments), default=None)))
    _sub(_sub(feed, "author"), "name", "civicwatch")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=site_url + "events")
    _sub(feed, "generator", "civicwatch")
    for row in rows:
        page = f"{site_url}events/{row.id}"
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(tag, row.id))
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
    for gone in withdrawn:
        attributes = {"ref": entry_id(tag, gone.id), "when": _timestamp(gone.rejected_at)}
        tombstone = ET.SubElement(feed, f"{{{TOMBSTONES_NS}}}deleted-entry", attributes)
        comment = ET.SubElement(tombstone, f"{{{TOMBSTONES_NS}}}comment")
        if gone.merged_into is None:
            comment.text = _xml_text(f"withdrawn: an analyst rejected this event ({gone.note})")
        else:  # the same act as another entry: a reader can follow it there
            comment.text = _xml_text(
                f"merged into event {gone.merged_into} ({entry_id(tag, gone.merged_into)}): an analyst found "
                f"it reports the same act ({gone.note})"
            )
            _sub(tombstone, "link", rel="alternate", type="text/html", href=f"{site_url}events/{gone.merged_into}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


_PAGE_FIELDS = ("limit", "offset", "cursor", "order", "include_boilerplate", "include_rejected")


def _filter_items(query: browse.EventQuery) -> list[tuple[str, str]]:
    return [
        (name, str(value))
        for name, value in sorted(asdict(query).items())
        if value not in (None, False) and name not in _PAGE_FIELDS
    ]


def _feed_title(query: browse.EventQuery) -> str:
    parts = [f"{name}={value}" for name, value in _filter_items(query)]
    return "civicwatch: new events" + (f" ({', '.join(parts)})" if parts else "")


@router.get(
    "/feed.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}, **responses(403, 422)},
)
def feed(
    request: Request,
    session: DbSession,
    filters: EventFilters,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTRIES, description="Entries in the feed.")] = 50,
) -> Response:
    """New events matching the filters (those of /api/events), newest stored first, as Atom 1.0; events an
    analyst rejected since appear as RFC 6721 tombstones (``at:deleted-entry``)."""
    filters.order, filters.limit = "added", limit
    rows = browse.search_events(session, filters).rows
    withdrawn = [] if filters.review_state == "rejected" else browse.withdrawn_events(session, filters, limit)
    tag = getattr(request.app.state, "feed_tag", None) or DEFAULT_TAG
    body = feed_xml(
        rows,
        feed_url=str(request.url),
        site_url=str(request.base_url),
        title=_feed_title(filters),
        tag=tag,
        id_=feed_id(tag, filters),
        withdrawn=withdrawn,
    )
    return Response(body, media_type=ATOM_TYPE)
