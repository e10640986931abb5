"""`/bookeo edit`: move a booking, change its party, edit its notes. Bookeo's PUT is a full
replacement, so the booking is re-read, the change merged, and the whole booking sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking, Participants, PeopleNumber
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, UserFacingError, after_ack, user_message
from bot.slack.ids import Block as B
from bot.slack.modals.common import OpenModal, card_options, open_booking_modal, refresh_card
from bot.slack.modals.form import load_slots, read_state, validate_booking
from bot.slack.permissions import audit, require
from bot.slack.text import escape, when
from bot.slack.views.booking_form import FormState, edit_view
from bot.slack.views.cards import party
from bot.slack.views.modals import ModalMeta, message_view, result_view

TITLE = "Edit booking"


def current_slot(booking: Booking) -> str | None:
    if booking.event_id and "_" in booking.event_id and booking.product_id:
        return f"e:{booking.event_id}"
    return f"t:{booking.start_time.isoformat()}" if booking.start_time else None


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
        slot_value=current_slot(booking),
        notes=await deps.store.note(booking.booking_number),
    )


async def open_edit(
    client: AsyncWebClient,
    deps: Deps,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    meta: ModalMeta,
) -> None:
    async def build(booking: Booking) -> View:
        state = await _state(deps, booking)
        assert state.product is not None
        slots = await load_slots(deps, state.product, state.day, state.people, booking=booking)
        return edit_view(booking, replace(state, slots=slots), meta)

    await open_booking_modal(
        client,
        deps,
        trigger_id=trigger_id,
        team_id=team_id,
        user_id=user_id,
        meta=meta,
        title=TITLE,
        permission=Permission.EDIT,
        build=build,
    )


async def edit_state(view: dict[str, Any], deps: Deps) -> tuple[Booking, FormState]:
    meta = ModalMeta.load(view.get("private_metadata"))
    if meta.booking is None:
        raise UserFacingError("This form lost its booking; open it again.")
    booking = await deps.bookeo.bookings.get(meta.booking, expand_customer=True)
    state = read_state(view, await _state(deps, booking))
    assert state.product is not None
    slots = await load_slots(deps, state.product, state.day, state.people, booking=booking)
    return booking, replace(state, slots=slots)


async def edit_form(view: dict[str, Any], deps: Deps, meta: ModalMeta) -> View:
    booking, state = await edit_state(view, deps)
    return edit_view(booking, state, meta)


async def on_edit_submit(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    meta = ModalMeta.load(view.get("private_metadata"))
    try:
        await require(
            deps,
            team_id=team_id,
            user_id=user_id,
            permission=Permission.EDIT,
            booking_number=meta.booking,
        )
        booking, state = await edit_state(view, deps)
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={B.NOTES: denied.message[:150]})
        return
    except Exception as error:
        await ack(response_action="update", view=message_view(TITLE, user_message(error)))
        return
    chosen, errors = validate_booking(state, today=deps.today(), now=deps.clock.now())
    if chosen is not None and chosen.slot.value == current_slot(booking):
        errors.pop(B.SLOT, None)  # keeping a time that has started is fine
    if errors or chosen is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Saving in Bookeo…"),
    )

    async def rest() -> None:
        modal = OpenModal(client, view["id"], None)
        old_people = {
            n.people_category_id: n.number for n in booking.participants.numbers if n.number
        }
        moved = chosen.slot.value != current_slot(booking)
        resized = chosen.people != old_people
        changes: list[str] = []
        try:
            if moved or resized:
                fresh = await deps.bookeo.bookings.get(booking.booking_number)
                update: dict[str, Any] = {
                    "participants": Participants(
                        numbers=[
                            PeopleNumber(people_category_id=c, number=n)
                            for c, n in chosen.people.items()
                        ]
                    )
                }
                if chosen.slot.value.startswith("e:"):
                    update["event_id"] = chosen.slot.value[2:]
                    update["start_time"] = None
                    update["end_time"] = None
                else:
                    update["start_time"] = datetime.fromisoformat(chosen.slot.value[2:])
                    update["end_time"] = None
                body_ = fresh.to_update().model_copy(update=update)
                await deps.bookeo.bookings.update(
                    booking.booking_number, body_, notify_customer=False
                )
        except Exception as error:
            await audit(
                deps,
                team_id=team_id,
                user_id=user_id,
                action="edit",
                booking_number=booking.booking_number,
                outcome="failed",
                detail=str(error)[:500],
            )
            await modal.show(message_view(TITLE, user_message(error, write=True)))
            return
        categories = {c.id: c.name for c in state.categories.values()}
        if moved:
            changes.append(
                f"moved from {when(booking.start_time, booking.end_time, deps.tz)} "
                f"to {when(chosen.slot.start, chosen.slot.end, deps.tz)}"
            )
        if resized:
            changes.append(
                f"party {party(booking, categories)} → "
                + party(
                    booking.model_copy(
                        update={
                            "participants": Participants(
                                numbers=[
                                    PeopleNumber(people_category_id=c, number=n)
                                    for c, n in chosen.people.items()
                                ]
                            )
                        }
                    ),
                    categories,
                )
            )
        old_notes = await deps.store.note(booking.booking_number) or ""
        if chosen.notes != old_notes.strip():
            await deps.store.set_note(
                booking.booking_number, chosen.notes, by=user_id, at=deps.clock.now()
            )
            changes.append("notes updated" if chosen.notes else "notes cleared")
        if not changes:
            await modal.show(message_view(TITLE, "Nothing changed."))
            return
        summary = "; ".join(changes)
        await audit(
            deps,
            team_id=team_id,
            user_id=user_id,
            action="edit",
            booking_number=booking.booking_number,
            outcome="ok",
            detail=summary,
        )
        updated = await refresh_card(
            client,
            deps,
            meta,
            team_id=team_id,
            user_id=user_id,
            line=f":pencil2: <@{user_id}> {escape(summary)}.",
        )
        text = f":white_check_mark: Booking {escape(booking.booking_number)}: {escape(summary)}."
        if updated is None:
            await modal.show(message_view(TITLE, text))
            return
        options = await card_options(deps, team_id, user_id, in_channel=False)
        await modal.show(
            result_view(TITLE, text, updated, replace(options, notes=chosen.notes or None))
        )

    after_ack(deps, client, body, rest(), name="edit")
