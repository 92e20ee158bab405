"""Accounts apart from the published data: users, api_tokens and web_sessions move to the accounts schema.

On SQLite that schema is the accounts file attached beside the database (``events.accounts.db``), on
PostgreSQL a schema of its own (see ``civicwatch.store.engine``). The rows are copied there (those already
there, by id, are kept: running it on a half-moved database is harmless), the audit log's key to ``users``
is dropped (its ``user_id`` and ``username`` stay), then the tables leave the main database.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None

ACCOUNTS = "accounts"  # mapped to the real schema by the engine (schema_translate_map on PostgreSQL)
AUDIT_FK = "fk_audit_log_user_id_users"


def _tables(metadata: sa.MetaData, schema: str | None) -> list[sa.Table]:
    """The three account tables as revision 0004 made them, in ``schema`` (None: the main database)."""
    users_id = f"{schema}.users.id" if schema else "users.id"
    users = sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        schema=schema,
    )
    tokens = sa.Table(
        "api_tokens",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], [users_id], name="fk_api_tokens_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.Index("ix_api_tokens_user_id", "user_id"),
        schema=schema,
    )
    sessions = sa.Table(
        "web_sessions",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], [users_id], name="fk_web_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
        sa.Index("ix_web_sessions_user_id", "user_id"),
        schema=schema,
    )
    return [users, tokens, sessions]


def _copy(bind: sa.Connection, sources: list[sa.Table], targets: list[sa.Table]) -> None:
    """Every row of each source table that its target lacks (by id), parents first; PostgreSQL's id
    sequences then continue after the copied ids."""
    for source, target in zip(sources, targets, strict=True):
        present = set(bind.scalars(sa.select(target.c.id)))
        rows = [dict(row) for row in bind.execute(sa.select(source)).mappings() if row["id"] not in present]
        if rows:
            bind.execute(target.insert(), rows)
        if bind.dialect.name == "postgresql":
            schema = bind.schema_for_object(target)
            table = f'"{schema}".{target.name}' if schema else target.name
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            bind.execute(sa.text(f"SELECT setval({sequence}, COALESCE(MAX(id), 0) + 1, false) FROM {table}"))


def _schema_name(bind: sa.Connection) -> str:
    return bind.get_execution_options().get("schema_translate_map", {}).get(ACCOUNTS, ACCOUNTS)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{_schema_name(bind)}"'))
    metadata = sa.MetaData()
    targets = _tables(metadata, ACCOUNTS)
    for table in targets:
        table.create(bind, checkfirst=True)
    # SQLite looks an unqualified name up in every attached database: ask the main one only
    if not sa.inspect(bind).has_table("users", schema="main" if bind.dialect.name == "sqlite" else None):
        return  # a fresh database (made by 0004 just now, then moved) or one moved already
    _copy(bind, _tables(sa.MetaData(), None), targets)
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_constraint(AUDIT_FK, type_="foreignkey")
    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
    op.drop_table("users")


def downgrade() -> None:
    bind = op.get_bind()
    back = _tables(sa.MetaData(), None)
    for table in back:
        table.create(bind, checkfirst=True)
    accounts = _tables(sa.MetaData(), ACCOUNTS)
    _copy(bind, accounts, back)
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_foreign_key(AUDIT_FK, "users", ["user_id"], ["id"], ondelete="SET NULL")
    for table in reversed(accounts):
        table.drop(bind)
