"""Alembic environment: run by `output._db.upgrade` on an open connection (never from a CLI)."""

from alembic import context

from output._tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
