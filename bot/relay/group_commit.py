"""Group commit for the webhook inbox: deliveries that arrive together are stored together.

Each delivery must be durable before Bookeo hears 2xx, and a transaction per delivery makes
the database the limit (on SQLite, one connection: ~400 deliveries/s here). The first
delivery to arrive when nothing is being written is written at once, alone; those that
arrive while a write is under way wait for it and then go in the next transaction, all of
them. No added wait when it is quiet, a few transactions a second under a burst.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from bot.store import Received, Store, cannot_write_now

log = logging.getLogger("bot.relay.group_commit")

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
            except Exception:
                # One bad row fails its whole transaction: store each alone, so it fails
                # alone (and is kept as a dead letter if it can be), not its neighbours.
                await self._one_by_one(batch)
                continue
            finally:
                self.transactions += 1
            for (_, stored), new in zip(batch, fresh, strict=True):
                if not stored.done():
                    stored.set_result(new)

    async def _one_by_one(self, batch: list[tuple[Received, asyncio.Future[bool]]]) -> None:
        for delivery, stored in batch:
            try:
                new = await self._store.relay.receive_many([delivery])
            except Exception as error:
                if cannot_write_now(error):  # a full disk: not this delivery's fault
                    if not stored.done():
                        stored.set_exception(error)  # a 503; Bookeo sends it again later
                    continue
                log.warning(
                    "a delivery could not be stored (%s); keeping it as a dead letter", error
                )
                try:
                    new = await self._store.relay.receive_many([_dead(delivery, error)])
                except Exception as again:
                    if not stored.done():
                        stored.set_exception(again)  # this one gets a 5xx; Bookeo retries it
                    continue
            if not stored.done():
                stored.set_result(new[0])


def _dead(delivery: Received, error: Exception) -> Received:
    """What can be kept of a delivery the inbox refused: a dead letter, with the reason."""
    return replace(
        delivery,
        booking_number=None,
        body=delivery.body.replace("\x00", "\ufffd"),
        dead_reason=f"could not be stored: {type(error).__name__}: {str(error)[:500]}",
    )
