"""`/bookeo edit`: move a booking, change its party, edit its notes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.ops import Actor
from bot.ops.forms import EditForm
from bot.ops.outcomes import Edited
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, UserFacingError, user_message
from bot.slack.ids import Block as B
from bot.slack.modals.common import OpenModal, card_options, open_booking_modal, refresh_card
from bot.slack.modals.form import read_state, validate_booking
from bot.slack.runner import after_ack
from bot.slack.views.booking_form import FormState, edit_view
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import ModalMeta, message_view
from bot.slack.views.outcomes import EDIT_TITLE as TITLE
from bot.slack.views.outcomes import edit_line, edit_result
from bot.slots import slot_of


async def _state(deps: Deps, booking: Booking) -> FormState:
    product = await deps.catalog.product(booking.product_id)
    if product is None:
        raise UserFacingError("This booking's product is no longer offered; edit it in Bookeo.")
    people = {n.people_category_id: n.number for n in booking.participants.numbers}
    day = (booking.start_time or deps.clock.now()).astimezone(deps.tz).date()
    return FormState(
        products=[product],
        categories=await deps.catalog.categories(),
        day=day,
        tz=deps.tz,
        product=product,
        people=people,
        slot=slot_of(booking),
        notes=await deps.bookings.note(booking.booking_number),
        locale=deps.locale,
    )


async def _with_slots(deps: Deps, booking: Booking, state: FormState) -> FormState:
    assert state.product is not None
    times = await deps.bookings.day_times(state.product, state.day, state.people, booking=booking)
    return replace(state, slots=times.slots, party_error=times.party_error)


async def open_edit(
    client: AsyncWebClient, deps: Deps, *, actor: Actor, trigger_id: str, meta: ModalMeta
) -> None:
    async def build(booking: Booking) -> View:
        return edit_view(
            booking, await _with_slots(deps, booking, await _state(deps, booking)), meta
        )

    await open_booking_modal(
        client,
        deps,
        actor=actor,
        trigger_id=trigger_id,
        meta=meta,
        title=TITLE,
        permission=Permission.EDIT,
        build=build,
    )


async def edit_state(view: dict[str, Any], deps: Deps) -> tuple[Booking, FormState]:
    meta = ModalMeta.load(view.get("private_metadata"))
    if meta.booking is None:
        raise UserFacingError("This form lost its booking; open it again.")
    booking = await deps.bookings.get(meta.booking)
    state = read_state(view, await _state(deps, booking))
    return booking, await _with_slots(deps, booking, state)


async def edit_form(view: dict[str, Any], deps: Deps, meta: ModalMeta) -> View:
    booking, state = await edit_state(view, deps)
    return edit_view(booking, state, meta)


async def on_edit_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    meta = ModalMeta.load(view.get("private_metadata"))
    try:
        await deps.access.require(actor, Permission.EDIT, booking_number=meta.booking)
        booking, state = await edit_state(view, deps)
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={B.NOTES: denied.message[:150]})
        return
    except Exception as error:
        await ack(response_action="update", view=message_view(TITLE, user_message(error)))
        return
    chosen, errors = validate_booking(
        state, today=deps.today(), now=deps.clock.now(), keep=slot_of(booking)
    )  # keeping its own time is always allowed, even once that time has started
    if errors or chosen is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Saving in Bookeo…"),
    )
    form = EditForm(booking=booking, slot=chosen.slot, people=chosen.people, notes=chosen.notes)
    work = _edit(form, meta, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="edit")


async def _edit(
    form: EditForm,
    meta: ModalMeta,
    *,
    view_id: str,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    outcome = await deps.bookings.edit(actor, form)
    options = CardOptions(tz=deps.tz, locale=deps.locale)
    if isinstance(outcome, Edited):
        line = edit_line(outcome, actor.user_id)
        await refresh_card(client, deps, meta, outcome.booking, actor=actor, line=line)
        if outcome.booking is not None:
            options = await card_options(deps, actor, in_channel=False, booking=outcome.booking)
    await OpenModal(client, view_id, None).show(edit_result(outcome, options))
