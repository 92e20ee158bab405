"""registers: registry_imports, registry_records, registry_event_sources, registry_checks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(column: str, table: str, owner: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{owner}_{column}_{table}"), ondelete=ondelete
    )


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("as_of_source", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("new_entries", sa.Integer(), nullable=False),
        sa.Column("changed_entries", sa.Integer(), nullable=False),
        sa.Column("designations", sa.Integer(), nullable=False),
        sa.Column("delistings", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_imports")),
        sa.UniqueConstraint("register", "sha256", name="uq_registry_imports_register_sha256"),
    )
    op.create_table(
        "registry_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("other_names", sa.JSON(), nullable=False),
        sa.Column("is_person", sa.Boolean(), nullable=True),
        sa.Column("entity_type", sa.Text(), nullable=True),
        sa.Column("date_in", sa.Date(), nullable=True),
        sa.Column("date_out", sa.Date(), nullable=True),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("ogrn", sa.String(length=13), nullable=True),
        sa.Column("reg_number", sa.Text(), nullable=True),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("first_import_id", sa.Integer(), nullable=False),
        sa.Column("last_import_id", sa.Integer(), nullable=False),
        sa.Column("data_as_of", sa.Date(), nullable=True),
        sa.Column("missing_since", sa.Date(), nullable=True),
        _fk("entity_id", "entities", "registry_records", "SET NULL"),
        _fk("first_import_id", "registry_imports", "registry_records", "CASCADE"),
        _fk("last_import_id", "registry_imports", "registry_records", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_records")),
        sa.UniqueConstraint("register", "entry_id", name="uq_registry_records_register_entry_id"),
    )
    _indexes("registry_records", "entity_id", "first_import_id", "inn", "last_import_id", "ogrn")
    op.create_table(
        "registry_checks",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("register", sa.String(length=32), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("register_date", sa.Date(), nullable=True),
        sa.Column("days_apart", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        _fk("event_id", "events", "registry_checks", "CASCADE"),
        _fk("record_id", "registry_records", "registry_checks", "SET NULL"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_registry_checks")),
    )
    _indexes("registry_checks", "record_id", "verdict")
    op.create_table(
        "registry_event_sources",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        _fk("event_id", "events", "registry_event_sources", "CASCADE"),
        _fk("import_id", "registry_imports", "registry_event_sources", "CASCADE"),
        _fk("record_id", "registry_records", "registry_event_sources", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_registry_event_sources")),
        sa.UniqueConstraint("record_id", "kind", name="uq_registry_event_sources_record_kind"),
    )
    _indexes("registry_event_sources", "import_id", "record_id")


def downgrade() -> None:
    # the events a register import made go with it: they have no articles and would be left unexplained
    op.execute("DELETE FROM events WHERE id IN (SELECT event_id FROM registry_event_sources)")
    for table in ("registry_event_sources", "registry_checks", "registry_records", "registry_imports"):
        op.drop_table(table)
