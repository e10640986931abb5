"""The Slack Web API client: our base URL, and slack_sdk's retry handlers switched on."""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings


def make_web_client(
    settings: Settings, *, rate_limit_handler: AsyncRetryHandler | None = None
) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        timeout=10,
        # The rate-limit handler is not on by default: without it a 429 is an error.
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            rate_limit_handler or AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )
