"""Per-channel pacing: Slack allows about one message per second per channel, with short
bursts. A token bucket per channel keeps the bot under that instead of collecting 429s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


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

    async def wait(self, channel: str) -> None:
        """Return when one more message may be sent to `channel`."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            while True:
                now = self._monotonic()
                tokens, at = self._buckets.get(channel, (float(self._burst), now))
                tokens = min(float(self._burst), tokens + (now - at) * self._rate)
                if tokens >= 1.0:
                    self._buckets[channel] = (tokens - 1.0, now)
                    return
                self._buckets[channel] = (tokens, now)
                await self._sleep((1.0 - tokens) / self._rate)
