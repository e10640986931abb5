"""Modal views (pure). Titles ≤24 chars, private_metadata ≤3000, inputs keyed by `Block`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.bookeo.models import Booking, PaymentMethod
from bot.slack.ids import Block as B
from bot.slack.ids import Callback
from bot.slack.text import clip, escape, money, when
from bot.slack.views.cards import CardOptions, booking_card
from bot.wording import party

METHOD_LABELS = {
    PaymentMethod.CASH: "Cash",
    PaymentMethod.CREDIT_CARD: "Credit card",
    PaymentMethod.DEBIT_CARD: "Debit card",
    PaymentMethod.BANK_TRANSFER: "Bank transfer",
    PaymentMethod.CHEQUE: "Cheque",
    PaymentMethod.PAYPAL: "PayPal",
    PaymentMethod.MONEY_VOUCHER: "Gift voucher",
    PaymentMethod.ACCOUNT_CREDIT: "Account credit",
    PaymentMethod.EXISTING_CREDIT: "Existing credit",
    PaymentMethod.OTHER: "Other…",
}


@dataclass(frozen=True)
class ModalMeta:
    """What a modal carries between open and submit (JSON in private_metadata)."""

    booking: str | None = None
    channel: str | None = None
    message_ts: str | None = None  # the card to update in place, if it is a channel message
    response_url: str | None = None  # …or the ephemeral result it came from
    key: str | None = None  # idempotency key of a write
    extra: dict[str, Any] | None = None

    def dump(self) -> str:
        text = json.dumps({k: v for k, v in asdict(self).items() if v is not None})
        if len(text) > 3000:
            raise ValueError("private_metadata over 3000 characters")
        return text

    @classmethod
    def load(cls, text: str | None) -> ModalMeta:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: list[Block],
    meta: ModalMeta | None = None,
    submit: str | None = None,
    close: str = "Close",
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, 24)),
        submit=PlainTextObject(text=clip(submit, 24)) if submit else None,
        close=PlainTextObject(text=clip(close, 24)),
        blocks=blocks,
        private_metadata=(meta or ModalMeta()).dump(),
    )


def loading_view(
    title: str, callback_id: str = Callback.LOADING, meta: ModalMeta | None = None
) -> View:
    return modal(
        callback_id=callback_id,
        title=title,
        meta=meta,
        blocks=[SectionBlock(text=":hourglass_flowing_sand: Loading from Bookeo…")],
    )


def message_view(title: str, text: str, *, meta: ModalMeta | None = None) -> View:
    """A modal that only says something: an error, a refusal, a result."""
    return modal(
        callback_id=Callback.LOADING,
        title=title,
        meta=meta,
        blocks=[SectionBlock(text=clip(text, 3000))],
    )


def result_view(title: str, text: str, booking: Booking, options: CardOptions) -> View:
    """The outcome of a write: a line, then the booking's card (without buttons)."""
    card = booking_card(booking, replace(options, actions=False, shareable=False))
    return modal(
        callback_id=Callback.LOADING,
        title=title,
        close="Done",
        blocks=[SectionBlock(text=clip(text, 3000)), *card],
    )


def summary_blocks(booking: Booking, tz: tzinfo, categories: dict[str, str]) -> list[Block]:
    who = escape(booking.customer.full_name) if booking.customer else "—"
    due = booking.price.balance_due if booking.price else None
    return [
        SectionBlock(
            text=clip(
                f"*Booking {escape(booking.booking_number)}* · "
                f"{escape(booking.product_name or '')}\n"
                f"{when(booking.start_time, booking.end_time, tz)} · "
                f"{escape(party(booking, categories))}\n"
                f"{who} · balance due {money(due)}",
                3000,
            )
        )
    ]


def cancel_view(
    booking: Booking, meta: ModalMeta, *, tz: tzinfo, categories: dict[str, str]
) -> View:
    notify = Option(value="notify", label="Email the customer about the cancellation")
    policy = Option(value="policy", label="Apply the cancellation policy (may charge a fee)")
    return modal(
        callback_id=Callback.CANCEL,
        title="Cancel booking",
        submit="Cancel booking",
        close="Keep it",
        meta=meta,
        blocks=[
            *summary_blocks(booking, tz, categories),
            InputBlock(
                block_id=B.REASON,
                label="Reason",
                optional=True,
                element=PlainTextInputElement(
                    action_id="value",
                    max_length=500,
                    multiline=True,
                    placeholder="Shown to the customer if emailed",
                ),
            ),
            InputBlock(
                block_id=B.NOTIFY,
                label="Options",
                optional=True,
                element=CheckboxesElement(
                    action_id="value", options=[notify, policy], initial_options=[notify]
                ),
            ),
        ],
    )


def pay_view(
    booking: Booking, meta: ModalMeta, *, tz: tzinfo, categories: dict[str, str], now: datetime
) -> View:
    due = booking.price.balance_due if booking.price else None
    currency = due.currency if due else "?"
    initial = format(due.amount, "f") if due and due.amount > 0 else ""
    methods = [Option(value=m.value, label=label) for m, label in METHOD_LABELS.items()]
    return modal(
        callback_id=Callback.PAY,
        title="Record payment",
        submit="Record",
        meta=meta,
        blocks=[
            *summary_blocks(booking, tz, categories),
            InputBlock(
                block_id=B.AMOUNT,
                label=f"Amount ({currency})",
                hint="A negative amount records a refund (you will be asked to confirm).",
                element=PlainTextInputElement(
                    action_id="value",
                    initial_value=initial or None,
                    placeholder="e.g. 50.00",
                    max_length=20,
                ),
            ),
            InputBlock(
                block_id=B.METHOD,
                label="Method",
                element=StaticSelectElement(
                    action_id="value", options=methods, initial_option=methods[0]
                ),
            ),
            InputBlock(
                block_id=B.METHOD_OTHER,
                label="If other: which method",
                optional=True,
                element=PlainTextInputElement(action_id="value", max_length=100),
            ),
            InputBlock(
                block_id=B.REASON,
                label="Reason (shown to the customer)",
                element=PlainTextInputElement(
                    action_id="value", initial_value="Payment", max_length=200
                ),
            ),
            InputBlock(
                block_id=B.COMMENT,
                label="Internal comment",
                optional=True,
                element=PlainTextInputElement(action_id="value", max_length=500),
            ),
            InputBlock(
                block_id=B.RECEIVED,
                label="Received",
                element=DateTimePickerElement(
                    action_id="value", initial_date_time=int(now.timestamp())
                ),
            ),
        ],
    )


def refund_confirm_view(booking_number: str, amount_text: str, meta: ModalMeta) -> View:
    return modal(
        callback_id=Callback.REFUND_CONFIRM,
        title="Confirm refund",
        submit="Record refund",
        close="Back",
        meta=meta,
        blocks=[
            SectionBlock(
                text=f":warning: Record a *refund of {escape(amount_text)}* on booking "
                f"{escape(booking_number)}?"
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="This records the refund in Bookeo; it does not move money by itself."
                    )
                ]
            ),
        ],
    )
