"""Log lines: a request id ties together what one request logged; JSON lines carry it too."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from bot.app import BotApp
from bot.logs import configure_logging

pytestmark = pytest.mark.asyncio


@pytest.fixture
def captured() -> io.StringIO:
    """The bot's own log set-up (JSON format), writing into a buffer."""
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_refused_webhook_is_logged_under_the_request_id_it_was_answered_with(
    bot: BotApp, captured: io.StringIO
) -> None:
    transport = httpx.ASGITransport(app=bot.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        given = await http.post(
            "/bookeo/webhooks/bookings/created",
            content=b"{}",
            headers={"X-Request-Id": "lb-7f3a"},
        )
        fresh = await http.post("/bookeo/webhooks/bookings/created", content=b"{}")
    assert given.status_code == fresh.status_code == 401  # unsigned
    assert given.headers["x-request-id"] == "lb-7f3a"  # the load balancer's id is kept
    made = fresh.headers["x-request-id"]
    assert made and made != "lb-7f3a"
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    refused = [line for line in lines if line["message"].startswith("webhook refused")]
    assert [line["request_id"] for line in refused] == ["lb-7f3a", made]


async def test_work_outside_a_request_is_marked_as_such(captured: io.StringIO) -> None:
    logging.getLogger("bot.test").warning("between requests")
    (line,) = [json.loads(x) for x in captured.getvalue().splitlines()]
    assert line["request_id"] == "-" and line["message"] == "between requests"
