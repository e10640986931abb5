"""LOCALE shapes every amount the bot writes, not only the payment modal's: a de_DE business
sees `1.234,50 USD` on a card after a payment, on its thread lines (the bot's and the
relay's), in `/bookeo payments`, in a digest and in a reminder — through the real endpoint,
on a bot built with LOCALE=de_DE."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.app import BotApp
from bot.jobs import digest, reminders
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from tests.conftest import running_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action
from tests.jobs.test_digest_and_reminders import bookings_on, posts, tomorrow_at
from tests.relay.test_relay import book, command, in_channel, next_event, office, settle
from tests.slack.conftest import CASHIER, post, texts
from tests.slack.test_commands import run
from tests.slack.test_modals import shown, submit, upcoming_booking
from tests.slack.test_money import form, pay_in_sandbox

pytestmark = pytest.mark.asyncio

# An amount as en_US writes it with a thousands mark: a German business must never see one.
EN_MARKS = re.compile(r"\d,\d{3}\.\d{2} USD")


def de(value: Decimal) -> str:
    """`1.234,50 USD`: the German marks, spelled out here rather than asked of Babel."""
    en = f"{value:,.2f}"
    return en.replace(",", " ").replace(".", ",").replace(" ", ".") + " USD"


@pytest.fixture
async def bot_de(
    fake_slack: FakeSlackAPI, sandbox: Sandbox, database_url: str
) -> AsyncIterator[BotApp]:
    async with running_bot(fake_slack, sandbox, database_url, locale="de_DE") as app:
        yield app


async def test_a_payment_on_a_channel_card_is_written_the_german_way(
    bot_de: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    bot = bot_de
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    due = booking.gross - before
    typed = Decimal("1234.50")
    ts = "1700000000.000777"
    body = block_action(
        Action.PAY, booking.number, user=CASHIER, channel="CBOOK", message_ts=ts, ephemeral=False
    )
    assert (await post(bot, body)).status_code == 200
    await fake_slack.wait_for("views.open")
    view = await shown(fake_slack, 1)
    said = texts(view)
    assert f'"initial_value": "{de(due).removesuffix(" USD").replace(".", "")}"' in said
    assert "e.g. 49,90" in said
    ack = await submit(bot, view, form("1.234,50"), user=CASHIER)
    assert ack["response_action"] == "push", ack  # above the balance: confirmed first
    assert f"payment of {de(typed)}" in texts(ack["view"])
    confirm = {**ack["view"], "id": "VPUSHED"}
    await submit(bot, confirm, {}, user=CASHIER)
    [update] = await fake_slack.wait_for("chat.update")
    await bot.deps.background.drain()
    assert sandbox.state.paid(booking.number) == before + typed

    card = texts(update["blocks"])
    assert (update["channel"], update["ts"]) == ("CBOOK", ts)
    assert f"*Price*\\n{de(booking.gross)}" in card  # today: 1,234.50-style en_US marks
    assert f"*Paid*\\n{de(before + typed)}" in card
    assert f"*Credit due*\\n{de(before + typed - booking.gross)}" in card
    [line] = [m for m in fake_slack.of("chat.postMessage") if m.get("thread_ts") == ts]
    assert f"recorded a payment of *{de(typed)}*" in line["text"]
    result = await shown(fake_slack, 2)
    assert f"Payment of {de(typed)} recorded" in texts(result)

    [payments] = await run(bot, fake_slack, f"payments {booking.number}", token="pays")
    listed = texts(payments)
    assert f"Payment of *{de(typed)}*" in listed and f"*Price*\\n{de(booking.gross)}" in listed
    for said in (card, line["text"], texts(result), listed):
        assert not EN_MARKS.search(said), said


async def test_the_relay_writes_its_cards_and_lines_the_german_way(
    bot_de: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    bot = bot_de
    await command(bot, fake_slack, "subscribe")
    event = next_event(sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=2))
    number = await book(sandbox, event)
    await settle(bot)
    gross = sandbox.state.bookings[number].gross
    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "1234.50", "paymentMethod": "cash"}
    )
    await settle(bot)
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    total = de(Decimal("1234.50"))
    assert f"Paid {total} (total paid {total})" in line  # today: "Paid 1,234.50 USD"
    card = texts(in_channel(fake_slack, "chat.update")[-1]["blocks"])
    assert f"*Paid*\\n{total}" in card
    assert f"*Credit due*\\n{de(Decimal('1234.50') - gross)}" in card
    assert not EN_MARKS.search(line + card)


async def test_digests_and_reminders_are_written_the_german_way(
    bot_de: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    bot = bot_de
    first = bookings_on(sandbox, tomorrow_at(0))[0]
    over = Decimal(1000)
    pay_in_sandbox(sandbox, first.number, first.gross - sandbox.state.paid(first.number) + over)
    await command(bot, fake_slack, "digest 08:00")
    before = len(posts(fake_slack))
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 0)) == 1
    digested = "\n".join(texts(m) for m in posts(fake_slack)[before:])
    assert f"`{first.number}`" in digested
    assert f"credit due {de(over)}" in digested  # today: "credit due 1,000.00 USD"
    assert not EN_MARKS.search(digested)

    await command(bot, fake_slack, "remind 30m", token="remind")
    before = len(posts(fake_slack))
    assert await reminders.run(bot.jobs.deps, first.start - timedelta(minutes=29)) >= 1
    reminded = "\n".join(texts(m) for m in posts(fake_slack)[before:])
    assert f"credit due {de(over)}" in reminded
