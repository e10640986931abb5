"""Who a booking is for, as a person reads it, through the real endpoint: headcounts that
agree with the seats taken, category names in the account's words (and their singular),
courses as sessions, and the bot's notes on every card."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import checkboxes, datetime_value, select, text_input
from tests.slack.conftest import ADMIN, CASHIER, STAFF, texts
from tests.slack.test_commands import run
from tests.slack.test_modals import command_modal, shown, submit

pytestmark = pytest.mark.asyncio

NOTE = "Allergic to nuts 🥜"


def upcoming(sandbox: Sandbox, **numbers: int) -> Any:
    """An upcoming, not canceled booking with exactly these numbers of some categories."""
    soon = datetime.now(UTC) + timedelta(hours=3)
    return next(
        b
        for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled
        and b.start > soon
        and all(b.numbers.get(c) == n for c, n in numbers.items())
    )


def section_with(replies: list[dict[str, Any]], needle: str) -> str:
    for reply in replies:
        for block in reply.get("blocks") or []:
            text = (block.get("text") or {}).get("text") or ""
            if needle in text:
                return str(text)
    raise AssertionError(f"{needle} is in no section")


async def test_a_slot_counts_the_seats_its_bookings_take(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """A "Family (2+2)" is four people, so people and seats left add up to the capacity."""
    state = sandbox.state
    today = bot.deps.today()
    family = next(
        b
        for b in sorted(state.bookings.values(), key=lambda b: b.start)
        if b.numbers.get("NFAMLY")
        and not b.canceled
        and b.event_id
        and today < b.start.astimezone(sandbox.tz).date() <= today + timedelta(days=6)
    )
    event = state.events[family.event_id]
    left = state.seats_available(event)
    taken = event.capacity - left
    await run(bot, fake_slack, "upcoming 7", token="week")
    await asyncio.sleep(0.3)  # every message of the week
    section = section_with(fake_slack.responses["week"], f"`{family.number}`")
    assert f"{taken} people · {left} seats left" in section
    assert "1 Family (2+2)" in section  # the family's line, by the account's name


async def test_notes_and_category_names_on_every_card(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming(sandbox, Cadults=2, Cchildren=1)
    await bot.store.set_note(booking.number, NOTE, by=STAFF, at=bot.deps.clock.now())

    [card] = await run(bot, fake_slack, booking.number, token="look")
    assert "*Notes*" in texts(card) and NOTE in texts(card)
    assert "2 Adults, 1 Child" in texts(card)

    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    values = {
        B.AMOUNT: text_input("1.00"),
        B.METHOD: select("cash"),
        B.REASON: text_input("Deposit"),
        B.RECEIVED: datetime_value(int(time.time()) - 60),
    }
    await submit(bot, view, values, user=CASHIER)
    result = texts(await shown(fake_slack, 2))
    assert "recorded" in result and NOTE in result
    assert "2 Adults, 1 Child" in result and "Cadults" not in result and "Cchildren" not in result
    [refreshed] = await fake_slack.wait_for("respond:cmd")  # the card the modal came from
    assert NOTE in texts(refreshed) and "Cadults" not in texts(refreshed)

    cancel = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    await submit(bot, cancel, {B.REASON: text_input("Storm"), B.NOTIFY: checkboxes()}, user=STAFF)
    canceled = texts(await shown(fake_slack, 4))
    assert "is canceled" in canceled and NOTE in canceled
    assert "2 Adults, 1 Child" in canceled and "Cadults" not in canceled


async def test_a_shared_card_keeps_its_notes_but_not_contacts(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    from tests.fakes.slack_requests import block_action
    from tests.slack.conftest import post

    booking = upcoming(sandbox, Cadults=1)
    await bot.store.set_note(booking.number, NOTE, by=STAFF, at=bot.deps.clock.now())
    body = block_action(
        "booking_share", booking.number, user=ADMIN, response_url=fake_slack.response_url("share")
    )
    assert (await post(bot, body)).status_code == 200
    await bot.deps.background.drain()
    # Shared cards are posted with chat.postMessage, so the bot can keep them current.
    [posted] = [c for c in fake_slack.of("chat.postMessage") if booking.number in texts(c)]
    assert NOTE in texts(posted) and "1 Adult" in texts(posted)
    assert "@example.com" not in texts(posted)  # a channel post carries no contact details


async def test_a_course_shows_its_sessions(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    state = sandbox.state
    course = next(
        b
        for b in state.bookings.values()
        if state.products[b.product_id].type == "fixedCourse" and not b.canceled
    )
    [card] = await run(bot, fake_slack, course.number, token="course")
    shown_card = texts(card)
    assert "Course of 4 sessions, 18:30–20:30" in shown_card
    first = course.start.astimezone(sandbox.tz)
    for week in range(4):
        assert f"{first + timedelta(weeks=week):%a %d %b}" in shown_card
    assert f"– {course.end.astimezone(sandbox.tz):%a %d %b %H:%M}" not in shown_card
