"""Record a payment or a refund on a booking, once per form.

Bookeo takes no idempotency key for payments, so a lost answer is looked up by fingerprint:
a payment on the booking with the same amount, method, reason and comment, made since the
try began."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.bookeo.models import NewPayment, Payment
from bot.ops.actor import Actor
from bot.ops.bookings._services import Services
from bot.ops.bookings.reads import reread
from bot.ops.forms import PaymentForm
from bot.ops.idempotent import Checked, Write, Written
from bot.ops.outcomes import Failed, PaymentOutcome, Recorded
from bot.permissions import Permission
from bot.wording import amount, method_label

LOOK_AROUND = timedelta(minutes=1)


def payment_key(form_key: str) -> str:
    return f"pay:{form_key}"


def same_payment(made: Payment, payment: NewPayment, *, earliest: datetime) -> bool:
    """Whether `made` is what a try of `payment` recorded (made no earlier than `earliest`)."""
    when = made.creation_time or made.received_time
    return (
        made.amount.amount == payment.amount.amount
        and made.payment_method == payment.payment_method
        and (made.reason or "") == payment.reason
        and (made.comment or None) == payment.comment
        and (when is None or when >= earliest)
    )


def _write(s: Services, form: PaymentForm) -> Write[str]:
    number = form.booking_number

    async def call() -> str:
        await s.bookeo.bookings.add_payment(number, form.payment)
        return number

    async def look_up(since: datetime) -> str | None:
        async for made in s.bookeo.bookings.payments(number):
            if same_payment(made, form.payment, earliest=since - LOOK_AROUND):
                return number
        return None

    return Write(
        key=payment_key(form.key),
        call=call,
        look_up=look_up,
        booking_number=lambda written: written,
        subject=number,
    )


async def record_payment(
    s: Services, actor: Actor, form: PaymentForm, *, checking: Checked | None = None
) -> PaymentOutcome:
    """Record the payment unless this form already did (or may have: then say so)."""
    kind = "refund" if form.is_refund else "payment"
    permission = Permission.REFUND if form.is_refund else Permission.PAY
    await s.access.require(actor, permission, booking_number=form.booking_number)
    write = _write(s, form)
    repeat = await s.writes.earlier(write)
    if repeat is None:
        repeat = await s.writes.claim(write.key)
    if repeat is not None:
        return repeat
    payment = form.payment
    # "Refund of 100.00 USD": the word says the direction, so the figure has no sign.
    shown = amount(abs(payment.amount.amount), payment.amount.currency, locale=s.locale)
    method = method_label(payment.payment_method, payment.payment_method_other)
    try:  # before Bookeo's webhook of the payment can come
        ahead = await s.access.announce(actor, kind, form.booking_number)
    except Exception as error:  # the row cannot be written: nothing is sent, the form is free
        await s.writes.release(write)
        return Failed(error)
    async with s.access.audited(actor, kind, form.booking_number, ahead=ahead) as audit:
        result = await s.writes.run(write, checking=checking)
        if not isinstance(result, Written):
            audit.failure = result.error
            return result
        audit.detail = json.dumps({"amount": shown, "method": method})
    booking = await reread(s, form.booking_number)
    return Recorded(kind, shown, method, form.booking_number, booking)
