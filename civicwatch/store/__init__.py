"""The database of articles, events, mentions and entities (SQLite by default, or PostgreSQL).

    from civicwatch.store import connect, list_events, EventQuery, session

    engine = connect("sqlite:///civicwatch.db")      # or None: $CIVICWATCH_DB, else the default file
    with session(engine) as s:
        events = list_events(s, EventQuery(type="designation", entity="Memorial"))

The store persists and queries; it never reads, screens or extracts (``civicwatch.pipeline.ingest`` does,
and hands it the articles and events to keep).

Modules: ``engine`` (where the database is, migrations), ``models`` (tables), ``ingest`` (an article and
its events in, one transaction each), ``entities`` (the entities names stand for), ``merge`` (one event per
act across articles), ``merges`` (analysts merging and splitting events), ``dedup`` (near-duplicate
articles), ``link`` (news events against the registers),
``registry`` (register imports), ``filters`` (the one event filter), ``queries`` and ``browse`` (reading),
``cache`` (the web server's cache of counts), ``search`` (full-text search), ``accounts`` (users, API
tokens, browser sessions) and ``review`` (the analyst review of events and the audit log).
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from civicwatch.store.accounts import (
    AccountError,
    add_user,
    authenticate,
    create_api_token,
    disable_user,
    enable_user,
    end_session,
    get_user,
    list_api_tokens,
    list_users,
    purge_expired_sessions,
    revoke_api_token,
    set_password,
    start_session,
    user_for_session,
    user_for_token,
)
from civicwatch.store.browse import list_events
from civicwatch.store.engine import (
    ACCOUNTS_ENV_VAR,
    ENV_VAR,
    StoreError,
    connect,
    current_revision,
    database_url,
    default_db_path,
    describe,
    head_revision,
    make_engine,
    upgrade,
)
from civicwatch.store.filters import EventQuery
from civicwatch.store.queries import (
    EntityProfile,
    EventOut,
    entity_profile,
    find_entities,
    registry_status,
)
from civicwatch.store.review import (
    EDITABLE_FIELDS,
    AuditEntry,
    ReviewError,
    edit_event,
    event_history,
    recent_audit,
    record_audit,
    review_event,
)
from civicwatch.store.search import fulltext_event_ids, fulltext_ranked


def session(engine: Engine) -> Session:
    """A session for reading (use it as a context manager)."""
    return Session(engine, expire_on_commit=False)


__all__ = [
    "EDITABLE_FIELDS",
    "AccountError",
    "AuditEntry",
    "ReviewError",
    "add_user",
    "authenticate",
    "create_api_token",
    "disable_user",
    "edit_event",
    "enable_user",
    "end_session",
    "event_history",
    "fulltext_event_ids",
    "fulltext_ranked",
    "get_user",
    "list_api_tokens",
    "list_users",
    "purge_expired_sessions",
    "recent_audit",
    "record_audit",
    "review_event",
    "revoke_api_token",
    "set_password",
    "start_session",
    "user_for_session",
    "user_for_token",
    "ACCOUNTS_ENV_VAR",
    "ENV_VAR",
    "EntityProfile",
    "EventQuery",
    "EventOut",
    "StoreError",
    "connect",
    "current_revision",
    "database_url",
    "default_db_path",
    "describe",
    "entity_profile",
    "find_entities",
    "head_revision",
    "list_events",
    "make_engine",
    "registry_status",
    "session",
    "upgrade",
]
