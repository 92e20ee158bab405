"""review: events' review state, accounts, API tokens, web sessions, the audit log and full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Events stored before this revision become "unreviewed" with no edited fields, and are indexed here.

The full-text index (``events_fts``, read by ``civicwatch.store.search``) covers an event's evidence,
targets, actor, location, type and subtype words, and the titles of the articles that report it. It is
kept up to date by triggers made here, so ingest code needs no change:

* SQLite: an FTS5 table (``unicode61`` tokenizer, diacritics removed: case-insensitive in English and
  Russian) whose rowid is the event id. Without FTS5 in this sqlite3 nothing is made, and search falls
  back to LIKE.
* PostgreSQL: a table of one ``tsvector`` per event (``simple`` configuration: no stemming, so English
  and Russian alike) with a GIN index. The text is lowercased, and its punctuation replaced by spaces,
  with an ICU collation where there is one, since under the C locale ``lower`` leaves Cyrillic alone and
  the parser takes "«" for a letter.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_ICU_COLLATION = "und-x-icu"
# The default text search parser, under the C locale, takes every non-ASCII character for a letter, so
# "«Мемориал»" would be one word with its quotes: punctuation is replaced by spaces before parsing.
_PUNCTUATION = '[][«»“”„‘’"()<>{}.,;:!?…/\\|_*#@&%+=~^$—–-]'


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("review_state", sa.String(length=16), server_default="unreviewed", nullable=False)
        )
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("edited_fields", sa.JSON(), server_default="[]", nullable=False))
        batch_op.create_index(batch_op.f("ix_events_review_state"), ["review_state"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(op.f("ix_audit_log_user_id"), "audit_log", ["user_id"], unique=False)
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_fulltext()
    elif dialect == "postgresql":
        _postgresql_fulltext()


# ------------------------------------------------------------------------------------------ SQLite


def _fts5_available() -> bool:
    from civicwatch.store.search import fts5_available

    return fts5_available()


# The indexed text of event ``e``: type and subtype words, actor, location, targets (JSON decoded, so
# Cyrillic is not \\u-escaped), evidence and the titles of the articles that report it.
_SQLITE_DOCUMENT = """
    e.type || ' ' || replace(e.subtype, '_', ' ') || ' ' || coalesce(e.actor, '') || ' '
    || coalesce(e.location, '') || ' '
    || coalesce((SELECT group_concat(t.value, ' ') FROM json_each(e.targets) AS t), '') || ' '
    || e.evidence || ' '
    || coalesce((SELECT group_concat(a.title, ' ') FROM mentions AS m JOIN articles AS a ON a.id = m.article_id
                 WHERE m.event_id = e.id AND a.title IS NOT NULL), '')
