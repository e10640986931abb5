"""The bot as Slack sees it: built by the composition root, served through its real ASGI app,
with the fake Slack Web API and the in-process sandbox behind it."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.app import BotApp, build_app
from bot.config import Settings
from bot.permissions import Role
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET, TEAM, signed_headers

ADMIN, STAFF, CASHIER, VIEWER = "UADMIN", "USTAFF", "UCASHIER", "UVIEWER"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackAPI]:
    server = FakeSlackAPI()
    await server.start()
    yield server
    await server.stop()
    assert server.unexpected == [], (
        f"the bot called Slack methods the fake does not know: {server.unexpected}"
    )


@pytest.fixture
async def bot(fake_slack: FakeSlackAPI, sandbox: Sandbox, tmp_path) -> AsyncIterator[BotApp]:
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=f"sqlite:///{tmp_path}/bot.db",
        business_timezone="Australia/Sydney",
        bot_admins=ADMIN,
    )
    app = build_app(settings, sandbox=sandbox)
    await app.start()
    now = app.deps.clock.now()
    for user, role in ((STAFF, Role.STAFF), (CASHIER, Role.CASHIER)):
        await app.deps.store.set_role(TEAM, user, role, granted_by=ADMIN, at=now)
    yield app
    await app.deps.drain()
    await app.deps.bookeo.aclose()
    await app.deps.store.aclose()


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
