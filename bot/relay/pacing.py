"""Per-channel pacing: Slack allows about one message per second per channel, with short
bursts. A token bucket per channel keeps the bot under that instead of collecting 429s; a
429 all the same (a stricter workspace, another replica posting there) ends that channel's
bursts: it waits what Slack asked, and from then on sends one at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

_sending_to: ContextVar[str | None] = ContextVar("sending_to", default=None)


class ChannelPacer:
    def __init__(
        self,
        *,
        per_second: float = 1.0,
        burst: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = per_second
        self._burst = burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._buckets: dict[str, tuple[float, float]] = {}  # channel → (tokens, at)
        self._locks: dict[str, asyncio.Lock] = {}
        self._strict: set[str] = set()  # channels where Slack refused a burst

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        """Send one message to `channel` inside this block, when its turn has come.

        Once Slack has refused a burst in a channel, one message at a time is in flight there,
        and the next starts an interval after the previous one was answered: spacing measured
        at the sender alone is undone by a slow request followed by a quick one.
        """
        lock = self._locks.setdefault(channel, asyncio.Lock())
        sending = _sending_to.set(channel)  # for on_rate_limited, called inside the send
        try:
            if channel not in self._strict:
                async with lock:
                    await self._take(channel)
                yield
                return
            async with lock:
                await self._take(channel)
                try:
                    yield
                finally:
                    now = self._monotonic()
                    self._buckets[channel] = (min(0.0, self._tokens(channel, now)), now)
        finally:
            _sending_to.reset(sending)

    def _tokens(self, channel: str, now: float) -> float:
        burst = 1.0 if channel in self._strict else float(self._burst)
        tokens, at = self._buckets.get(channel, (burst, now))
        return min(burst, tokens + (now - at) * self._rate)

    async def _take(self, channel: str) -> None:
        while True:
            now = self._monotonic()
            tokens = self._tokens(channel, now)
            if tokens >= 1.0:
                self._buckets[channel] = (tokens - 1.0, now)
                return
            self._buckets[channel] = (tokens, now)
            await self._sleep((1.0 - tokens) / self._rate)

    def slow_down(self, channel: str, seconds: float) -> None:
        """Slack said 429 for `channel`: the refused message (which slack_sdk resends after
        `seconds`) takes the next slot, everything else one interval after it."""
        self._strict.add(channel)
        self._buckets[channel] = (-max(seconds, 0.0) * self._rate, self._monotonic())

    def on_rate_limited(self, method: str, args: dict[str, Any], seconds: float) -> None:
        """A `RateLimitListener` for the Slack client's retry handler. slack_sdk does not hand
        it JSON bodies (chat.postMessage's), so the channel is the one this task is sending to."""
        channel = args.get("channel") or _sending_to.get()
        if method == "chat.postMessage" and isinstance(channel, str):
            self.slow_down(channel, seconds)
