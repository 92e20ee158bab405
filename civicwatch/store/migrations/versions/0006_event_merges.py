"""event merges and analysts' aliases: events.merged_into, aliases.added_by

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``events.merged_into``: an analyst merged this event into another (``civicwatch.store.merges``); it keeps
its row, with review state "merged", so that the merge can be undone. ``aliases.added_by``: the analyst
who added the alias from the entity page (None for names seen in articles and registers); such aliases
take precedence over the shipped alias table when later reports are resolved.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # plain ALTER TABLE ... ADD COLUMN (no batch mode: SQLite would copy the events table, which the full-text
    # triggers name); no foreign key, which SQLite cannot add to a table: merged events are never deleted
    op.add_column("events", sa.Column("merged_into", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_events_merged_into"), "events", ["merged_into"], unique=False)
    op.add_column("aliases", sa.Column("added_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("aliases", "added_by")
    op.drop_index(op.f("ix_events_merged_into"), table_name="events")
    op.drop_column("events", "merged_into")
