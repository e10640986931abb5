"""What a channel is told about a change, told truly (issue 13): who did it from Slack, why
it was canceled, the booking's notes, a first-seen change named for what it is, and one line
per change per channel however many of its subscriptions match."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.conftest import ADMIN, CASHIER, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    checkboxes,
    datetime_value,
    select,
    slash_command,
    text_input,
)
from tests.relay.test_relay import CHANNEL, book, command, in_channel, next_event, office, settle
from tests.slack.conftest import post, texts
from tests.slack.test_modals import command_modal, shown, submit

pytestmark = pytest.mark.asyncio


async def test_a_cancel_from_slack_names_the_person_the_reason_and_keeps_the_notes(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    await bot.store.set_note(number, "Allergic to nuts 🥜", by=STAFF, at=datetime.now(UTC))

    view = await command_modal(bot, fake_slack, f"cancel {number}", user=STAFF)
    await submit(
        bot,
        view,
        {B.REASON: text_input("guide sick"), B.NOTIFY: checkboxes("notify")},
        user=STAFF,
    )
    await shown(fake_slack, 2)
    await sandbox.drain_webhooks()
    await settle(bot)

    [update] = [u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]
    assert "Canceled" in texts(update["blocks"])
    assert "Reason: guide sick" in texts(update["blocks"])
    assert "Allergic to nuts 🥜" in texts(update["blocks"])
    # The card itself names the person too, not the API key Bookeo names.
    assert f"by <@{STAFF}> (Slack)" in texts(update["blocks"])
    assert "API: bookeo-bot" not in texts(update["blocks"])
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert line.startswith(":no_entry: Canceled (reason: guide sick)")
    assert line.endswith(f"by <@{STAFF}> (Slack).") and "API: bookeo-bot" not in line


async def test_a_change_made_elsewhere_through_the_api_keeps_bookeos_agent(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """No audit row of the bot's: another app (or a script) did it, so Bookeo's name stands."""
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    await bot.bookeo.bookings.cancel(number, reason="by script")
    await sandbox.drain_webhooks()
    await settle(bot)
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert "by API: bookeo-bot" in line and "(Slack)" not in line


async def test_a_first_seen_cancellation_is_a_cancellation_not_a_new_booking(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    now = datetime.now(UTC)
    seeded = next(  # made before the bot was installed: the bot has never shown it
        b
        for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled and now + timedelta(hours=1) < b.start < now + timedelta(hours=23)
    )
    await office(sandbox, f"/bookings/{seeded.number}/cancel", {"reason": "guide sick"})
    await settle(bot)
    [page] = [
        c for c in in_channel(fake_slack, "chat.postMessage") if "urgent —" in c.get("text", "")
    ]
    assert ":no_entry: Canceled" in page["text"] and "New booking" not in page["text"]
    [dm] = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == STAFF]
    assert "Canceled" in dm["text"] and "New booking" not in texts(dm)


async def test_a_first_seen_update_of_an_old_booking_is_not_new(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    now = datetime.now(UTC)
    seeded = next(
        b
        for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled and now + timedelta(hours=1) < b.start < now + timedelta(hours=23)
    )
    await office(
        sandbox, f"/bookings/{seeded.number}/payments", {"amount": "5.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    lines = [c.get("text", "") for c in fake_slack.of("chat.postMessage")]
    assert not any("New booking" in line for line in lines)


async def test_a_first_seen_payment_gets_its_card_and_a_line_saying_what_was_paid(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """A card says the totals, not that 5.00 was just paid: the line under it says that."""
    await command(bot, fake_slack, "subscribe")
    now = datetime.now(UTC)
    seeded = next(
        b
        for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled and b.start > now + timedelta(days=2)
    )
    await office(
        sandbox, f"/bookings/{seeded.number}/payments", {"amount": "5.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    cards = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {seeded.number}" in c.get("text", "")
    ]
    assert len(cards) == 1, cards
    [line] = in_channel(fake_slack, "chat.postMessage", thread=True)
    assert line["thread_ts"] and "Paid 5.00 USD" in line["text"], line


async def test_several_subscriptions_of_one_channel_make_one_update_and_one_line(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, "subscribe payments", token="pay")
    await command(bot, fake_slack, 'subscribe product:"Sunset Kayak Tour"', token="kayak")
    assert len(await bot.store.relay.subscriptions(channel_id=CHANNEL)) == 3
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "20.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    cards = [
        c for c in in_channel(fake_slack, "chat.postMessage", thread=False) if number in c["text"]
    ]
    assert len(cards) == 1
    assert len([u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]) == 1
    lines = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert len(lines) == 1 and "Paid 20.00 USD" in lines[0]


async def test_a_payment_from_slack_names_the_cashier(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    view = await command_modal(bot, fake_slack, f"pay {number}", user=CASHIER)
    values = {
        B.AMOUNT: text_input("20.50"),
        B.METHOD: select("cash"),
        B.REASON: text_input("Deposit"),
        B.RECEIVED: datetime_value(int(time.time()) - 60),
    }
    ack = await submit(bot, view, values, user=CASHIER)
    assert ack.get("response_action") == "update", ack
    await shown(fake_slack, 2)
    await sandbox.drain_webhooks()
    await settle(bot)
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert line.startswith(":moneybag: Paid 20.50 USD")
    assert line.endswith(f"by <@{CASHIER}> (Slack).")


async def test_unsubscribing_another_channels_number_names_that_channel(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    """An admin's `/bookeo subscriptions` lists the workspace's: its numbers may be another
    channel's, and the answer says where, rather than "Nothing to remove here"."""
    await command(bot, fake_slack, "subscribe")
    [sub] = await bot.store.relay.subscriptions(channel_id=CHANNEL)
    await post(
        bot,
        slash_command(
            f"unsubscribe {sub.id}",
            user=ADMIN,
            channel="COTHER",
            response_url=fake_slack.response_url("u"),
        ),
    )
    [answer] = await fake_slack.wait_for("respond:u", 1)
    assert f"Subscription #{sub.id} is in <#{CHANNEL}>" in answer["text"], answer
    assert [s.id for s in await bot.store.relay.subscriptions(channel_id=CHANNEL)] == [sub.id]
