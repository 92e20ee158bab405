"""Alembic environment: run by civicwatch.store.engine with an open connection, never from alembic.ini."""

from __future__ import annotations

from alembic import context

from civicwatch.store.models import Base
from civicwatch.store.search import include_object

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `civicwatch db upgrade` (civicwatch.store.engine.upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place: batch mode copies the table instead
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_object,  # the full-text index is made in SQL by migration 0004
)
with context.begin_transaction():
    context.run_migrations()
