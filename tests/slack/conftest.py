"""The bot as Slack sees it: built by the composition root, served through its real ASGI app,
with the fake Slack Web API and the in-process sandbox behind it."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from bot.app import BotApp
from tests.conftest import ADMIN, CASHIER, STAFF, VIEWER
from tests.fakes.slack_requests import signed_headers

__all__ = ["ADMIN", "CASHIER", "STAFF", "VIEWER", "post", "texts"]


@pytest.fixture(autouse=True)
def no_bolt_argument_warnings(caplog: pytest.LogCaptureFixture):
    """A listener parameter Bolt cannot fill silently becomes None: fail on its warning."""
    caplog.set_level(logging.WARNING)
    yield
    bad = [r.getMessage() for r in caplog.records if "is not a valid argument" in r.getMessage()]
    assert bad == []


async def post(bot: BotApp, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST to the bot's real /slack/events endpoint (in-process ASGI, no socket)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as client:
        return await client.post(
            "/slack/events", content=body, headers=headers or signed_headers(body)
        )


def texts(payload: dict[str, Any]) -> str:
    """All the text of a message or view payload, flattened, for assertions."""
    return json.dumps(payload, ensure_ascii=False)
