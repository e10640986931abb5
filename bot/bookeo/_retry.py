"""When the Bookeo client retries, and how long it waits.

A policy, not a loop: the client asks `decide()` after each failed attempt. Safe to retry:
- anything that failed before the request could reach Bookeo (connection refused, DNS,
  connect timeout) — even a create, because nothing was sent;
- 429, because Bookeo refused it without processing it — even a create;
- timeouts after sending, resets and 5xx — only for idempotent requests. A create
  (`POST /bookings`, payments, holds, webhooks) that may have reached Bookeo is never
  replayed blindly: a second try could make a second booking or payment.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .errors import BookeoConnectionError, BookeoError, RateLimited, ServerError


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    # A Retry-After above this is not waited out: the caller gets RateLimited at once.
    max_retry_after: float = 60.0
    jitter: float = 0.25

    def decide(
        self,
        error: BookeoError,
        *,
        attempt: int,
        idempotent: bool,
        rand: Callable[[], float] = random.random,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up and raise `error`.

        `attempt` counts from 1 (the attempt that just failed).
        """
        if attempt > self.max_retries:
            return None
        if isinstance(error, RateLimited):
            if error.retry_after is not None:
                if error.retry_after > self.max_retry_after:
                    return None
                return max(error.retry_after, 0.0) + self._jitter(rand, 0.1)
            return self._backoff(attempt, rand)
        if isinstance(error, BookeoConnectionError):
            if error.may_have_reached and not idempotent:
                return None
            return self._backoff(attempt, rand)
        if isinstance(error, ServerError) and idempotent:
            return self._backoff(attempt, rand)
        return None

    def _backoff(self, attempt: int, rand: Callable[[], float]) -> float:
        base: float = min(self.initial_delay * 2.0 ** (attempt - 1), self.max_delay)
        return base * (1 - self.jitter * rand())

    def _jitter(self, rand: Callable[[], float], scale: float) -> float:
        return scale * rand()
