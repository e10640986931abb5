"""Alembic environment: always handed a live connection by `bot.store.migrate`."""

from __future__ import annotations

from alembic import context

from bot.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `bookeo-bot db upgrade`")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
