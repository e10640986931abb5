"""Record a payment or a refund on a booking: every refund, and a payment above the balance
due, after a second confirmation that names the figures."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking, Money, NewPayment, PaymentMethod
from bot.money import EXAMPLE, AmountError, over_by, parse_amount
from bot.ops import Actor
from bot.ops.forms import PaymentForm
from bot.ops.outcomes import Recorded
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied
from bot.slack.ids import Block
from bot.slack.modals.common import (
    OpenModal,
    field,
    open_booking_modal,
    refresh_card,
    result_options,
)
from bot.slack.runner import after_ack
from bot.slack.views.modals import (
    MAX_LENGTHS,
    PAYMENT_REASON,
    REFUND_REASON,
    ModalMeta,
    message_view,
    pay_view,
    payment_confirm_view,
    reason_prefill,
)
from bot.slack.views.outcomes import PAY_TITLE as TITLE
from bot.slack.views.outcomes import STILL_CHECKING, payment_line, payment_result


async def open_payment(
    client: AsyncWebClient, deps: Deps, *, actor: Actor, trigger_id: str, meta: ModalMeta
) -> None:
    async def build(booking: Booking) -> View:
        price = booking.price
        # The figures the second confirmation names, as the person saw them.
        due = price.balance_due.amount if price and not booking.canceled else Decimal(0)
        extra = {
            "currency": price.total_gross.currency if price else "USD",
            "due": str(due),
            "paid": str(price.total_paid.amount if price else Decimal(0)),
            "reason": reason_prefill(booking),  # what the Reason opens with: not typed
        }
        form = replace(meta, key=secrets.token_hex(16), extra=extra)
        categories = await deps.catalog.category_names()
        return pay_view(
            booking,
            form,
            tz=deps.tz,
            categories=categories,
            now=deps.clock.now(),
            locale=deps.locale,
        )

    # A canceled booking can still take a refund, so it is not refused here.
    await open_booking_modal(
        client,
        deps,
        actor=actor,
        trigger_id=trigger_id,
        meta=meta,
        title=TITLE,
        permission=Permission.PAY,
        build=build,
        allow_canceled=True,
    )


def read_amount(view: dict[str, Any], currency: str, locale: str) -> tuple[Decimal | None, str]:
    """The amount typed (bot/money.py reads it as the person means it), or why it is not
    one: an empty second part means no problem."""
    raw = field(view, Block.AMOUNT)
    if not isinstance(raw, str):  # a forged form: a number, a list, nothing
        return None, EXAMPLE
    try:
        return parse_amount(raw, currency=currency, locale=locale), ""
    except AmountError as wrong:
        return None, wrong.message


def read_received(view: dict[str, Any], now: datetime) -> tuple[datetime, str]:
    """When the money was received (the picker sends epoch seconds), or why not."""
    stamp = field(view, Block.RECEIVED)
    if stamp is None:
        return now, ""
    text = str(stamp) if isinstance(stamp, int) and not isinstance(stamp, bool) else stamp
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,11}", text):
        return now, "Pick the date and time the money was received."
    received = datetime.fromtimestamp(int(text), UTC)
    if received > now + timedelta(minutes=5):
        return received, "A payment cannot be received in the future."
    if received < now - timedelta(days=3650):
        return received, "Pick a date within the last ten years."
    return received, ""


def read_text(view: dict[str, Any], block: Block) -> tuple[str, str]:
    """A text input, stripped of control characters, within its max_length."""
    raw = field(view, block)
    text = "".join(c for c in raw if c in "\n\t" or c.isprintable()) if isinstance(raw, str) else ""
    if len(text) > MAX_LENGTHS[block]:
        return text, f"At most {MAX_LENGTHS[block]} characters."
    return text.strip(), ""


def recorded_reason(reason: str, value: Decimal, *, prefilled: str) -> str:
    """The reason to record: the one typed, or — when the Reason was left empty or as the
    form opened it — the amount's: `Refund` for a negative amount, else `Payment`."""
    if reason and reason != prefilled:
        return reason
    return REFUND_REASON if value < 0 else PAYMENT_REASON


