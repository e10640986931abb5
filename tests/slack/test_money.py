"""Money through the real endpoint: amounts read as people mean them, a second confirmation
for over-payment and over-refund, credit due, methods in words, hostile payment forms."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import datetime_value, select, text_input, view_submission
from tests.slack.conftest import CASHIER, post, texts
from tests.slack.test_commands import run
from tests.slack.test_modals import command_modal, shown, submit, upcoming_booking

pytestmark = pytest.mark.asyncio


def form(amount: str, /, **more: dict[str, Any]) -> dict[str, Any]:
    return {
        B.AMOUNT: text_input(amount),
        B.METHOD: select("creditCard"),
        B.REASON: text_input("Payment"),
        B.RECEIVED: datetime_value(int(time.time()) - 60),
        **more,
    }


def pay_in_sandbox(sandbox: Sandbox, number: str, value: Decimal) -> None:
    body = {
        "amount": {"amount": str(value), "currency": "USD"},
        "paymentMethod": "creditCard",
        "reason": "Payment",
    }
    sandbox.state.add_payment(number, body, agent="Front desk")


async def settle(bot: BotApp, slack: FakeSlackAPI) -> None:
    await slack.wait_for("views.update", len(slack.of("views.update")) + 1)
    await bot.deps.background.drain()


async def test_a_decimal_comma_is_a_decimal_mark(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, view, form("12,50"), user=CASHIER)
    assert ack["response_action"] == "update", ack  # today: 1,250.00 recorded
    await settle(bot, fake_slack)
    assert sandbox.state.paid(booking.number) == before + Decimal("12.50")
    result = await shown(fake_slack, 2)
    assert "Payment of 12.50 USD recorded" in texts(result)
    assert "Cadult" not in texts(result)  # the card under it names categories, not their ids
    # …and who changed it last: the cashier, not the API key Bookeo names for the bot.
    assert f"by <@{CASHIER}> (Slack)" in texts(result) and "API: bookeo-bot" not in texts(result)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1,250", "Did you mean 1,250.00 or 1.25?"),
        ("€12.50", "this booking is in USD"),
        ("12.50 EUR", "This booking is in USD, not EUR"),
        ("twenty", "Enter an amount"),
    ],
)
async def test_what_cannot_be_read_is_asked_inline(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, typed: str, said: str
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, view, form(typed), user=CASHIER)
    assert ack["response_action"] == "errors" and said in ack["errors"][B.AMOUNT]
    assert sandbox.state.paid(booking.number) == before


async def test_the_business_currency_by_symbol_or_code(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, view, form("$1.50"), user=CASHIER)
    assert ack["response_action"] == "update"
    await settle(bot, fake_slack)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, view, form("USD 2.50"), user=CASHIER)
    assert ack["response_action"] == "update"
    await settle(bot, fake_slack)
    assert sandbox.state.paid(booking.number) == before + Decimal("4.00")


async def test_a_payment_above_the_balance_is_confirmed_with_the_figures(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    due = max(booking.gross - before, Decimal(0))
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    typed = due + 75
    ack = await submit(bot, view, form(format(typed, "f")), user=CASHIER)
    assert ack["response_action"] == "push", ack  # today: recorded at once
    confirm = ack["view"]
    assert confirm["callback_id"] == "booking_pay_confirm_modal"
    assert f"payment of {typed:,.2f} USD" in texts(confirm)
    assert "credit due of 75.00 USD" in texts(confirm)
    assert sandbox.state.paid(booking.number) == before  # not yet
    confirm["id"] = "VPUSHED"
    ack = await submit(bot, confirm, {}, user=CASHIER)
    assert ack["response_action"] == "update"
    await settle(bot, fake_slack)
    assert sandbox.state.paid(booking.number) == before + typed
    [card] = await fake_slack.wait_for("respond:cmd")  # the ephemeral card, refreshed
    assert "*Credit due*\\n75.00 USD" in texts(card) and ":white_check_mark: paid" not in texts(
        card
    )


async def test_a_refund_above_what_was_paid_is_confirmed_and_shown_unsigned(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    pay_in_sandbox(sandbox, booking.number, Decimal("54"))
    paid = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    over = paid + 46
    ack = await submit(bot, view, form(f"-{over}"), user=CASHIER)
    assert ack["response_action"] == "push"
    confirm = ack["view"]
    said = texts(confirm["blocks"])
    assert f"refund of {over:,.2f} USD" in said and "-" + f"{over:,.2f}" not in said
    assert f"Only {paid:,.2f} USD was paid: this refunds 46.00 USD more" in said
    confirm["id"] = "VPUSHED"
    await submit(bot, confirm, {}, user=CASHIER)
    await settle(bot, fake_slack)
    assert sandbox.state.paid(booking.number) == paid - over
    result = await shown(fake_slack, 2)
    assert f"Refund of {over:,.2f} USD recorded" in texts(result)
    # Bookeo's figures (paid below zero, a balance due above the price) are said plainly.
    gross = booking.gross
    assert (
        f"Refund of {over:,.2f} USD recorded on booking {booking.number} — 46.00 USD more "
        f"than was paid, so Bookeo now shows a balance due of {gross + 46:,.2f} USD (the price, "
        f"{gross:,.2f} USD, plus the 46.00 USD refunded beyond the payments)."
    ) in texts(result)
    [card] = await fake_slack.wait_for("respond:cmd")
    assert "*Credit due*" not in texts(card)  # paid below zero is a balance due, not a credit
    # A negative "Paid" is Bookeo's figure; the card says what it means.
    assert "-46.00 USD (46.00 USD more refunded than paid)" in texts(card), texts(card)
    assert "46.00 USD more refunded than paid" in texts(result)


async def test_a_long_japanese_comment_fits_the_refund_confirmation(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    pay_in_sandbox(sandbox, booking.number, Decimal("20"))
    paid = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    comment = "返金の理由は天候不良です。" * 40  # 520 characters: over the input's 500
    ack = await submit(bot, view, form("-5", **{B.COMMENT: text_input(comment)}), user=CASHIER)
    assert ack["response_action"] == "errors" and "500" in ack["errors"][B.COMMENT]
    ack = await submit(
        bot, view, form("-5", **{B.COMMENT: text_input(comment[:500])}), user=CASHIER
    )
    assert ack["response_action"] == "push", ack  # today: a 500 (private_metadata 3,388)
    confirm = ack["view"]
    assert len(confirm["private_metadata"]) <= 3000
    confirm["id"] = "VPUSHED"
    await submit(bot, confirm, {}, user=CASHIER)
    await settle(bot, fake_slack)
    assert sandbox.state.paid(booking.number) == paid - 5
    [made] = [
        p
        for p in sandbox.state.payments.values()
        if p.booking_number == booking.number and p.comment == comment[:500]
    ]
    assert made


async def test_hostile_payment_forms_are_inline_errors_not_500s(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    for received in ("100000000000000000000", "²³", 10**20):
        ack = await submit(
            bot, view, form("5", **{B.RECEIVED: datetime_value(received)}), user=CASHIER
        )
        assert ack["response_action"] == "errors" and B.RECEIVED in ack["errors"]
    as_number = {"value": {"type": "plain_text_input", "value": 12.5}}
    ack = await submit(bot, view, form("5", **{B.AMOUNT: as_number}), user=CASHIER)
    assert ack["response_action"] == "errors" and "Enter an amount" in ack["errors"][B.AMOUNT]
    meta = json.loads(view["private_metadata"])
    listed = {**view, "private_metadata": json.dumps({**meta, "extra": ["currency", "USD"]})}
    response = await post(bot, view_submission(listed, form("5"), user=CASHIER))
    assert response.status_code < 500
    await bot.deps.background.drain()
    assert sandbox.state.paid(booking.number) in (before, before + 5)


async def test_credit_due_on_cards_and_the_payments_list(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    paid = sandbox.state.paid(booking.number)
    pay_in_sandbox(sandbox, booking.number, booking.gross - paid + 75)
    [card] = await run(bot, fake_slack, booking.number, token="card")
    assert "*Credit due*\\n75.00 USD" in texts(card)
    assert ":white_check_mark: paid" not in texts(card)  # today: "✓ paid"
    [payments] = await run(bot, fake_slack, f"payments {booking.number}", token="pays")
    shown_list = texts(payments)
    assert "*Credit due*\\n75.00 USD" in shown_list
    assert "Credit card" in shown_list and "creditCard" not in shown_list


async def test_a_canceled_booking_shows_what_is_owed_back_and_prefills_nothing(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    pay_in_sandbox(sandbox, booking.number, Decimal("30"))
    paid = sandbox.state.paid(booking.number)
    sandbox.state.cancel_booking(booking.number, agent="Front desk", reason="Storm")
    [card] = await run(bot, fake_slack, booking.number, token="card")
    assert f"*Credit due*\\n{paid:,.2f} USD" in texts(card)
    assert f"*Paid*\\n{paid:,.2f} USD" in texts(card)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    [amount_block] = [b for b in view["blocks"] if b.get("block_id") == B.AMOUNT]
    assert "initial_value" not in amount_block["element"]  # today: the full price
    assert f"canceled · paid {paid:,.2f} USD · credit due {paid:,.2f} USD" in texts(view)


def prefilled_reason(view: dict[str, Any]) -> str:
    [block] = [b for b in view["blocks"] if b.get("block_id") == B.REASON]
    return str(block["element"].get("initial_value") or "")


async def refund(bot: BotApp, slack: FakeSlackAPI, number: str, reason: str | None) -> None:
    """A refund of 5 through the form, its Reason left as prefilled (None) or typed."""
    view = await command_modal(bot, slack, f"pay {number}", user=CASHIER)
    typed = prefilled_reason(view) if reason is None else reason
    ack = await submit(bot, view, form("-5", **{B.REASON: text_input(typed)}), user=CASHIER)
    assert ack["response_action"] == "push", ack
    await submit(bot, {**ack["view"], "id": "VPUSHED"}, {}, user=CASHIER)
    await settle(bot, slack)


async def test_a_refund_is_recorded_with_a_refund_reason_unless_one_was_typed(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    pay_in_sandbox(sandbox, booking.number, Decimal("20"))

    def refunds() -> list[str]:
        return [
            p.reason
            for p in sorted(sandbox.state.payments.values(), key=lambda p: p.id)
            if p.booking_number == booking.number and p.amount == -5
        ]

    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    [reason] = [b for b in view["blocks"] if b.get("block_id") == B.REASON]
    assert "initial_value" not in reason["element"] and reason["optional"] is True
    assert reason["hint"]["text"] == "Left empty: Payment, or Refund for a negative amount."
    await refund(bot, fake_slack, booking.number, None)
    assert refunds() == ["Refund"]  # before: "Payment", the form's default
    result = await shown(fake_slack, 3)
    assert "Refund of 5.00 USD recorded" in texts(result)
    await refund(bot, fake_slack, booking.number, "Goodwill gesture")
    assert refunds() == ["Refund", "Goodwill gesture"]  # what the person typed is kept
    [listed] = await run(bot, fake_slack, f"payments {booking.number}", token="pays")
    lines = [line for line in texts(listed).split("\\n") if "Refund of" in line]
    assert len(lines) == 2 and all("Refund of *5.00 USD*" in line for line in lines)
    assert lines[0].endswith("· Refund") and "· Goodwill gesture" in lines[1]


async def test_a_canceled_bookings_form_opens_with_a_refund_reason(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    pay_in_sandbox(sandbox, booking.number, Decimal("30"))
    sandbox.state.cancel_booking(booking.number, agent="Front desk", reason="Storm")
    await refund(bot, fake_slack, booking.number, None)
    [made] = [
        p
        for p in sandbox.state.payments.values()
        if p.booking_number == booking.number and p.amount == -5
    ]
    assert made.reason == "Refund"
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    assert prefilled_reason(view) == "Refund"  # the canceled booking's form is for refunds


async def test_a_payment_with_the_reason_left_empty_is_recorded_as_payment(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, view, form("5", **{B.REASON: text_input(None)}), user=CASHIER)
    assert ack["response_action"] == "update", ack  # before: "Give a reason"
    await settle(bot, fake_slack)
    [made] = [
        p
        for p in sandbox.state.payments.values()
        if p.booking_number == booking.number and p.amount == 5
    ]
    assert made.reason == "Payment"
