"""What a booking modal shows when its operation is done (pure): one builder per outcome.

Listeners match nothing themselves; they hand the outcome of `deps.bookings.*` to these."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_sdk.models.views import View

from bot.bookeo.models import Booking
from bot.ops.outcomes import (
    AlreadyDone,
    Canceled,
    CancelOutcome,
    Checking,
    Created,
    CreateOutcome,
    Edited,
    EditOutcome,
    Failed,
    InProgress,
    NotMade,
    PaymentOutcome,
    Recorded,
    Repeat,
    Unchanged,
    Unknown,
    Unsettled,
)
from bot.slack.errors import user_message
from bot.slack.ids import Block
from bot.slack.text import amount, escape
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import message_view, result_view

CREATE_TITLE = "New booking"
PAY_TITLE = "Record payment"
EDIT_TITLE = "Edit booking"
CANCEL_TITLE = "Cancel booking"

NOT_MADE = (
    ":cloud: Bookeo did not answer, and no booking was made (the bot checked). "
    "Try again in a minute."
)
MAY_HAVE_CREATED = (
    ":warning: An earlier try may have created this booking. "
    "Look it up with `/bookeo find ‹customer›` before trying again."
)
NOT_RECORDED = (
    ":cloud: Bookeo did not answer, and no payment was recorded (the bot checked). "
    "Try again in a minute."
)
STILL_UNKNOWN = (
    ":warning: An earlier try may have recorded this payment, and Bookeo cannot say yet. "
    "Check `/bookeo payments {booking}` before trying again."
)
STILL_CHECKING = (
    ":hourglass_flowing_sand: Bookeo has not answered yet, and the first try may still go "
    "through: the bot is still checking whether the {what} was made. "
    "Submit this form again in a minute to see what became of it."
)
PAID_ONCE = "This payment was already submitted; it is recorded once."


def create_repeat_ack(repeat: Repeat) -> dict[str, Any]:
    """The ack to a create form submitted again: what became of the first submission."""
    match repeat:
        case AlreadyDone(booking_number=str(number)) if number:
            text = f"This booking was already created: *{escape(number)}*."
            return {"response_action": "update", "view": message_view(CREATE_TITLE, text)}
        case InProgress():
            return {
                "response_action": "errors",
                "errors": {Block.PRODUCT: "Already creating this booking…"},
            }
        case Checking():
            text = STILL_CHECKING.format(what="booking")
            return {"response_action": "update", "view": message_view(CREATE_TITLE, text)}
        case _:
            return {
                "response_action": "update",
                "view": message_view(CREATE_TITLE, MAY_HAVE_CREATED),
            }


def create_result(outcome: CreateOutcome, options: CardOptions) -> View:
    match outcome:
        case Created(booking=booking, notes=notes):
            text = f":white_check_mark: Booking *{escape(booking.booking_number)}* created."
            return result_view(CREATE_TITLE, text, booking, replace(options, notes=notes or None))
        case NotMade():
            return message_view(CREATE_TITLE, NOT_MADE)
        case Unknown(error=error) | Failed(error=error):
            return message_view(CREATE_TITLE, user_message(error, write=True))


def payment_result(outcome: PaymentOutcome, booking_number: str, options: CardOptions) -> View:
    match outcome:
        case Recorded(kind=kind, shown=shown, booking=booking):
            text = (
                f":white_check_mark: {kind.capitalize()} of {escape(shown)} recorded "
                f"on booking {escape(booking_number)}"
            )
            if booking is None:
                return message_view(PAY_TITLE, text + ".")
            text += _beyond_paid(kind, booking, options.locale) + "."
            return result_view(PAY_TITLE, text, booking, options)
        case AlreadyDone() | InProgress():
            return message_view(PAY_TITLE, PAID_ONCE)
        case Unsettled():
            return message_view(PAY_TITLE, STILL_UNKNOWN.format(booking=booking_number))
        case Checking():
            return message_view(PAY_TITLE, STILL_CHECKING.format(what="payment"))
        case NotMade():
            return message_view(PAY_TITLE, NOT_RECORDED)
        case Unknown(error=error) | Failed(error=error):
            return message_view(PAY_TITLE, user_message(error, write=True))


def _beyond_paid(kind: str, booking: Booking, locale: str) -> str:
    """After a refund of more than was paid, what the card's figures mean: Bookeo counts
    the refund whole, so "Paid" goes below zero and the balance due above the price."""
    price = booking.price
    if kind != "refund" or price is None or price.total_paid.amount >= 0:
        return ""
    currency = price.total_gross.currency
    beyond = amount(-price.total_paid.amount, currency, locale=locale)
    due = amount(price.balance_due.amount, currency, locale=locale)
    gross = amount(price.total_gross.amount, currency, locale=locale)
    if booking.canceled:
        return f" — {beyond} more than was paid, so Bookeo now shows {due} due from the customer"
    return (
        f" — {beyond} more than was paid, so Bookeo now shows a balance due of {due} "
        f"(the price, {gross}, plus the {beyond} refunded beyond the payments)"
    )


def payment_line(outcome: Recorded, user_id: str) -> str:
    """The card thread's line about a payment recorded."""
    return (
        f":moneybag: <@{user_id}> recorded a {outcome.kind} of *{escape(outcome.shown)}* "
        f"({escape(outcome.method)})."
    )


def edit_result(outcome: EditOutcome, options: CardOptions) -> View:
    match outcome:
        case Edited(summary=summary, booking_number=number, booking=booking, notes=notes):
            text = f":white_check_mark: Booking {escape(number)}: {escape(summary)}."
            if booking is None:
                return message_view(EDIT_TITLE, text)
            return result_view(EDIT_TITLE, text, booking, replace(options, notes=notes or None))
        case Unchanged():
            return message_view(EDIT_TITLE, "Nothing changed.")
        case Failed(error=error):
            return message_view(EDIT_TITLE, user_message(error, write=True))


def edit_line(outcome: Edited, user_id: str) -> str:
    return f":pencil2: <@{user_id}> {escape(outcome.summary)}."


def cancel_result(outcome: CancelOutcome, options: CardOptions) -> View:
    match outcome:
        case Canceled(booking_number=number, booking=booking):
            text = f":white_check_mark: Booking {escape(number)} is canceled."
            if booking is None:
                return message_view(CANCEL_TITLE, text)
            return result_view(CANCEL_TITLE, text, booking, options)
        case Failed(error=error):
            return message_view(CANCEL_TITLE, user_message(error, write=True))


def cancel_line(outcome: Canceled, user_id: str) -> str:
    said = f" — “{escape(outcome.reason)}”" if outcome.reason else ""
    return f":no_entry: <@{user_id}> canceled this booking{said}."
