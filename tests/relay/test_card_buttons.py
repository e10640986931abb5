"""A change made with a channel card's own buttons is told once in its thread: by the relay
when it keeps that card and routes the change there (naming the person and the reason), by
the button's modal otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.conftest import STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, checkboxes, text_input
from tests.relay.test_relay import CHANNEL, book, command, next_event, settle
from tests.relay.test_shared_cards import cards_of, replies
from tests.slack.conftest import post
from tests.slack.test_modals import shown, submit

pytestmark = pytest.mark.asyncio


async def cancel_from_its_card(
    bot: BotApp, slack: FakeSlackAPI, sandbox: Sandbox, subscription: str
) -> tuple[str, list[str]]:
    """Subscribe, book in the back office, cancel with the card's own button; the lines of
    the card's thread once everything has settled."""
    await command(bot, slack, subscription)
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    [card] = cards_of(slack, number)
    ts = card["ts_assigned"]
    button = block_action(
        Action.CANCEL, number, user=STAFF, channel=CHANNEL, message_ts=ts, ephemeral=False
    )
    assert (await post(bot, button)).status_code == 200
    view = await shown(slack, 1)
    reason = {B.REASON: text_input("guide sick"), B.NOTIFY: checkboxes()}
    await submit(bot, view, reason, user=STAFF)
    await shown(slack, 2)
    await bot.deps.background.drain()
    await sandbox.drain_webhooks()
    await settle(bot)
    return ts, replies(slack, ts)


async def test_a_cancel_with_a_subscription_cards_button_is_one_line(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    _, lines = await cancel_from_its_card(bot, fake_slack, sandbox, "subscribe")
    [line] = lines  # not the modal's line and then the relay's
    assert "Canceled" in line and "guide sick" in line and f"<@{STAFF}>" in line


async def test_a_change_the_channel_does_not_route_still_gets_the_buttons_line(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """The channel asked for new bookings only: the relay says nothing of the cancel, so the
    modal adds the line itself."""
    _, lines = await cancel_from_its_card(bot, fake_slack, sandbox, "subscribe created")
    [line] = lines
    assert f"<@{STAFF}> canceled" in line
