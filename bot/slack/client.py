"""The Slack Web API client: our base URL, and slack_sdk's retry handlers switched on —
except where a retry could post a message twice."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

# Slack takes no idempotency key: after a 5xx or a dropped connection, one of these may have
# posted already, and sending it again would post it twice. The relay retries them itself
# and finds a card that did land by the key in its metadata.
NOT_IDEMPOTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})


def method_of(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1]


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


def make_web_client(
    settings: Settings, *, rate_limit_handler: AsyncRetryHandler | None = None
) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        timeout=10,
        # The rate-limit handler is not on by default: without it a 429 is an error (and a
        # 429 means Slack did nothing, so resending is safe).
        retry_handlers=[
            ConnectionErrorRetry(max_retry_count=2),
            rate_limit_handler or AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetry(max_retry_count=2),
        ],
    )
