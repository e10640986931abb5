"""Modal views (pure). Titles ≤24 chars, private_metadata ≤3000, inputs keyed by `Block`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, tzinfo
from decimal import Decimal
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
from bot.money import over_by, standing
from bot.slack.ids import Block as B
from bot.slack.ids import Callback
from bot.slack.text import clip, escape, money, when
from bot.slack.views.cards import CardOptions, booking_card
from bot.wording import METHOD_LABELS, amount, party

PAY_CONFIRM_TITLE = "Confirm payment"
REFUND_CONFIRM_TITLE = "Confirm refund"


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
        # Slack counts characters: unescaped, "予約" is 2 of them, not 12 ("\\u4e88\\u7d04").
        # What grows (a payment's comment, reason, method) is bounded by its input's
        # max_length, checked again on submission, so a payment always fits.
        data = {k: v for k, v in asdict(self).items() if v is not None}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if len(text) > 3000:
            raise ValueError("private_metadata over 3000 characters")
        return text

    @classmethod
    def load(cls, text: str | None) -> ModalMeta:
        """What a submitted view carried; anything of the wrong type (a forged or stale
        view) is left out, never passed on."""
        try:
            data = json.loads(text or "{}") if isinstance(text, str) else {}
        except (ValueError, RecursionError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = data.get(name)
            if isinstance(value, dict if name == "extra" else str):
                known[name] = value
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


def summary_blocks(
    booking: Booking, tz: tzinfo, categories: dict[str, str], *, locale: str
) -> list[Block]:
    who = escape(booking.customer.full_name) if booking.customer else "—"
    if booking.price is None:
        owed = "balance due —"
    else:
        now_owed = standing(booking.price, canceled=booking.canceled)
        if now_owed.settled:
            owed = "nothing paid, nothing owed" if booking.canceled else "paid in full"
        else:
            owed = f"{now_owed.label.lower()} {now_owed.text(locale=locale)}"
        if booking.canceled:
            paid = money(booking.price.total_paid, locale=locale)
            owed = f"canceled · paid {paid} · {owed}"
    return [
        SectionBlock(
            text=clip(
                f"*Booking {escape(booking.booking_number)}* · "
                f"{escape(booking.product_name or '')}\n"
                f"{when(booking.start_time, booking.end_time, tz)} · "
                f"{escape(party(booking, categories))}\n"
                f"{who} · {owed}",
                3000,
            )
        )
    ]


def cancel_view(
    booking: Booking, meta: ModalMeta, *, tz: tzinfo, categories: dict[str, str], locale: str
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
            *summary_blocks(booking, tz, categories, locale=locale),
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


PAYMENT_REASON = "Payment"
REFUND_REASON = "Refund"


REASON_HINT = f"Left empty: {PAYMENT_REASON}, or {REFUND_REASON} for a negative amount."


def reason_prefill(booking: Booking) -> str:
    """The Reason the payment form opens with: `Refund` on a canceled booking something was
    paid on (its form is for money given back), else nothing, as the form cannot know yet
    whether the amount will be a payment or a refund. Left as it was, it follows the
    amount's sign when submitted (bot.slack.modals.payment `recorded_reason`)."""
    price = booking.price
    paid = price is not None and price.total_paid.amount > 0
    return REFUND_REASON if booking.canceled and paid else ""


