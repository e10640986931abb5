"""Record a payment (or, after a second confirmation, a refund) on a booking."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoError
from bot.bookeo.models import Booking, Money, NewPayment, Payment, PaymentMethod
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, after_ack, user_message
from bot.slack.ids import Block
from bot.slack.modals.common import OpenModal, field, open_booking_modal, refresh_card
from bot.slack.permissions import audit, require
from bot.slack.text import amount as format_amount
from bot.slack.text import escape
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import (
    ModalMeta,
    message_view,
    pay_view,
    refund_confirm_view,
    result_view,
)

TITLE = "Record payment"
MAX_AMOUNT = Decimal("1000000")


async def open_payment(
    client: AsyncWebClient,
    deps: Deps,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    meta: ModalMeta,
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
        trigger_id=trigger_id,
        team_id=team_id,
        user_id=user_id,
        meta=meta,
        title=TITLE,
        permission=Permission.PAY,
        build=build,
        allow_canceled=True,
    )


def read_payment(
    view: dict[str, Any], currency: str, now: datetime
) -> tuple[NewPayment | None, dict[str, str]]:
    """The form as a NewPayment, or errors keyed by block id."""
    errors: dict[str, str] = {}
    raw = (field(view, Block.AMOUNT) or "").strip().replace(",", "")
    value: Decimal | None = None
    try:
        value = Decimal(raw)
        if not value.is_finite() or value == 0:
            errors[Block.AMOUNT] = "Enter an amount other than zero."
        elif value.as_tuple().exponent < -2:  # type: ignore[operator]
            errors[Block.AMOUNT] = "At most two decimals."
        elif abs(value) > MAX_AMOUNT:
            errors[Block.AMOUNT] = "That amount is too large."
    except InvalidOperation:
        errors[Block.AMOUNT] = "Enter a number, like 50 or 49.90."
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
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    meta = ModalMeta.load(view.get("private_metadata"))
    currency = (meta.extra or {}).get("currency", "USD")
    payment, errors = read_payment(view, currency, deps.clock.now())
    if errors or payment is None or meta.booking is None:
        await ack(response_action="errors", errors=errors or {Block.AMOUNT: "Open the form again."})
        return
    refund = payment.amount.amount < 0
    try:
        await require(
            deps,
            team_id=team_id,
            user_id=user_id,
            permission=Permission.REFUND if refund else Permission.PAY,
            booking_number=meta.booking,
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

    work = _record(
        payment,
        meta,
        view_id=view["id"],
        client=client,
        deps=deps,
        team_id=team_id,
        user_id=user_id,
    )
    after_ack(deps, client, body, work, name="pay")


async def on_refund_confirm(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
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
        await require(
            deps,
            team_id=team_id,
            user_id=user_id,
            permission=Permission.REFUND,
            booking_number=meta.booking,
        )
    except PermissionDenied as denied:
        await ack(response_action="update", view=message_view("Refund", denied.message))
        return
    # Close the whole stack's confirmation by replacing it with progress, then the result.
    await ack(
        response_action="update",
        view=message_view("Refund", ":hourglass_flowing_sand: Recording the refund…"),
    )

    work = _record(
        payment,
        meta,
        view_id=view["id"],
        client=client,
        deps=deps,
        team_id=team_id,
        user_id=user_id,
    )
    after_ack(deps, client, body, work, name="refund")


async def _record(
    payment: NewPayment,
    meta: ModalMeta,
    *,
    view_id: str,
    client: AsyncWebClient,
    deps: Deps,
    team_id: str,
    user_id: str,
) -> None:
    assert meta.booking is not None
    modal = OpenModal(client, view_id, None)
    kind = "refund" if payment.amount.amount < 0 else "payment"
    key = f"pay:{meta.key or secrets.token_hex(16)}"
    claim = await deps.store.claim_create(key, at=deps.clock.now())
    if not claim.fresh and claim.state == "unknown":
        # An earlier try's answer was lost: whether to record it now depends on Bookeo.
        try:
            found = await recorded_like(deps, meta.booking, payment, since=claim.claimed_at)
        except BookeoError:
            await modal.show(message_view(TITLE, STILL_UNKNOWN.format(booking=meta.booking)))
            return
        if found is None:
            await deps.store.finish_create(
                key, state="failed", booking_number=None, at=deps.clock.now()
            )
            claim = await deps.store.claim_create(key, at=deps.clock.now())
        else:
            await deps.store.finish_create(
                key, state="done", booking_number=meta.booking, at=deps.clock.now()
            )
    if not claim.fresh:
        await modal.show(
            message_view(TITLE, "This payment was already submitted; it is recorded once.")
        )
        return
    started = deps.clock.now()
    try:
        await deps.bookeo.bookings.add_payment(meta.booking, payment)
    except Exception as error:
        outcome = await _after_failure(deps, meta.booking, payment, error, since=started)
        if outcome != "recorded":
            who = (team_id, user_id)
            await _failed(
                deps, modal, key, error, meta.booking, outcome=outcome, kind=kind, who=who
            )
            return
    await deps.store.finish_create(
        key, state="done", booking_number=meta.booking, at=deps.clock.now()
    )
    shown = format_amount(payment.amount.amount, payment.amount.currency)
    await audit(
        deps,
        team_id=team_id,
        user_id=user_id,
        action=kind,
        booking_number=meta.booking,
        outcome="ok",
        detail=json.dumps({"amount": shown, "method": payment.payment_method.value}),
    )
    method = payment.payment_method.value
    line = f":moneybag: <@{user_id}> recorded a {kind} of *{escape(shown)}* ({method})."
    booking = await refresh_card(client, deps, meta, team_id=team_id, user_id=user_id, line=line)
    text = (
        f":white_check_mark: {kind.capitalize()} of {escape(shown)} recorded "
        f"on booking {escape(meta.booking)}."
    )
    if booking is None:
        await modal.show(message_view(TITLE, text))
    else:
        await modal.show(result_view(TITLE, text, booking, CardOptions(tz=deps.tz)))


AfterFailure = Literal["recorded", "not recorded", "unknown", "not sent"]
STILL_UNKNOWN = (
    ":warning: An earlier try may have recorded this payment, and Bookeo cannot say yet. "
    "Check `/bookeo payments {booking}` before trying again."
)
NOT_RECORDED = (
    ":cloud: Bookeo did not answer, and no payment was recorded (the bot checked). "
    "Try again in a minute."
)


async def recorded_like(
    deps: Deps, booking_number: str, payment: NewPayment, *, since: datetime | None
) -> Payment | None:
    """A payment on the booking that looks like this one (same amount, method, reason and
    comment) made since `since`: what an earlier try whose answer was lost recorded. Bookeo
    takes no idempotency key for payments, so this fingerprint is the best there is."""
    earliest = (since or deps.clock.now() - timedelta(hours=1)) - timedelta(minutes=1)
    async for made in deps.bookeo.bookings.payments(booking_number):
        when = made.creation_time or made.received_time
        if (
            made.amount.amount == payment.amount.amount
            and made.payment_method == payment.payment_method
            and (made.reason or "") == payment.reason
            and (made.comment or None) == payment.comment
            and (when is None or when >= earliest)
        ):
            return made
    return None


async def _after_failure(
    deps: Deps, booking_number: str, payment: NewPayment, error: Exception, *, since: datetime
) -> AfterFailure:
    """What became of a payment whose add failed: if the request may have reached Bookeo,
    Bookeo is asked whether it recorded it all the same (only the answer was lost)."""
    if not getattr(error, "may_have_reached", False):
        return "not sent"
    try:
        found = await recorded_like(deps, booking_number, payment, since=since)
    except BookeoError:
        return "unknown"
    return "not recorded" if found is None else "recorded"


async def _failed(
    deps: Deps,
    modal: OpenModal,
    key: str,
    error: Exception,
    booking_number: str,
    *,
    outcome: AfterFailure,
    kind: str,
    who: tuple[str, str],
) -> None:
    await deps.store.finish_create(
        key,
        state="unknown" if outcome == "unknown" else "failed",
        booking_number=booking_number,
        at=deps.clock.now(),
    )
    team_id, user_id = who
    await audit(
        deps,
        team_id=team_id,
        user_id=user_id,
        action=kind,
        booking_number=booking_number,
        outcome="failed",
        detail=str(error)[:500],
    )
    text = NOT_RECORDED if outcome == "not recorded" else user_message(error, write=True)
    await modal.show(message_view(TITLE, text))
