"""Cancel a booking (Bookeo's cancel is idempotent: a repeat changes nothing)."""

from __future__ import annotations

from bot.ops.actor import Actor
from bot.ops.bookings._services import Services
from bot.ops.bookings.reads import reread
from bot.ops.forms import CancelForm
from bot.ops.outcomes import Canceled, CancelOutcome, Failed
from bot.permissions import Permission


async def cancel(s: Services, actor: Actor, form: CancelForm) -> CancelOutcome:
    number = form.booking_number
    await s.access.require(actor, Permission.CANCEL, booking_number=number)
    ahead = await s.access.announce(actor, "cancel", number, detail=form.reason)
    async with s.access.audited(actor, "cancel", number, ahead=ahead) as audit:
        try:
            await s.bookeo.bookings.cancel(
                number,
                reason=form.reason or None,
                notify_customer=form.notify_customer,
                apply_cancellation_policy=form.apply_cancellation_policy,
            )
        except Exception as error:
            audit.failure = error
            return Failed(error)
        audit.detail = form.reason
    return Canceled(number, form.reason, await reread(s, number))