"""


def _sqlite_reindex(event_id: str) -> str:
    return (
        f"DELETE FROM events_fts WHERE rowid = {event_id}; "
        f"INSERT INTO events_fts (rowid, body) SELECT e.id, {_SQLITE_DOCUMENT} "
        f"FROM events AS e WHERE e.id = {event_id};"
    )


def _sqlite_fulltext() -> None:
    if not _fts5_available():
        import logging

        logging.getLogger("civicwatch.store").warning(
            "this Python's sqlite3 has no FTS5: no full-text index is made; search falls back to LIKE"
        )
        return
    op.execute("CREATE VIRTUAL TABLE events_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    searched = "type, subtype, actor, location, targets, evidence"
    op.execute(
        "CREATE TRIGGER events_fts_event_insert AFTER INSERT ON events BEGIN "
        f"INSERT INTO events_fts (rowid, body) SELECT e.id, {_SQLITE_DOCUMENT} FROM events AS e WHERE e.id = new.id; "
        "END"
    )
    op.execute(
        f"CREATE TRIGGER events_fts_event_update AFTER UPDATE OF {searched} ON events "
        f"BEGIN {_sqlite_reindex('new.id')} END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_event_delete AFTER DELETE ON events "
        "BEGIN DELETE FROM events_fts WHERE rowid = old.id; END"
    )
    op.execute(
        f"CREATE TRIGGER events_fts_mention_insert AFTER INSERT ON mentions BEGIN {_sqlite_reindex('new.event_id')} END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_mention_move AFTER UPDATE OF event_id ON mentions BEGIN "
        f"{_sqlite_reindex('old.event_id')} {_sqlite_reindex('new.event_id')} END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_article_title AFTER UPDATE OF title ON articles BEGIN "
        "DELETE FROM events_fts WHERE rowid IN (SELECT event_id FROM mentions WHERE article_id = new.id); "
        f"INSERT INTO events_fts (rowid, body) SELECT e.id, {_SQLITE_DOCUMENT} FROM events AS e "
        "WHERE e.id IN (SELECT event_id FROM mentions WHERE article_id = new.id); END"
    )
    op.execute(f"INSERT INTO events_fts (rowid, body) SELECT e.id, {_SQLITE_DOCUMENT} FROM events AS e")


# -------------------------------------------------------------------------------------- PostgreSQL


def _postgresql_document(collation: str | None) -> str:
    text = """
        e.type || ' ' || replace(e.subtype, '_', ' ') || ' ' || coalesce(e.actor, '') || ' '
        || coalesce(e.location, '') || ' '
        || coalesce((SELECT string_agg(t, ' ') FROM json_array_elements_text(e.targets) AS t), '') || ' '
        || e.evidence || ' '
        || coalesce((SELECT string_agg(a.title, ' ') FROM mentions AS m JOIN articles AS a ON a.id = m.article_id
                     WHERE m.event_id = e.id), '')
    """
    if collation:  # Unicode-aware lowercasing and letter classes
        words = f"regexp_replace(lower(({text}) COLLATE \"{collation}\"), '[^[:alnum:]]+', ' ', 'g')"
    else:  # C-locale classes are ASCII-only: strip the usual punctuation by name
        words = f"regexp_replace(lower({text}), '{_PUNCTUATION}+', ' ', 'g')"
    return f"to_tsvector('simple', {words})"


def _postgresql_fulltext() -> None:
    connection = op.get_bind()
    has_icu = connection.scalar(
        sa.text("SELECT count(*) FROM pg_collation WHERE collname = :name"), {"name": _ICU_COLLATION}
    )
    document = _postgresql_document(_ICU_COLLATION if has_icu else None)
    op.execute(
        "CREATE TABLE events_fts (event_id integer PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_events_fts_document ON events_fts USING gin (document)")
    op.execute(
        "CREATE FUNCTION events_fts_refresh(target integer) RETURNS void LANGUAGE sql AS $$ "
        f"INSERT INTO events_fts (event_id, document) SELECT e.id, {document} FROM events AS e WHERE e.id = target "
        "ON CONFLICT (event_id) DO UPDATE SET document = excluded.document $$"
    )
    op.execute(
        "CREATE FUNCTION events_fts_on_event() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM events_fts_refresh(NEW.id); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION events_fts_on_mention() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' THEN PERFORM events_fts_refresh(OLD.event_id); END IF; "
        "PERFORM events_fts_refresh(NEW.event_id); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION events_fts_on_article() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM events_fts_refresh(m.event_id) FROM mentions AS m WHERE m.article_id = NEW.id; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER events_fts_event AFTER INSERT OR UPDATE OF type, subtype, actor, location, targets, evidence "
        "ON events FOR EACH ROW EXECUTE FUNCTION events_fts_on_event()"
    )
    op.execute(
        "CREATE TRIGGER events_fts_mention AFTER INSERT OR UPDATE OF event_id ON mentions "
        "FOR EACH ROW EXECUTE FUNCTION events_fts_on_mention()"
    )
    op.execute(
        "CREATE TRIGGER events_fts_article AFTER UPDATE OF title ON articles "
        "FOR EACH ROW EXECUTE FUNCTION events_fts_on_article()"
    )
    op.execute(f"INSERT INTO events_fts (event_id, document) SELECT e.id, {document} FROM events AS e")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in (
            "events_fts_event_insert",
            "events_fts_event_update",
            "events_fts_event_delete",
            "events_fts_mention_insert",
            "events_fts_mention_move",
            "events_fts_article_title",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS events_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_fts_event ON events")
        op.execute("DROP TRIGGER IF EXISTS events_fts_mention ON mentions")
        op.execute("DROP TRIGGER IF EXISTS events_fts_article ON articles")
        for function in ("events_fts_on_event()", "events_fts_on_mention()", "events_fts_on_article()"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        op.execute("DROP TABLE IF EXISTS events_fts")
        op.execute("DROP FUNCTION IF EXISTS events_fts_refresh(integer)")
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_user_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_review_state"))
        batch_op.drop_column("edited_fields")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("review_state")
