"""The review queue and missed events: analysts teach the extractor (``civicwatch.store.learning``).

* ``/review`` (analysts only): unreviewed events, the least certain first (confidence closest to the
  extractor's decision boundary), with the count of reviews since the last ``civicwatch train``. Keys:
  ``c`` confirm, ``x`` reject, ``j``/``n`` next, ``k``/``p`` previous, ``o`` open the event (to edit it).
  The keys call the JSON review route (``/api/events/ID/review``) with the session's CSRF token; without
  JavaScript each event has its own buttons.
* ``/articles/ID/add`` (analysts only): add an event the extractor missed: pick the evidence sentence,
  fill type, subtype, targets, date and the rest. ``POST /api/articles/ID/events`` does the same for
  scripts (evidence as character offsets, or as the sentence's text). Both write the audit log ("add").
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from civicwatch.core.schema import EVENT_TYPES, STATUSES
from civicwatch.store import browse
from civicwatch.store.learning import add_event, last_training, review_queue, reviews_since_training
from civicwatch.store.models import Article
from civicwatch.store.review import ReviewError
from civicwatch.web import deps
from civicwatch.web.deps import COUNTRY_PATTERN, DbSession, EventStatus, EventSubtype, EventType, Id, Name
from civicwatch.web.review import REVIEW_ROUTE, ReviewResult, _api_user, review_result
from civicwatch.web.security import SecureRoute
from civicwatch.web.templating import flash, render

router = APIRouter(route_class=SecureRoute)

QUEUE_SIZE = 50
_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+[\"'»”)]*(?=\s|$)|(?=\n)|$)")


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of a text: split at line breaks and at ., ! or ? before a space."""
    found = []
    for match in _SENTENCE.finditer(text):
        piece = match.group()
        stripped = piece.strip()
        if stripped:
            start = match.start() + len(piece) - len(piece.lstrip())
            found.append((start, start + len(stripped), stripped))
    return found


@router.get("/review", include_in_schema=False)
def queue_page(request: Request, session: DbSession) -> Response:
    deps.reviewer(request)
    items = [
        {
            "id": event.id,
            "type": event.type,
            "subtype": event.subtype,
            "targets": event.targets,
            "confidence": event.confidence,
            "evidence": event.evidence,
            "article_id": event.evidence_article_id,
            "title": title,
        }
        for event, title in review_queue(session, limit=QUEUE_SIZE)
    ]
    context = {
        "nav": "review",
        "items": items,
        "since_training": reviews_since_training(session),
        "last_training": last_training(session),
    }
    return render(request, "review_queue.html", context)


# -- adding a missed event ----------------------------------------------------------------------------
def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise HTTPException(404, f"there is no article {article_id}")
    return article


def _add_page(
    request: Request, session: Session, article: Article, error: ReviewError | None = None, sent: dict | None = None
) -> Response:
    context = {
        "nav": None,
        "article": article,
        "sentences": sentences(article.text),
        "types": EVENT_TYPES,
        "statuses": STATUSES,
        "error": error,
        "sent": sent or {},
    }
    return render(request, "add_event.html", context, status_code=422 if error else 200)


@router.get("/articles/{article_id}/add", include_in_schema=False)
def add_page(article_id: int, request: Request, session: DbSession) -> Response:
    deps.reviewer(request)
    return _add_page(request, session, _article(session, article_id))


@router.post("/articles/{article_id}/add", include_in_schema=False)
def add_form(
    article_id: int,
    request: Request,
    session: DbSession,
    evidence: Annotated[str, Form()] = "",
    type: Annotated[str, Form()] = "",
    subtype: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "occurred",
    targets: Annotated[str, Form()] = "",
    actor: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    article = _article(session, article_id)
    sent = {"evidence": evidence, "type": type, "subtype": subtype, "status": status, "targets": targets}
    sent |= {"actor": actor, "date": date, "location": location, "country": country, "note": note}
    fields: dict[str, Any] = {
        name: (value.strip() or None) for name, value in sent.items() if name not in ("evidence", "targets", "note")
    }
    fields["targets"] = [line.strip() for line in targets.splitlines() if line.strip()]
    start, _, end = evidence.partition(":")
    try:
        if not (start.isdigit() and end.isdigit()):
            raise ReviewError("select the sentence that reports the act", "evidence")
        event = add_event(session, article.id, user, fields, int(start), int(end), note.strip() or None)
    except ReviewError as exc:
        session.rollback()
        return _add_page(request, session, _article(session, article_id), exc, sent)
    session.commit()
    browse.invalidate_caches()
    response = RedirectResponse(f"/events/{event.id}", status_code=303)
    flash(response, "ok", "Event added.")
    return response


class NewEvent(BaseModel):
    """An event the extractor missed: its fields, and its evidence in the article (offsets, or the sentence)."""

    model_config = ConfigDict(extra="forbid")

    type: EventType
    subtype: EventSubtype = Field(description="One of the type's subtypes.")
    status: EventStatus = EventStatus("occurred")
    targets: list[Name] = Field(min_length=1)
    actor: Name | None = None
    date: str | None = Field(None, description="EDTF: 2021-12-28, 2021-12, 2021, ...")
    location: Name | None = None
    country: str | None = Field(None, pattern=COUNTRY_PATTERN)
    evidence: str | None = Field(None, description="The sentence as written in the article (or give the offsets).")
    evidence_start: int | None = None
    evidence_end: int | None = None
    note: str | None = Field(None, max_length=2000)


@router.post(
    "/api/articles/{article_id}/events", summary="Add an event the extractor missed", status_code=201, **REVIEW_ROUTE
)
def add_api(article_id: Id, request: Request, session: DbSession, body: Annotated[NewEvent, Body()]) -> ReviewResult:
    """Needs an analyst's API token. The event is stored confirmed, its fields counted as the analyst's, and
    written to the audit log (action "add") with ``note``."""
    user = _api_user(request)
    article = _article(session, article_id)
    start, end = body.evidence_start, body.evidence_end
    if start is None or end is None:
        sentence = (body.evidence or "").strip()
        at = article.text.find(sentence) if sentence else -1
        if at < 0:
            raise HTTPException(422, "evidence: give the sentence as written in the article, or its offsets")
        start, end = at, at + len(sentence)
    fields = body.model_dump(mode="json", exclude={"evidence", "evidence_start", "evidence_end", "note"})
    try:
        event = add_event(session, article.id, user, fields, start, end, body.note)
    except ReviewError as exc:
        session.rollback()
        raise HTTPException(422, str(exc)) from exc
    session.commit()
    browse.invalidate_caches()
    return review_result(session, event.id)
