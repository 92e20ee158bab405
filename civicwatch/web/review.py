"""The review workflow: analysts confirm, reject, reopen and edit events, in the browser and through the API.

Every change goes through ``civicwatch.store.review``, which writes the audit log (who, when, before, after,
note). Browser forms POST with the session's CSRF token and are answered with a redirect back to the event
page and a flash message; a bad value re-renders the page with the message (422). Scripts use the JSON
routes with ``Authorization: Bearer TOKEN``:

    curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
         -d '{"action": "confirm", "note": "in the register"}' http://127.0.0.1:8000/api/events/42/review
    curl -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
         -d '{"date": "2021-12-28", "note": "date of the ruling"}' http://127.0.0.1:8000/api/events/42

Merging and splitting events (``civicwatch.store.merges``), undone by the audit log row of the action:

    curl -X POST ... -d '{"other": 57, "note": "the same raid"}' http://127.0.0.1:8000/api/events/42/merge
    curl -X POST ... -d '{"article_id": 310}' http://127.0.0.1:8000/api/events/42/split
    curl -X POST ... -d '{"audit_id": 981}' http://127.0.0.1:8000/api/events/42/undo
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from civicwatch.core.schema import EDITABLE_FIELDS
from civicwatch.store import browse
from civicwatch.store.merges import merge_events, split_report, undo
from civicwatch.store.review import (
    ReviewError,
    add_alias,
    edit_event,
    entity_history,
    event_history,
    remove_alias,
    review_event,
)
from civicwatch.web import deps
from civicwatch.web.api import HistoryModel, model_of
from civicwatch.web.deps import COUNTRY_PATTERN, DbSession, EventStatus, EventSubtype, EventType, Id, Name
from civicwatch.web.openapi import AUTHENTICATED, responses
from civicwatch.web.pages import event_context
from civicwatch.web.security import CSRF_HEADER, SecureRoute
from civicwatch.web.templating import flash, render

router = APIRouter(route_class=SecureRoute)

DONE = {"confirm": "Event confirmed.", "reject": "Event rejected.", "reopen": "Event reopened."}


def _require_event(session: Session, event_id: int) -> None:
    if browse.event_detail(session, event_id) is None:
        raise HTTPException(404, f"there is no event {event_id}")


def _edit_form_changes(form: dict[str, Any], current: dict[str, str]) -> dict[str, Any]:
    """The fields of the edit form that differ from the event's values (the form sends them all)."""
    changes: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in form:
            continue
        value = str(form[name])
        if value.strip() == current.get(name, "").strip():
            continue
        if name == "targets":
            changes[name] = [line.strip() for line in value.splitlines() if line.strip()]
        else:
            changes[name] = value.strip() or None
    return changes


def _event_page_with_error(request: Request, session: Session, event_id: int, error: ReviewError) -> Response:
    session.rollback()
    context = event_context(request, session, event_id, error=error)
    return render(request, "event.html", context, status_code=422)


def _apply(session: Session, change: Callable[[], object]) -> ReviewError | None:
    """Make one review change and commit it (cached counts renewed), or say why it was refused."""
    try:
        change()
    except ReviewError as exc:
        return exc
    session.commit()
    browse.invalidate_caches()
    return None


def _back_to_event(event_id: int, message: str) -> Response:
    """Redirect after a form's POST: the event page, with a message shown once."""
    response = RedirectResponse(f"/events/{event_id}", status_code=303)
    flash(response, "ok", message)
    return response


# ------------------------------------------------------------------------------------------ browser forms