def _amount_block(booking: Booking, locale: str) -> InputBlock:
    """The payment form's Amount: prefilled with the balance due, hinted, in the locale."""
    price = booking.price
    currency = price.total_gross.currency if price else "?"
    due = price.balance_due.amount if price and not booking.canceled else Decimal(0)
    # A canceled booking owes nothing: the form is for money given back, so nothing is
    # prefilled (its price would be wrong to take). The balance is prefilled as the business
    # writes it, without thousands marks (`1250,00` in de_DE: `1.250` alone would be asked
    # back as ambiguous when the currency has no decimals).
    initial = amount(due, currency, locale=locale, code=False, grouped=False) if due > 0 else ""
    if booking.canceled and price is not None and price.total_paid.amount > 0:
        back = amount(price.total_paid.amount, currency, locale=locale, code=False)
        hint = f"This booking is canceled: enter money given back as a negative amount (-{back})."
    else:
        hint = "A negative amount records a refund (you will be asked to confirm)."
    example = amount(Decimal("49.90"), currency, locale=locale, code=False) if price else "49.90"
    return InputBlock(
        block_id=B.AMOUNT,
        label=f"Amount ({currency})",
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            initial_value=initial or None,
            placeholder=f"e.g. {example}",
            max_length=MAX_LENGTHS[B.AMOUNT],
        ),
    )


def pay_view(
    booking: Booking,
    meta: ModalMeta,
    *,
    tz: tzinfo,
    categories: dict[str, str],
    now: datetime,
    locale: str,
) -> View:
    methods = [
        Option(value=m.value, label="Other…" if m is PaymentMethod.OTHER else label)
        for m, label in METHOD_LABELS.items()
    ]
    return modal(
        callback_id=Callback.PAY,
        title="Record payment",
        submit="Record",
        meta=meta,
        blocks=[
            *summary_blocks(booking, tz, categories, locale=locale),
            _amount_block(booking, locale),
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
                element=PlainTextInputElement(
                    action_id="value", max_length=MAX_LENGTHS[B.METHOD_OTHER]
                ),
            ),
            InputBlock(
                block_id=B.REASON,
                label="Reason (shown to the customer)",
                optional=True,
                hint=REASON_HINT,
                element=PlainTextInputElement(
                    action_id="value",
                    initial_value=reason_prefill(booking) or None,
                    max_length=MAX_LENGTHS[B.REASON],
                ),
            ),
            InputBlock(
                block_id=B.COMMENT,
                label="Internal comment",
                optional=True,
                element=PlainTextInputElement(action_id="value", max_length=MAX_LENGTHS[B.COMMENT]),
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


# The payment form's text inputs, and what each may hold (checked again on submission:
# the pending payment rides in private_metadata, so these bound its size).
MAX_LENGTHS = {B.AMOUNT: 40, B.METHOD_OTHER: 100, B.REASON: 200, B.COMMENT: 500}


def payment_confirm_view(
    booking_number: str,
    value: Decimal,
    currency: str,
    meta: ModalMeta,
    *,
    due: Decimal,
    paid: Decimal,
    locale: str,
) -> View:
    """The second, explicit confirmation of every refund, and of a payment above the balance
    due, naming the figures (as they were when the form opened)."""
    refund = value < 0
    kind = "refund" if refund else "payment"

    def shown(figure: Decimal) -> str:
        return escape(amount(figure, currency, locale=locale))

    lines = [
        f":warning: Record a *{kind} of {shown(abs(value))}* on booking {escape(booking_number)}?"
    ]
    over = over_by(value, due=due, paid=paid)
    if refund and over:
        lines.append(
            f"Only {shown(paid)} was paid: this refunds {shown(over)} more than was paid."
            if paid > 0
            else f"Nothing was paid: this refunds {shown(over)} that was never received."
        )
    elif over:
        owed = f"The balance due is {shown(due)}" if due > 0 else "Nothing is due"
        lines.append(f"{owed}: the customer will have a *credit due of {shown(over)}*.")
    return modal(
        callback_id=Callback.REFUND_CONFIRM if refund else Callback.PAY_CONFIRM,
        title=REFUND_CONFIRM_TITLE if refund else PAY_CONFIRM_TITLE,
        submit=f"Record {kind}",
        close="Back",
        meta=meta,
        blocks=[
            SectionBlock(text=clip("\n".join(lines), 3000)),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"This records the {kind} in Bookeo; it does not move money by itself."
                    )
                ]
            ),
        ],
    )
