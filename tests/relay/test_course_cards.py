"""A course's card in a channel lists its sessions, as the card a command shows does (the
walk-through found the old "Mon 07 Dec, 18:30 – Mon 28 Dec 20:30" block there once)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import book, command, in_channel, settle
from tests.slack.conftest import texts

pytestmark = pytest.mark.asyncio


async def test_a_course_booking_card_in_a_channel_lists_its_sessions(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if sandbox.state.products[e.product_id].type == "fixedCourse"
        and e.start > datetime.now(UTC)
        and sandbox.state.seats_available(e) >= 1
    )
    number = await book(sandbox, event)
    await settle(bot)
    [card] = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {number}" in texts(c.get("blocks") or [])
    ]
    assert "Course of " in texts(card["blocks"]) and " sessions, " in texts(card["blocks"])
    assert "Course of " in card["text"]  # the notification too
