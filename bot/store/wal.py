"""SQLite's write-ahead log on a disk that fills up: notice, checkpoint, truncate.

On a nearly full disk SQLite's own checkpoints fail (the database file cannot grow to take
the log's pages), so the log only grows until every write fails; and SQLite never shrinks
the log afterwards, even once its pages are copied back. So a write refused for want of
space is noticed (an engine event sees every error), and once a write commits again the log
is checkpointed and truncated (`PRAGMA wal_checkpoint(TRUNCATE)`); when nothing went wrong
that is done every CHECKPOINT_EVERY seconds. Nothing to do on PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("bot.store")

# SQLite's words for a write refused for want of space (SQLITE_FULL; an I/O error when the
# log or its index cannot grow).
OUT_OF_SPACE = ("database or disk is full", "disk i/o error")
CHECKPOINT_EVERY = 600.0  # seconds


class WriteAheadLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.short_of_space = False
        """A write failed for want of space; cleared once one commits and the log is emptied."""
        self._checkpointed = time.monotonic()
        if self.sqlite:
            event.listen(engine.sync_engine, "handle_error", self._on_error)

    def _on_error(self, context: Any) -> None:
        if any(words in str(context.original_exception).lower() for words in OUT_OF_SPACE):
            if not self.short_of_space:
                log.error("the database cannot write: the disk is full")
            self.short_of_space = True

    async def written(self) -> None:
        """A write just committed: after a full disk, empty the log the failures left."""
        if self.short_of_space and await self.checkpoint():
            log.warning("the database writes again: its write-ahead log is checkpointed")
            self.short_of_space = False

    async def checkpoint_if_due(self) -> None:
        if self.sqlite and time.monotonic() - self._checkpointed >= CHECKPOINT_EVERY:
            await self.checkpoint()

    async def checkpoint(self) -> bool:
        """Copy the log into the database and truncate it to nothing; whether it was (True
        on PostgreSQL: nothing to do)."""
        if not self.sqlite:
            return True
        try:
            async with self._engine.connect() as connection:
                result = await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = result.scalar()
        except Exception as error:
            log.warning("could not checkpoint the write-ahead log: %s", error)
            return False
        self._checkpointed = time.monotonic()
        return busy == 0
