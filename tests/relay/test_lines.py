"""The relay's thread line for a resized party, through the endpoint: counted in words by
the account's category names, as the card's Party is ("1 Adult", "1 Child", never "1 Adults")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.bookeo.models import Participants, PeopleNumber
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import book, command, in_channel, next_event, settle

pytestmark = pytest.mark.asyncio


async def test_a_resized_party_is_said_in_words(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=2), seats=4
    )
    number = await book(sandbox, event)  # one adult
    await settle(bot)
    fresh = await bot.bookeo.bookings.get(number)
    party = Participants(
        numbers=[
            PeopleNumber(people_category_id="Cadults", number=2),
            PeopleNumber(people_category_id="Cchildren", number=1),
        ]
    )
    await bot.bookeo.bookings.update(
        number, fresh.to_update().model_copy(update={"participants": party})
    )
    await sandbox.drain_webhooks()
    await settle(bot)
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert "Party 1 Adult → 2 Adults, 1 Child" in line  # today: "1 Adults → 2 Adults, 1 Children"
