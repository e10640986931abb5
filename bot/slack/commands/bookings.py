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


async def run_new(request: New, call: Call) -> None:
    await open_create(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        actor=call.actor,
        meta=call.meta(),
        product_hint=request.product,
    )


async def run_edit(request: OnBooking, call: Call) -> None:
    await open_edit(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        actor=call.actor,
        meta=call.meta(request.booking_number),
    )


async def run_cancel(request: OnBooking, call: Call) -> None:
    await open_cancel(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        actor=call.actor,
        meta=call.meta(request.booking_number),
    )


async def run_pay(request: OnBooking, call: Call) -> None:
    await open_payment(
        call.client,
        call.deps,
        trigger_id=call.where.trigger_id,
        actor=call.actor,
        meta=call.meta(request.booking_number),
    )
