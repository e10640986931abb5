"""Who and why survive a re-read: every card the bot builds of a booking changed from Slack
(a look-up, a modal's result, a subscription's or a shared card) names the Slack user of the
change and the reason of a cancel, where Bookeo only says "API: bookeo-bot"."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    checkboxes,
    date_value,
    dispatch_action,
    number,
    select,
    text_input,
)
from tests.relay.test_relay import command, in_channel, settle
from tests.relay.test_shared_cards import cards_of, share
from tests.slack.conftest import CASHIER, STAFF, post, texts
from tests.slack.test_commands import run
from tests.slack.test_modals import command_modal, shown, submit, upcoming_booking

pytestmark = pytest.mark.asyncio
BOT_KEY = "API: bookeo-bot"  # how Bookeo names every change the bot makes


async def test_a_cancel_from_slack_keeps_who_and_why_on_every_later_card(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    await submit(bot, view, {B.REASON: text_input("Storm warning")}, user=STAFF)
    result = texts(await shown(fake_slack, 2))  # the modal's own result card
    assert f"by <@{STAFF}> (Slack)" in result and "Reason: Storm warning" in result
    await bot.deps.background.drain()

    [card] = await run(bot, fake_slack, booking.number, token="again")  # a look-up, later
    assert f"by <@{STAFF}> (Slack)" in texts(card) and "Reason: Storm warning" in texts(card)
    assert BOT_KEY not in texts(card)

    await share(bot, fake_slack, booking.number)
    [shared] = cards_of(fake_slack, booking.number)
    assert f"by <@{STAFF}> (Slack)" in texts(shared["blocks"]) and BOT_KEY not in texts(shared)
    assert "Storm warning" in texts(shared["blocks"])


async def test_an_edit_from_slack_is_named_on_a_look_up_and_on_a_first_channel_card(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")  # the channel has no card of the booking yet
    booking = upcoming_booking(sandbox, min_free=1)
    view = await command_modal(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    people = {f"{B.PEOPLE_PREFIX}{c}": number(n) for c, n in booking.numbers.items()}
    people[f"{B.PEOPLE_PREFIX}Cadults"] = number(booking.numbers.get("Cadults", 0) + 1)
    day = booking.start.astimezone(sandbox.tz).date().isoformat()
    values = {B.DATE: date_value(day), B.SLOT: select(f"e:{booking.event_id}"), **people}
    await submit(bot, view, values, user=STAFF)
    result = texts(await shown(fake_slack, 2))
    assert f"by <@{STAFF}> (Slack)" in result and BOT_KEY not in result
    await bot.deps.background.drain()
    await settle(bot)

    [card] = await run(bot, fake_slack, booking.number, token="again")
    assert f"changed {_hhmm(sandbox, booking.number)} by <@{STAFF}> (Slack)" in texts(card)
    assert BOT_KEY not in texts(card)
    [posted] = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {booking.number}" in texts(c.get("blocks") or [])
    ]
    assert f"by <@{STAFF}> (Slack)" in texts(posted["blocks"]) and BOT_KEY not in texts(posted)


def _hhmm(sandbox: Sandbox, booking_number: str) -> str:
    changed = sandbox.state.bookings[booking_number].last_change_time
    assert changed is not None
    return f"{changed.astimezone(sandbox.tz):%d %b %H:%M}"


async def test_a_booking_made_in_slack_says_who_booked_it(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    form = await command_modal(bot, fake_slack, "new", user=STAFF)
    kayak = next(p for p in sandbox.state.products.values() if p.name == "Sunset Kayak Tour")
    day = datetime.now(sandbox.tz).date() + timedelta(days=1)
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.product_id == kayak.product_id
        and e.start.astimezone(sandbox.tz).date() >= day
        and sandbox.state.seats_available(e) >= 2
    )
    values = {
        B.PRODUCT: select(kayak.product_id),
        B.DATE: date_value(event.start.astimezone(sandbox.tz).date().isoformat()),
    }
    await post(bot, dispatch_action(form, values, user=STAFF, action_id=Action.CREATE_PRODUCT))
    form = await shown(fake_slack, 2)
    customer = next(iter(sandbox.state.customers.values()))
    before = set(sandbox.state.bookings)
    good = {
        **values,
        B.SLOT: select(f"e:{event.event_id}"),
        f"{B.PEOPLE_PREFIX}Cadults": number(2),
        B.CUSTOMER: select(customer.id, "external_select"),
        B.NOTIFY: checkboxes(),
    }
    await submit(bot, form, good, user=STAFF)
    result = texts(await shown(fake_slack, 3))
    [made] = set(sandbox.state.bookings) - before
    assert "created" in result and f"by <@{STAFF}> (Slack)" in result
    assert BOT_KEY not in result
    await bot.deps.background.drain()
    await settle(bot)

    [card] = await run(bot, fake_slack, made, token="again")
    assert f"by <@{STAFF}> (Slack)" in texts(card) and BOT_KEY not in texts(card)
    [posted] = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {made}" in texts(c.get("blocks") or [])
    ]
    assert "Booked" in texts(posted["blocks"]) and f"by <@{STAFF}> (Slack)" in texts(posted)


async def test_payments_recorded_in_slack_say_who_recorded_them(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    for given, reason in (("12.50", "Part payment"), ("3.00", "Top up")):
        view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
        updates = len(fake_slack.of("views.update"))
        values = {
            B.AMOUNT: text_input(given),
            B.METHOD: select("cash"),
            B.REASON: text_input(reason),
        }
        await submit(bot, view, values, user=CASHIER)
        await fake_slack.wait_for("views.update", updates + 1)
        await bot.deps.background.drain()
    [payments] = await run(bot, fake_slack, f"payments {booking.number}", token="pay")
    lines = [
        line for line in texts(payments).split("•") if "Part payment" in line or "Top up" in line
    ]
    assert len(lines) == 2
    assert all(f"by <@{CASHIER}> (Slack)" in line for line in lines), lines
    assert BOT_KEY not in texts(payments)
