"""slack_sdk's retry handlers, tuned: 429s are waited out (and told to whoever paces sends),
5xx and connection errors are retried — except where a retry could post a message twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

# Slack takes no idempotency key: after a 5xx or a dropped connection, one of these may have
# posted already, and sending it again would post it twice. The relay retries them itself
# and finds a card that did land by the key in its metadata.
NOT_IDEMPOTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})
# (Slack method, its arguments, seconds Slack asked to wait)
RateLimitListener = Callable[[str, dict[str, Any], float], None]


def method_of(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1]


def retry_after(response: HttpResponse) -> float:
    """The seconds Slack's `Retry-After` asks for (1 s when it is missing or unreadable)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                break
    return 1.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 retry (a 429 means Slack did nothing, so resending is safe), with each
    429 told to `listeners` in order (the metrics counter, the channel pacer)."""

    def __init__(
        self, max_retry_count: int = 3, *, listeners: Sequence[RateLimitListener] = ()
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._listeners = tuple(listeners)

    async def _can_retry_async(
        self, *, request: HttpRequest, response: HttpResponse | None = None, **_: Any
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        for listener in self._listeners:
            listener(method_of(request), request.body_params or {}, retry_after(response))
        return True


class ServerErrorRetry(AsyncServerErrorRetryHandler):
    """500/503 are retried, but not for a post (it may have landed)."""

    async def _can_retry_async(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        if method_of(request) in NOT_IDEMPOTENT:
            return False
        return await super()._can_retry_async(request=request, **kwargs)


class ConnectionErrorRetry(AsyncConnectionErrorRetryHandler):
    """Connection errors are retried; for a post, only when it never connected."""

    async def _can_retry_async(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        if method_of(request) in NOT_IDEMPOTENT:
            return isinstance(kwargs.get("error"), ClientConnectorError)
        return await super()._can_retry_async(request=request, **kwargs)