@router.post("/events/{event_id}/review", include_in_schema=False)
def review_form(
    event_id: Id,
    request: Request,
    session: DbSession,
    action: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    _require_event(session, event_id)
    if action not in DONE:
        raise HTTPException(400, f"unknown review action {action!r}: use confirm, reject or reopen")
    error = _apply(session, lambda: review_event(session, event_id, user, action, note.strip() or None))
    if error is not None:
        return _event_page_with_error(request, session, event_id, error)
    return _back_to_event(event_id, DONE[action])


@router.post("/events/{event_id}/edit", include_in_schema=False)
def edit_form(
    event_id: Id,
    request: Request,
    session: DbSession,
    type: Annotated[str | None, Form()] = None,
    subtype: Annotated[str | None, Form()] = None,
    status: Annotated[str | None, Form()] = None,
    date: Annotated[str | None, Form()] = None,
    actor: Annotated[str | None, Form()] = None,
    targets: Annotated[str | None, Form()] = None,
    location: Annotated[str | None, Form()] = None,
    country: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    context = event_context(request, session, event_id)  # 404 for an unknown event
    sent = {"type": type, "subtype": subtype, "status": status, "date": date, "actor": actor, "targets": targets}
    sent |= {"location": location, "country": country}
    changes = _edit_form_changes({k: v for k, v in sent.items() if v is not None}, context["review"].form)
    if not changes:
        return _back_to_event(event_id, "Nothing changed.")
    error = _apply(session, lambda: edit_event(session, event_id, user, changes, note.strip() or None))
    if error is not None:
        return _event_page_with_error(request, session, event_id, error)
    return _back_to_event(event_id, f"Event edited: {', '.join(changes)}.")


def _form_id(value: str, what: str) -> int:
    text = value.strip().lstrip("#")
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        raise ReviewError(f"{what} {value!r} is not an event number", field="other")
    return int(text)


def _merge_change(session: Session, event_id: int, user: Any, action: str, value: str, note: str) -> Callable:
    """The store call of a merge, split or undo form (the id it names read first)."""
    why = note.strip() or None
    if action == "merge":
        other = _form_id(value, "event")
        return lambda: merge_events(session, event_id, other, user, why)
    if action == "split":
        article = _form_id(value, "article")
        return lambda: split_report(session, event_id, article, user, why)
    entry = _form_id(value, "audit entry")
    return lambda: undo(session, entry, user, why, event_id=event_id)


MERGE_DONE = {"merge": "Events merged.", "split": "Report split off into event {new}.", "undo": "Undone."}


def _merge_form(
    event_id: int, action: str, request: Request, session: Session, value: str, note: str, csrf_token: str | None
) -> Response:
    """The event page's merge (``value``: the other event), split (the article) and undo (the audit entry)."""
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    _require_event(session, event_id)
    made: list[Any] = []
    try:
        change = _merge_change(session, event_id, user, action, value, note)
    except ReviewError as exc:
        return _event_page_with_error(request, session, event_id, exc)
    error = _apply(session, lambda: made.append(change()))
    if error is not None:
        return _event_page_with_error(request, session, event_id, error)
    return _back_to_event(event_id, MERGE_DONE[action].format(new=getattr(made[0], "id", "")))


@router.post("/entities/{entity_id}/aliases", include_in_schema=False)
def alias_form(
    entity_id: Id,
    request: Request,
    session: DbSession,
    name: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """The entity page's "add a name" form: back to the entity page with what happened."""
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    error = _apply(session, lambda: add_alias(session, entity_id, user, name, language or None, note.strip() or None))
    done = f"Name added: {' '.join(name.split())}. Later reports that use it name this entity."
    return _back_to_entity(session, entity_id, error, done, "Not added")


def _back_to_entity(session: Session, entity_id: int, error: ReviewError | None, done: str, refused: str) -> Response:
    """Back to the entity page, flashing what happened (404 for an entity that is not there)."""
    if error is not None and error.field == "entity":
        raise HTTPException(404, str(error))
    response = RedirectResponse(f"/entities/{entity_id}", status_code=303)
    if error is not None:
        session.rollback()
        flash(response, "error", f"{refused}: {error}")
    else:
        flash(response, "ok", done)
    return response


@router.post("/entities/{entity_id}/aliases/remove", include_in_schema=False)
def alias_remove_form(
    entity_id: Id,
    request: Request,
    session: DbSession,
    name: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """The entity page's "remove" button by an analyst's name: back to the entity page with what happened."""
    deps.check_csrf(request, csrf_token)
    user = deps.reviewer(request)
    relinked: list[list[int]] = []
    error = _apply(session, lambda: relinked.append(remove_alias(session, entity_id, user, name, note.strip() or None)))
    moved = len(relinked[0]) if relinked else 0
    done = f"Name removed: {' '.join(name.split())}. {moved} stored event(s) linked again by their names."
    return _back_to_entity(session, entity_id, error, done, "Not removed")


Value = Annotated[str, Form()]
Note = Annotated[str, Form()]
Token = Annotated[str | None, Form()]


@router.post("/events/{event_id}/merge", include_in_schema=False)
def merge_form(
    event_id: Id, request: Request, session: DbSession, value: Value = "", note: Note = "", csrf_token: Token = None
) -> Response:
    return _merge_form(event_id, "merge", request, session, value, note, csrf_token)


@router.post("/events/{event_id}/split", include_in_schema=False)
def split_form(
    event_id: Id, request: Request, session: DbSession, value: Value = "", note: Note = "", csrf_token: Token = None
) -> Response:
    return _merge_form(event_id, "split", request, session, value, note, csrf_token)


@router.post("/events/{event_id}/undo", include_in_schema=False)
def undo_form(
    event_id: Id, request: Request, session: DbSession, value: Value = "", note: Note = "", csrf_token: Token = None
) -> Response:
    return _merge_form(event_id, "undo", request, session, value, note, csrf_token)


# ---------------------------------------------------------------------------------------------- JSON API


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "reject", "reopen"]
    note: str | None = Field(None, max_length=2000)


def _not_null(schema: dict[str, Any]) -> None:
    """A field's schema without its null option (nor null as its default): it may be left out, not sent as null."""
    schema.pop("default", None)
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


class EventEdit(BaseModel):
    """The fields to change (at least one of them) and a note for the audit log. Type, subtype, status and
    targets can be changed but not cleared (absent: unchanged); the others are cleared with null."""

    # the schema says "at least one field to change" (a body with only a note changes nothing: 422)
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"anyOf": [{"required": [name]} for name in EDITABLE_FIELDS]}
    )

    type: EventType | None = Field(None, json_schema_extra=_not_null)
    subtype: EventSubtype | None = Field(None, description="One of the type's subtypes.", json_schema_extra=_not_null)
    status: EventStatus | None = Field(None, json_schema_extra=_not_null)
    date: str | None = Field(None, description="EDTF: 2021-12-28, 2021-12, 2021, ...")
    actor: Name | None = None
    targets: list[Name] | None = Field(None, min_length=1, json_schema_extra=_not_null)
    location: Name | None = None
    country: str | None = Field(None, pattern=COUNTRY_PATTERN)
    note: str | None = Field(None, max_length=2000)

    @field_validator("type", "subtype", "status", "targets", mode="before")
    @classmethod
    def _given(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("can be changed, not cleared: leave it out to keep it")
        return value


def _api_user(request: Request) -> Any:
    """The reviewer of an API call: a bearer token, or a browser session that sends its CSRF token in a header."""
    user = deps.reviewer(request)
    deps.check_csrf(request, request.headers.get(CSRF_HEADER))
    return user


class ReviewedEvent(model_of(browse.EventDetail)):  # type: ignore[misc]
    """The event as its page has it (its timestamps with their time zone)."""


class ReviewResult(BaseModel):
    """What the review routes answer: the event, and its review history, oldest first."""

    data: ReviewedEvent
    history: list[HistoryModel]


def review_result(session: Session, event_id: int) -> ReviewResult:
    """What the review routes answer: the event as the event page has it, and its review history."""
    detail = browse.event_detail(session, event_id)
    assert detail is not None
    return ReviewResult(
        data=ReviewedEvent.model_validate(detail),
        history=[HistoryModel.model_validate(entry) for entry in event_history(session, event_id)],
    )


def _answer(session: Session, event_id: int, change: Callable[[], object]) -> ReviewResult:
    """An API call's change made: the event and its history; 422 with the reason when it was refused."""
    error = _apply(session, change)
    if error is not None:
        raise HTTPException(422, str(error)) from error
    return review_result(session, event_id)


# What the JSON review routes may answer besides their result (a body that is not JSON, no login, not an
# analyst, no such id, a refused change); they take an API token or a browser session
REVIEW_ROUTE: dict[str, Any] = {
    "tags": ["review"],
    "responses": responses(400, 401, 403, 404, 422),
    "dependencies": [*AUTHENTICATED, Depends(_api_user)],  # who is asking is checked before the body
}


@router.post("/api/events/{event_id}/review", summary="Confirm, reject or reopen an event", **REVIEW_ROUTE)
def review_api(
    event_id: Id, request: Request, session: DbSession, body: Annotated[ReviewRequest, Body()]
) -> ReviewResult:
    """Needs an analyst's API token (``Authorization: Bearer TOKEN``). Written to the audit log."""
    user = _api_user(request)
    _require_event(session, event_id)
    return _answer(session, event_id, lambda: review_event(session, event_id, user, body.action, body.note))


@router.patch("/api/events/{event_id}", summary="Edit an event's fields", **REVIEW_ROUTE)
def edit_api(event_id: Id, request: Request, session: DbSession, body: Annotated[EventEdit, Body()]) -> ReviewResult:
    """Change any of the editable fields (type, subtype, status, date, actor, targets, location, country); the
    event becomes "edited". Needs an analyst's API token. Written to the audit log with ``note``."""
    user = _api_user(request)
    _require_event(session, event_id)
    changes = body.model_dump(mode="json", exclude_unset=True)
    note = changes.pop("note", None)
    if not changes:
        raise HTTPException(422, f"nothing to change: send any of {', '.join(EDITABLE_FIELDS)}")
    return _answer(session, event_id, lambda: edit_event(session, event_id, user, changes, note))


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other: int = Field(gt=0, lt=2**31, description="the event whose reports join this one")
    note: str | None = Field(None, max_length=2000)


class SplitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: int = Field(gt=0, lt=2**31, description="the article whose report becomes an event of its own")
    note: str | None = Field(None, max_length=2000)


class UndoRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audit_id: int = Field(gt=0, lt=2**31, description="the audit log row of the merge or split to take back")
    note: str | None = Field(None, max_length=2000)


class SplitResult(ReviewResult):
    """What a split answers: the event it was split from, its history, and the new event's id."""

    new_event: int


@router.post("/api/events/{event_id}/merge", summary="Merge another event into this one", **REVIEW_ROUTE)
def merge_api(
    event_id: Id, request: Request, session: DbSession, body: Annotated[MergeRequest, Body()]
) -> ReviewResult:
    """The other event's reports join this event; the other is kept, marked merged into this one. Needs an
    analyst's API token. Written to the audit log; undone with ``/undo`` and the ``audit_id`` of the merge."""
    user = _api_user(request)
    _require_event(session, event_id)
    return _answer(session, event_id, lambda: merge_events(session, event_id, body.other, user, body.note))


@router.post("/api/events/{event_id}/split", summary="Split an article's report off an event", **REVIEW_ROUTE)
def split_api(event_id: Id, request: Request, session: DbSession, body: Annotated[SplitRequest, Body()]) -> SplitResult:
    """The article's report becomes an event of its own, answered with ``new_event`` (its id). Needs an
    analyst's API token. Written to the audit log; undone with ``/undo``."""
    user = _api_user(request)
    _require_event(session, event_id)
    made: list[Any] = []
    answer = _answer(
        session, event_id, lambda: made.append(split_report(session, event_id, body.article_id, user, body.note))
    )
    return SplitResult(data=answer.data, history=answer.history, new_event=made[0].id)


@router.post("/api/events/{event_id}/undo", summary="Undo a merge or a split", **REVIEW_ROUTE)
def undo_api(event_id: Id, request: Request, session: DbSession, body: Annotated[UndoRequest, Body()]) -> ReviewResult:
    """Takes back the merge or split of the audit log row ``audit_id`` (made on this event). Needs an analyst's
    API token. Written to the audit log."""
    user = _api_user(request)
    _require_event(session, event_id)
    return _answer(session, event_id, lambda: undo(session, body.audit_id, user, body.note, event_id=event_id))


class AliasRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    language: str | None = Field(None, max_length=16, description="a language code: en, ru, uk...")
    note: str | None = Field(None, max_length=2000)


@router.post("/api/entities/{entity_id}/aliases", summary="Add a name of an entity", **REVIEW_ROUTE)
def alias_api(entity_id: Id, request: Request, session: DbSession, body: Annotated[AliasRequest, Body()]) -> dict:
    """Later reports that use the name resolve to this entity (before the shipped alias table), and search finds
    the entity by it. Needs an analyst's API token. Written to the audit log."""
    user = _api_user(request)
    error = _apply(session, lambda: add_alias(session, entity_id, user, body.name, body.language, body.note))
    if error is not None:
        raise HTTPException(404 if error.field == "entity" else 422, str(error)) from error
    return _aliases_answer(session, entity_id)


class AliasRemoval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    note: str | None = Field(None, max_length=2000)


@router.post(
    "/api/entities/{entity_id}/aliases/remove", summary="Remove an analyst's name of an entity", **REVIEW_ROUTE
)
def alias_remove_api(
    entity_id: Id, request: Request, session: DbSession, body: Annotated[AliasRemoval, Body()]
) -> dict:
    """Takes back a name an analyst added: later reports resolve it as they would without it, and the events it
    linked to the entity are linked again by their own names. Needs an analyst's API token. Written to the audit
    log (adding the name again restores it)."""
    user = _api_user(request)
    error = _apply(session, lambda: remove_alias(session, entity_id, user, body.name, body.note))
    if error is not None:
        raise HTTPException(404 if error.field == "entity" else 422, str(error)) from error
    return _aliases_answer(session, entity_id)


def _aliases_answer(session: Session, entity_id: int) -> dict:
    detail = browse.entity_detail(session, entity_id)
    assert detail is not None
    return {
        "aliases": [alias.__dict__ for alias in detail.profile.aliases],
        "history": [entry.to_dict() for entry in entity_history(session, entity_id)],
    }