def read_payment(
    view: dict[str, Any],
    currency: str,
    now: datetime,
    locale: str,
    *,
    prefilled: str = PAYMENT_REASON,
) -> tuple[NewPayment | None, dict[str, str]]:
    """The form as a NewPayment, or errors keyed by block id; `prefilled` is the Reason the
    form opened with."""
    value, wrong_amount = read_amount(view, currency, locale)
    try:
        method = PaymentMethod(field(view, Block.METHOD))
    except ValueError:
        method = None
    other, wrong_other = read_text(view, Block.METHOD_OTHER)
    reason, wrong_reason = read_text(view, Block.REASON)
    comment, wrong_comment = read_text(view, Block.COMMENT)
    received, wrong_received = read_received(view, now)
    problems = {
        Block.AMOUNT: wrong_amount,
        Block.METHOD: "" if method else "Pick a payment method.",
        Block.METHOD_OTHER: wrong_other
        or (
            "Say which method, since you picked Other."
            if method is PaymentMethod.OTHER and not other
            else ""
        ),
        Block.REASON: wrong_reason,
        Block.COMMENT: wrong_comment,
        Block.RECEIVED: wrong_received,
    }
    errors = {str(block): said for block, said in problems.items() if said}
    if errors or value is None or method is None:
        return None, errors
    payment = NewPayment(
        amount=Money(amount=value, currency=currency),
        payment_method=method,
        payment_method_other=other or None,
        reason=recorded_reason(reason, value, prefilled=prefilled),
        comment=comment or None,
        received_time=received,
    )
    return payment, {}


def _figure(extra: dict[str, Any], name: str) -> Decimal:
    """A figure the form opened with; unknown (an older form) counts as no limit."""
    try:
        value = Decimal(str(extra.get(name)))
    except InvalidOperation:
        return Decimal("Infinity")
    return value if value.is_finite() else Decimal("Infinity")


async def on_pay_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    meta = ModalMeta.load(view.get("private_metadata"))
    extra = meta.extra or {}
    currency = extra.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        currency = "USD"
    prefilled = extra.get("reason")
    payment, errors = read_payment(
        view,
        currency,
        deps.clock.now(),
        deps.locale,
        prefilled=prefilled if isinstance(prefilled, str) else PAYMENT_REASON,
    )
    if errors or payment is None or meta.booking is None:
        await ack(response_action="errors", errors=errors or {Block.AMOUNT: "Open the form again."})
        return
    value = payment.amount.amount
    try:
        await deps.access.require(
            actor, Permission.REFUND if value < 0 else Permission.PAY, booking_number=meta.booking
        )
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={Block.AMOUNT: denied.message[:150]})
        return
    due, paid = _figure(extra, "due"), _figure(extra, "paid")
    if value < 0 or over_by(value, due=due, paid=paid) > 0:
        # A second, explicit confirmation: every refund, and a payment above the balance due.
        figures: dict[str, Any] = {k: extra[k] for k in ("currency", "due", "paid") if k in extra}
        pending = replace(meta, extra={**figures, "payment": payment.to_json_dict()})
        try:
            confirm = payment_confirm_view(
                meta.booking, value, currency, pending, due=due, paid=paid, locale=deps.locale
            )
        except ValueError:  # only a forged form could carry this much
            await ack(response_action="errors", errors={Block.COMMENT: "Shorten the comment."})
            return
        await ack(response_action="push", view=confirm)
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Recording in Bookeo…"),
    )
    work = _record(payment, meta, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="pay")


async def on_refund_confirm(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    """The second confirmation, of a refund or of a payment above the balance due."""
    meta = ModalMeta.load(view.get("private_metadata"))
    raw = (meta.extra or {}).get("payment")
    try:
        payment: NewPayment | None = NewPayment.model_validate(raw)
    except ValueError:
        payment = None
    refund = payment is not None and payment.amount.amount < 0
    title = "Refund" if refund else TITLE
    if meta.booking is None or payment is None:
        await ack(
            response_action="update",
            view=message_view(title, "This form lost its data; open it again."),
        )
        return
    try:
        await deps.access.require(
            actor, Permission.REFUND if refund else Permission.PAY, booking_number=meta.booking
        )
    except PermissionDenied as denied:
        await ack(response_action="update", view=message_view(title, denied.message))
        return
    # Close the whole stack's confirmation by replacing it with progress, then the result.
    progress = "Recording the refund…" if refund else "Recording in Bookeo…"
    await ack(
        response_action="update",
        view=message_view(title, f":hourglass_flowing_sand: {progress}"),
    )
    work = _record(payment, meta, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="refund" if refund else "pay")


async def _record(
    payment: NewPayment,
    meta: ModalMeta,
    *,
    view_id: str,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    assert meta.booking is not None
    form = PaymentForm(
        key=meta.key or secrets.token_hex(16), booking_number=meta.booking, payment=payment
    )

    async def checking() -> None:
        text = STILL_CHECKING.format(what="payment")
        await OpenModal(client, view_id, None).show(message_view(TITLE, text))

    outcome = await deps.bookings.record_payment(actor, form, checking=checking)
    if isinstance(outcome, Recorded):
        line = payment_line(outcome, actor.user_id)
        await refresh_card(
            client, deps, meta, outcome.booking, actor=actor, line=line, kind="payments"
        )
    booking = outcome.booking if isinstance(outcome, Recorded) else None
    result = payment_result(outcome, meta.booking, await result_options(deps, actor, booking))
    await OpenModal(client, view_id, None).show(result)
