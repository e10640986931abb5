"""Slack's retry handlers: which failures are retried, and who hears about a 429."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import ClientConnectorError, ServerDisconnectedError
from aiohttp.client_reqrep import ConnectionKey
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.slack.retry import (
    ConnectionErrorRetry,
    RateLimitRetry,
    ServerErrorRetry,
    retry_after,
)


def request(method: str, **params: Any) -> HttpRequest:
    return HttpRequest(
        method="POST",
        url=f"https://slack.com/api/{method}",
        headers={},
        body_params=params or None,
    )


def response(status: int, **headers: str) -> HttpResponse:
    return HttpResponse(status_code=status, headers={k: [v] for k, v in headers.items()})


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after": "2.5"}, 2.5), ({"Retry-After": "soon"}, 1.0),
     ({}, 1.0)],
)  # fmt: skip
def test_retry_after_reads_the_header_or_waits_a_second(
    headers: dict[str, str], seconds: float
) -> None:
    assert retry_after(response(429, **headers)) == seconds


async def test_a_429_is_retried_and_told_to_every_listener_in_order() -> None:
    heard: list[tuple[str, str, dict[str, Any], float]] = []
    handler = RateLimitRetry(
        listeners=(
            lambda *args: heard.append(("first", *args)),
            lambda *args: heard.append(("second", *args)),
        )
    )
    retried = await handler.can_retry_async(
        state=RetryState(),
        request=request("chat.update", channel="C1"),
        response=response(429, **{"Retry-After": "3"}),
    )
    assert retried
    assert heard == [
        ("first", "chat.update", {"channel": "C1"}, 3.0),
        ("second", "chat.update", {"channel": "C1"}, 3.0),
    ]


async def test_anything_but_a_429_is_not_the_rate_limit_handlers_business() -> None:
    heard: list[object] = []
    handler = RateLimitRetry(listeners=(lambda *args: heard.append(args),))
    for answer in (response(200), response(500), None):
        assert not await handler.can_retry_async(
            state=RetryState(), request=request("chat.update"), response=answer
        )
    assert heard == []


async def test_a_server_error_is_retried_except_for_a_post() -> None:
    handler = ServerErrorRetry(max_retry_count=2)
    for method, retried in (("chat.update", True), ("chat.postMessage", False)):
        answer = await handler.can_retry_async(
            state=RetryState(), request=request(method), response=response(503)
        )
        assert answer is retried, method


async def test_a_post_is_resent_only_when_it_never_connected() -> None:
    handler = ConnectionErrorRetry(max_retry_count=2)
    key = ConnectionKey("slack.com", 443, True, True, None, None, None)
    never_connected = ClientConnectorError(key, OSError(111, "refused"))
    dropped = ServerDisconnectedError()
    cases = [
        ("chat.postMessage", never_connected, True),
        ("chat.postMessage", dropped, False),
        ("chat.update", dropped, True),
    ]
    for method, error, retried in cases:
        answer = await handler.can_retry_async(
            state=RetryState(), request=request(method), error=error
        )
        assert answer is retried, (method, type(error).__name__)
