"""Record a payment (or, after a second confirmation, a refund) on a booking."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking, Money, NewPayment, PaymentMethod
from bot.ops import Actor
from bot.ops.forms import PaymentForm
from bot.ops.outcomes import Recorded
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied
from bot.slack.ids import Block
from bot.slack.modals.common import OpenModal, field, open_booking_modal, refresh_card
from bot.slack.runner import after_ack
from bot.slack.text import amount as format_amount
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import ModalMeta, message_view, pay_view, refund_confirm_view
from bot.slack.views.outcomes import PAY_TITLE as TITLE
from bot.slack.views.outcomes import STILL_CHECKING, payment_line, payment_result

MAX_AMOUNT = Decimal("1000000")


async def open_payment(
    client: AsyncWebClient, deps: Deps, *, actor: Actor, trigger_id: str, meta: ModalMeta
) -> None:
    async def build(booking: Booking) -> View:
        currency = booking.price.total_gross.currency if booking.price else "USD"
        form = replace(meta, key=secrets.token_hex(16), extra={"currency": currency})
        categories = await deps.catalog.category_names()
        return pay_view(booking, form, tz=deps.tz, categories=categories, now=deps.clock.now())

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


def read_amount(view: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    """The amount typed, or why it is not one."""
    raw = (field(view, Block.AMOUNT) or "").strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, "Enter a number, like 50 or 49.90."
    if not value.is_finite() or value == 0:
        return value, "Enter an amount other than zero."
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return value, "At most two decimals."
    if abs(value) > MAX_AMOUNT:
        return value, "That amount is too large."
    return value, None


def read_payment(
    view: dict[str, Any], currency: str, now: datetime
) -> tuple[NewPayment | None, dict[str, str]]:
    """The form as a NewPayment, or errors keyed by block id."""
    errors: dict[str, str] = {}
    value, wrong = read_amount(view)
    if wrong:
        errors[Block.AMOUNT] = wrong
    method_text = field(view, Block.METHOD)
    try:
        method = PaymentMethod(method_text)
    except ValueError:
        errors[Block.METHOD] = "Pick a payment method."
        method = PaymentMethod.OTHER
    other = (field(view, Block.METHOD_OTHER) or "").strip()
    if method is PaymentMethod.OTHER and not other:
        errors[Block.METHOD_OTHER] = "Say which method, since you picked Other."
    reason = (field(view, Block.REASON) or "").strip()
    if not reason:
        errors[Block.REASON] = "Give a reason (the customer sees it), e.g. Payment or Deposit."
    comment = (field(view, Block.COMMENT) or "").strip() or None
    stamp = field(view, Block.RECEIVED)
    received = (
        datetime.fromtimestamp(int(stamp), UTC)
        if isinstance(stamp, int | str) and str(stamp).isdigit()
        else now
    )
    if received > now + timedelta(minutes=5):
        errors[Block.RECEIVED] = "A payment cannot be received in the future."
    if errors or value is None:
        return None, errors
    payment = NewPayment(
        amount=Money(amount=value, currency=currency),
        payment_method=method,
        payment_method_other=other or None,
        reason=reason,
        comment=comment,
        received_time=received,
    )
    return payment, {}


async def on_pay_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    meta = ModalMeta.load(view.get("private_metadata"))
    currency = (meta.extra or {}).get("currency", "USD")
    payment, errors = read_payment(view, currency, deps.clock.now())
    if errors or payment is None or meta.booking is None:
        await ack(response_action="errors", errors=errors or {Block.AMOUNT: "Open the form again."})
        return
    refund = payment.amount.amount < 0
    try:
        await deps.access.require(
            actor, Permission.REFUND if refund else Permission.PAY, booking_number=meta.booking
        )
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={Block.AMOUNT: denied.message[:150]})
        return
    if refund:
        # A second, explicit confirmation before a refund is recorded.
        pending = replace(meta, extra={"currency": currency, "payment": payment.to_json_dict()})
        await ack(
            response_action="push",
            view=refund_confirm_view(
                meta.booking, format_amount(-payment.amount.amount, currency), pending
            ),
        )
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
    meta = ModalMeta.load(view.get("private_metadata"))
    raw = (meta.extra or {}).get("payment")
    try:
        payment = NewPayment.model_validate(raw)
    except ValueError:
        payment = None
    if meta.booking is None or payment is None:
        await ack(
            response_action="update",
            view=message_view("Refund", "This form lost its data; open it again."),
        )
        return
    try:
        await deps.access.require(actor, Permission.REFUND, booking_number=meta.booking)
    except PermissionDenied as denied:
        await ack(response_action="update", view=message_view("Refund", denied.message))
        return
    # Close the whole stack's confirmation by replacing it with progress, then the result.
    await ack(
        response_action="update",
        view=message_view("Refund", ":hourglass_flowing_sand: Recording the refund…"),
    )
    work = _record(payment, meta, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="refund")


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
        await refresh_card(client, deps, meta, outcome.booking, actor=actor, line=line)
    result = payment_result(outcome, meta.booking, CardOptions(tz=deps.tz))
    await OpenModal(client, view_id, None).show(result)
