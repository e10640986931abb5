"""Group commit for the webhook inbox: deliveries that arrive together are stored together.

Each delivery must be durable before Bookeo hears 2xx, and a transaction per delivery makes
the database the limit (on SQLite, one connection: ~400 deliveries/s here). The first
delivery to arrive when nothing is being written is written at once, alone; those that
arrive while a write is under way wait for it and then go in the next transaction, all of
them. No added wait when it is quiet, a few transactions a second under a burst.
"""

from __future__ import annotations

import asyncio

from bot.store import Received, Store

MAX_BATCH = 200  # rows in one INSERT (SQLite allows 32,766 bound values; 11 per row)


class InboxWriter:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: list[tuple[Received, asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None
        self.transactions = 0

    async def store(self, delivery: Received) -> bool:
        """Store `delivery` durably; whether it was new (its message id not seen before)."""
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((delivery, stored))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write(), name="inbox-group-commit")
        # Shielded: a caller that goes away (Bookeo hung up) does not undo the others' write.
        return await asyncio.shield(stored)

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                fresh = await self._store.relay.receive_many([d for d, _ in batch])
            except Exception as error:
                for _, stored in batch:
                    if not stored.done():
                        stored.set_exception(error)
                continue
            finally:
                self.transactions += 1
            for (_, stored), new in zip(batch, fresh, strict=True):
                if not stored.done():
                    stored.set_result(new)
