"""The Slack Web API client: our base URL, and our retry handlers (bot/slack/retry.py)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.slack.retry import (
    ConnectionErrorRetry,
    RateLimitListener,
    RateLimitRetry,
    ServerErrorRetry,
)


def make_web_client(
    settings: Settings, *, on_rate_limited: Sequence[RateLimitListener] = ()
) -> AsyncWebClient:
    """A client for the bot token; each 429 Slack answers is told to `on_rate_limited`."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        timeout=10,
        # The rate-limit handler is not on by default: without it a 429 is an error.
        retry_handlers=[
            ConnectionErrorRetry(max_retry_count=2),
            RateLimitRetry(max_retry_count=3, listeners=on_rate_limited),
            ServerErrorRetry(max_retry_count=2),
        ],
    )
