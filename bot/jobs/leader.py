"""Which replica runs the timed jobs: the holder of a PostgreSQL advisory lock.

APScheduler 3's job stores must never be shared between schedulers, so each replica keeps its
jobs in memory and only the lock holder starts its scheduler. The lock belongs to one database
session: when the holder dies its connection closes, PostgreSQL frees the lock, and another
replica takes it at its next try. On SQLite there is one process, and it is always the holder.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("bot.jobs.leader")
LOCK_KEY = 0x626F_6F6B_656F  # "bookeo": any fixed 64-bit number, the same on every replica


class Leadership:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self.held = False

    @property
    def shared(self) -> bool:
        """Whether other processes may share this database (and the lock matters)."""
        return self._engine.dialect.name == "postgresql"

    async def try_acquire(self) -> bool:
        if not self.shared:
            self.held = True
            return True
        if self._connection is None:
            self._connection = await self._engine.connect()
        got = await self._connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
        )
        await self._connection.commit()  # a session lock outlives the transaction
        self.held = bool(got)
        return self.held

    async def still_held(self) -> bool:
        """False when the lock's connection was lost (the lock went with it)."""
        if not self.shared or self._connection is None:
            return self.held
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
        except Exception:
            log.warning("lost the scheduler lock's database connection")
            await self._drop_connection()
        return self.held

    async def release(self) -> None:
        if self.shared and self._connection is not None and self.held:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                )
                await self._connection.commit()
            except Exception:
                log.warning("could not release the scheduler lock; closing its connection")
        await self._drop_connection()

    async def _drop_connection(self) -> None:
        self.held = False
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.close()
            except Exception:
                await connection.invalidate()
