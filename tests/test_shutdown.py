"""Graceful shutdown: what takes work in closes after in-flight work, before the database."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET

pytestmark = pytest.mark.asyncio


async def test_socket_mode_closes_after_deliveries_and_before_the_database(
    fake_slack: FakeSlackAPI, sandbox: Sandbox, tmp_path
) -> None:
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=f"sqlite:///{tmp_path}/bot.db",
    )
    bot = build_app(settings, sandbox=sandbox)
    await bot.start()
    seen: list[tuple[bool, bool]] = []

    async def close_socket_mode() -> None:
        seen.append((bot.delivery.running, await bot.store.ping()))

    bot.close_on_stop(close_socket_mode)
    assert bot.delivery.running
    await bot.stop()
    assert seen == [(False, True)]  # deliveries done, database still open
