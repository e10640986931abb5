"""The subcommands that open a booking modal: new, edit, cancel, pay.

A trigger_id lives 3 s, so these are acknowledged empty and the modal opens at once; the
modal itself checks the role and shows the form or why not.
"""

from __future__ import annotations

from bot.slack.commands.call import Call
from bot.slack.commands.parser import New, OnBooking
from bot.slack.modals.cancel import open_cancel
from bot.slack.modals.create import open_create
from bot.slack.modals.edit import open_edit
from bot.slack.modals.payment import open_payment

# The modal entry points take `actor=` once the booking-ops branch lands; until then they take
# the actor's ids (the only lines here that change then).


async def run_new(request: New, call: Call) -> None:
    await open_create(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        team_id=call.actor.team_id,
        user_id=call.actor.user_id,
        meta=call.meta(),
        product_hint=request.product,
    )


async def run_edit(request: OnBooking, call: Call) -> None:
    await open_edit(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        team_id=call.actor.team_id,
        user_id=call.actor.user_id,
        meta=call.meta(request.booking_number),
    )


async def run_cancel(request: OnBooking, call: Call) -> None:
    await open_cancel(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        team_id=call.actor.team_id,
        user_id=call.actor.user_id,
        meta=call.meta(request.booking_number),
    )


async def run_pay(request: OnBooking, call: Call) -> None:
    await open_payment(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        team_id=call.actor.team_id,
        user_id=call.actor.user_id,
        meta=call.meta(request.booking_number),
    )
