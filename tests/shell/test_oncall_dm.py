"""Acknowledge on an on-call DM, pressed without a response_url (the shell's stand-in sent
none; Bolt then hands the listener no `respond`): the page is still answered, in place."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from tests.conftest import STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action
from tests.relay.test_oncall import event_starting
from tests.relay.test_relay import book, command, in_channel, settle
from tests.slack.conftest import post

pytestmark = pytest.mark.asyncio


async def test_acknowledge_in_a_dm_without_a_response_url_updates_the_page(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    soon = await book(
        sandbox, event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    )
    await settle(bot)
    [dm] = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == STAFF]
    button = dm["blocks"][1]["elements"][0]

    await post(
        bot,
        block_action(
            Action.ONCALL_ACK,
            button["value"],
            user=STAFF,
            channel="D1",
            message_ts="1700000000.000009",
            ephemeral=False,
        ),
    )
    [update] = await fake_slack.wait_for("chat.update")
    assert update["channel"] == "D1" and update["ts"] == "1700000000.000009"
    assert f"You acknowledged booking {soon}" in update["text"]
    acked = [
        c for c in in_channel(fake_slack, "chat.postMessage") if "Acknowledged by" in c["text"]
    ]
    assert len(acked) == 1
    assert not [c for c in fake_slack.of("chat.postEphemeral") if ":boom:" in str(c)]
