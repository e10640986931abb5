"""One protocol for every write to Bookeo that must not happen twice.

A write is keyed by the form that asked for it (a double click, a Slack retry or a second
submission carry the same key). The key is claimed before the call and finished after it:
"done" with the booking, "failed" (which frees the key), or "unknown" when the request may
have reached Bookeo but its answer was lost. Lost answers are looked up: Bookeo is asked
whether the write happened all the same, and the key settles accordingly.

    earlier(write)  what became of an earlier try (settling an "unknown" one), or None
    claim(key)      the key is ours (None), or what an earlier try holds
    run(write)      call → finish; on a lost answer, look it up
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.bookeo import BookeoError
from bot.clock import Clock
from bot.ops.outcomes import (
    AlreadyDone,
    Failed,
    InProgress,
    Lost,
    NotMade,
    Repeat,
    Unknown,
    Unsettled,
)
from bot.store import Store, WriteClaim

log = logging.getLogger("bot.ops.idempotent")

T = TypeVar("T")

UNCLAIMED_SINCE = timedelta(hours=1)  # how far back to look when a claim has no time


@dataclass(frozen=True)
class Write(Generic[T]):
    """One keyed write: how to make it, and how to find it made when the answer was lost."""

    key: str
    call: Callable[[], Awaitable[T]]
    look_up: Callable[[datetime], Awaitable[T | None]]
    """What an earlier try made since the given time, None if nothing; raises a BookeoError
    when Bookeo cannot say."""
    booking_number: Callable[[T], str]
    subject: str | None = None
    """The booking the write is on, when known before it is made (kept with an unknown)."""


@dataclass(frozen=True)
class Written(Generic[T]):
    """The write happened: made by this call, or found made after its answer was lost."""

    value: T


def repeat_of(claim: WriteClaim) -> Repeat:
    """What a key held by an earlier try says about it."""
    if claim.state == "done":
        return AlreadyDone(claim.booking_number)
    if claim.state == "pending":
        return InProgress()
    return Unsettled()


def may_have_reached(error: BaseException) -> bool:
    """Whether a failed request may have been carried out by Bookeo all the same."""
    return bool(getattr(error, "may_have_reached", False))


class IdempotentWrite:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def earlier(self, write: Write[T], *, budget: float | None = None) -> Repeat | None:
        """What became of an earlier try of this write, or None when the key is free. An
        "unknown" one is looked up (within `budget` seconds, if given): made → done; not
        made → the key is freed (None); Bookeo cannot say → still unknown."""
        claim = await self.store.peek_write(write.key)
        if claim is None:
            return None
        if claim.state != "unknown":
            return repeat_of(claim)
        since = claim.claimed_at or self.clock.now() - UNCLAIMED_SINCE
        try:
            async with asyncio.timeout(budget):
                found = await write.look_up(since)
        except (BookeoError, TimeoutError):
            return Unsettled()
        if found is None:
            await self._finish(write.key, "failed", None)
            return None
        number = write.booking_number(found)
        await self._finish(write.key, "done", number)
        return AlreadyDone(number)

    async def claim(self, key: str) -> Repeat | None:
        """None when the key is now ours to run; else what the earlier try holds."""
        claim = await self.store.claim_write(key, at=self.clock.now())
        return None if claim.fresh else repeat_of(claim)

    async def run(self, write: Write[T]) -> Written[T] | Lost:
        """Make a claimed write and finish its key with what became of it."""
        started = self.clock.now()
        try:
            value = await write.call()
        except Exception as error:
            return await self._lost(write, error, since=started)
        await self._finish(write.key, "done", write.booking_number(value))
        return Written(value)

    async def _lost(
        self, write: Write[T], error: Exception, *, since: datetime
    ) -> Written[T] | Lost:
        if not may_have_reached(error):
            await self._finish(write.key, "failed", None)
            return Failed(error)
        # The answer was lost, not necessarily the write: ask Bookeo for it.
        try:
            found = await write.look_up(since)
        except BookeoError:
            log.warning("could not check whether write %s reached Bookeo", write.key)
            await self._finish(write.key, "unknown", write.subject)
            return Unknown(error)
        if found is None:
            await self._finish(write.key, "failed", None)
            return NotMade(error)
        await self._finish(write.key, "done", write.booking_number(found))
        return Written(found)

    async def _finish(self, key: str, state: str, booking_number: str | None) -> None:
        await self.store.finish_write(
            key, state=state, booking_number=booking_number, at=self.clock.now()
        )
