"""One protocol for every write to Bookeo that must not happen twice.

A write is keyed by the form that asked for it (a double click, a Slack retry or a second
submission carry the same key). The key is claimed before the call and finished after it:
"done" with the booking, "failed" (which frees the key), or "unknown" when the request may
have reached Bookeo but its answer was lost. Lost answers are looked up: Bookeo is asked
whether the write happened all the same, and the key settles accordingly.

A request whose answer was lost may still be in flight: Bookeo can carry it out after the
bot gave up waiting (a create answered after 20 s, past the client's 15 s timeout). So "not
made" is only concluded once Bookeo's own processing of it must be over (`IN_FLIGHT_FOR`
after it was sent): until then the key stays "unknown", the bot looks again on a schedule
(`LOOK_AGAIN_AFTER`), and a second try of the same form is told "still checking"
(`Checking`), never given the key.

    earlier(write)  what became of an earlier try (settling an "unknown" one), or None
    claim(key)      the key is ours (None), or what an earlier try holds
    run(write)      call → finish; on a lost answer, look it up
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.bookeo import BookeoError
from bot.clock import Clock
from bot.ops.outcomes import (
    AlreadyDone,
    Checking,
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
# How long after a request was sent Bookeo may still carry it out. The client gives up after
# 15 s; Bookeo's front ends cut a request off well within two minutes, so a write not found
# two minutes after it was sent was never made.
IN_FLIGHT_FOR = timedelta(minutes=2)
# When a lost answer is looked up again (seconds after the previous look); they add up to
# IN_FLIGHT_FOR, so the last look is made when Bookeo's processing must be over.
LOOK_AGAIN_AFTER: tuple[float, ...] = (5, 10, 15, 30, 60)


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


Sleep = Callable[[float], Awaitable[None]]
Checked = Callable[[], Awaitable[None]]


class IdempotentWrite:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        sleep: Sleep = asyncio.sleep,
        look_again_after: Sequence[float] = LOOK_AGAIN_AFTER,
    ) -> None:
        self.store = store
        self.clock = clock
        self.sleep = sleep
        self.look_again_after = tuple(look_again_after)

    async def earlier(self, write: Write[T], *, budget: float | None = None) -> Repeat | None:
        """What became of an earlier try of this write, or None when the key is free. An
        "unknown" one is looked up (within `budget` seconds, if given): made → done; not
        made → the key is freed (None) once the earlier request cannot be in flight any more,
        else `Checking`; Bookeo cannot say → still unknown."""
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
            if self.clock.now() < since + IN_FLIGHT_FOR:
                return Checking()  # the earlier request may still land: never a second one
            await self._finish(write.key, "failed", None)
            return None
        number = write.booking_number(found)
        await self._finish(write.key, "done", number)
        return AlreadyDone(number)

    async def claim(self, key: str, *, form: str | None = None) -> Repeat | None:
        """None when the key is now ours to run (keeping `form`, what finishing the write
        needs after a crash); else what the earlier try holds."""
        claim = await self.store.claim_write(key, at=self.clock.now(), form=form)
        return None if claim.fresh else repeat_of(claim)

    async def release(self, write: Write[T]) -> None:
        """Free a claimed key whose write was never sent (it can be tried again)."""
        await self._finish(write.key, "failed", None)

    async def run(self, write: Write[T], *, checking: Checked | None = None) -> Written[T] | Lost:
        """Make a claimed write and finish its key with what became of it. When its answer
        is lost, `checking` is awaited once (to tell the person "still checking") before the
        bot looks again."""
        started = self.clock.now()
        try:
            value = await write.call()
        except Exception as error:
            return await self._lost(write, error, since=started, checking=checking)
        await self._finish(write.key, "done", write.booking_number(value))
        return Written(value)

    async def _lost(
        self, write: Write[T], error: Exception, *, since: datetime, checking: Checked | None
    ) -> Written[T] | Lost:
        if not may_have_reached(error):
            await self._finish(write.key, "failed", None)
            return Failed(error)
        # The answer was lost, not necessarily the write, and the request may still be in
        # flight: undecided until Bookeo's processing must be over; look for it meanwhile.
        await self._finish(write.key, "unknown", write.subject)
        answered = False  # whether Bookeo could say, at the last look
        for look, wait in enumerate((0.0, *self.look_again_after)):
            if look == 1 and checking is not None:
                await checking()
            if wait:
                await self.sleep(wait)
            try:
                found = await write.look_up(since)
            except BookeoError:
                log.warning("could not check whether write %s reached Bookeo", write.key)
                answered = False
                continue
            answered = True
            if found is not None:
                await self._finish(write.key, "done", write.booking_number(found))
                return Written(found)
        if not answered:
            return Unknown(error)  # the key stays "unknown": the next try asks again
        await self._finish(write.key, "failed", None)
        return NotMade(error)

    async def _finish(self, key: str, state: str, booking_number: str | None) -> None:
        await self.store.finish_write(
            key, state=state, booking_number=booking_number, at=self.clock.now()
        )
