"""Move a booking, change its party, edit its notes. Bookeo's PUT is a full replacement, so
the booking is re-read, the change merged, and the whole booking sent."""

from __future__ import annotations

from typing import Any

from bot.bookeo.models import Participants, PeopleNumber
from bot.ops.actor import Actor
from bot.ops.bookings._services import Services
from bot.ops.bookings.reads import reread
from bot.ops.forms import EditForm
from bot.ops.outcomes import Edited, EditOutcome, Failed, Unchanged
from bot.permissions import Permission
from bot.slots import EventSlot, Slot, slot_of
from bot.wording import party, when


def participants(people: dict[str, int]) -> Participants:
    return Participants(
        numbers=[PeopleNumber(people_category_id=c, number=n) for c, n in people.items()]
    )


def held_in(slot: Slot) -> dict[str, Any]:
    """The fields of a booking update that hold it in `slot` (sent with every change, as
    Bookeo derives the end from the start)."""
    if isinstance(slot, EventSlot):
        return {"event_id": slot.event_id, "start_time": None, "end_time": None}
    return {"start_time": slot.start, "end_time": None}


async def edit(s: Services, actor: Actor, form: EditForm) -> EditOutcome:
    booking = form.booking
    number = booking.booking_number
    await s.access.require(actor, Permission.EDIT, booking_number=number)
    old_people = {n.people_category_id: n.number for n in booking.participants.numbers if n.number}
    moved = form.slot.slot != slot_of(booking)
    resized = form.people != old_people
    old_notes = (await s.store.note(number) or "").strip()
    renoted = form.notes != old_notes
    if not (moved or resized or renoted):
        return Unchanged()
    # Said before Bookeo's webhook can come: who, and what the edit changes (the relay's
    # line says "notes updated" from it, as notes live in the bot, not in Bookeo).
    summary = await _summary(s, form, moved=moved, resized=resized, renoted=renoted)
    ahead = await s.access.announce(actor, "edit", number, detail=summary)
    async with s.access.audited(actor, "edit", number, ahead=ahead) as audit:
        if moved or resized:
            try:
                fresh = await s.bookeo.bookings.get(number)
                # What the relay compares the change with when its cards never showed the
                # booking: its first line then says what changed, as for any other.
                await s.store.relay.keep_baseline(
                    number, fresh.model_dump_json(by_alias=True), at=s.clock.now()
                )
                update = {"participants": participants(form.people), **held_in(form.slot.slot)}
                body = fresh.to_update().model_copy(update=update)
                await s.bookeo.bookings.update(number, body, notify_customer=False)
            except Exception as error:
                audit.failure = error
                return Failed(error)
        if renoted:
            await s.store.set_note(number, form.notes, by=actor.user_id, at=s.clock.now())
            # No webhook comes for notes (Bookeo does not hold them): the relay is told.
            await s.store.relay.notes_changed(number, at=s.clock.now())
        audit.detail = summary
    return Edited(audit.detail, number, await reread(s, number), form.notes)


async def _summary(
    s: Services, form: EditForm, *, moved: bool, resized: bool, renoted: bool
) -> str:
    """How the booking changed, in words for its thread and the audit log."""
    booking = form.booking
    changes: list[str] = []
    if moved:
        changes.append(
            f"moved from {when(booking.start_time, booking.end_time, s.tz)} "
            f"to {when(form.slot.start, form.slot.end, s.tz)}"
        )
    if resized:
        names = await s.catalog.category_names()
        resized_booking = booking.model_copy(update={"participants": participants(form.people)})
        changes.append(f"party {party(booking, names)} → {party(resized_booking, names)}")
    if renoted:
        changes.append("notes updated" if form.notes else "notes cleared")
    return "; ".join(changes)
