"""Make a booking, once per form: the external reference finds it again if the answer is lost."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.bookeo import BookeoError
from bot.bookeo.models import (
    Booking,
    NewBooking,
    NewCustomer,
    Participants,
    PeopleNumber,
    PhoneNumber,
)
from bot.ops.actor import Actor
from bot.ops.bookings._services import Services
from bot.ops.bookings.settle import claim_of, summary
from bot.ops.forms import CreateForm, NewCustomerForm
from bot.ops.idempotent import Checked, Write, Written
from bot.ops.outcomes import Created, CreateOutcome, Failed, Repeat
from bot.permissions import Permission
from bot.refs import bot_ref
from bot.slots import EventSlot, TimeSlot

log = logging.getLogger("bot.ops.bookings")

EARLIER_CHECK_SECONDS = 2.0  # asked inside a view submission, which Slack waits 3 s for
LOOK_AROUND = timedelta(minutes=1)  # Bookeo's change times and ours differ a little


def create_key(form_key: str) -> str:
    return f"create:{form_key}"


def new_booking(form: CreateForm) -> NewBooking:
    """What Bookeo is asked to make for `form`."""
    slot = form.slot.slot
    return NewBooking(
        product_id=form.product.product_id,
        event_id=slot.event_id if isinstance(slot, EventSlot) else None,
        start_time=slot.start if isinstance(slot, TimeSlot) else None,
        participants=Participants(
            numbers=[PeopleNumber(people_category_id=c, number=n) for c, n in form.people.items()]
        ),
        customer_id=form.customer_id,
        customer=_new_customer(form.new_customer) if form.new_customer else None,
        external_ref=bot_ref(form.key),
    )


def _new_customer(customer: NewCustomerForm) -> NewCustomer:
    return NewCustomer(
        first_name=customer.first_name,
        last_name=customer.last_name,
        email_address=customer.email or None,
        phone_numbers=[PhoneNumber(number=customer.phone)] if customer.phone else None,
    )


def _write(s: Services, form_key: str, form: CreateForm | None) -> Write[Booking]:
    async def call() -> Booking:
        assert form is not None
        return await s.bookeo.bookings.create(
            new_booking(form), notify_customer=form.notify_customer, notify_users=False
        )

    async def look_up(since: datetime) -> Booking | None:
        return await s.bookeo.bookings.find_by_external_ref(
            bot_ref(form_key),
            changed_since=since - LOOK_AROUND,
            until=s.clock.now() + LOOK_AROUND,
        )

    return Write(
        key=create_key(form_key),
        call=call,
        look_up=look_up,
        booking_number=lambda booking: booking.booking_number,
    )


async def earlier_create(s: Services, actor: Actor, form_key: str) -> Repeat | None:
    """What became of an earlier submission of this form (asked within the ack's budget)."""
    await s.access.require(actor, Permission.CREATE)
    return await s.writes.earlier(_write(s, form_key, None), budget=EARLIER_CHECK_SECONDS)


async def claim_create(
    s: Services, actor: Actor, form: CreateForm, *, view_id: str | None = None
) -> Repeat | None:
    """Claim this form for one create, keeping what finishing it needs after a crash; None
    when it is ours, else what holds it."""
    await s.access.require(actor, Permission.CREATE)
    kept = claim_of(actor, form, view_id=view_id).model_dump_json()
    return await s.writes.claim(create_key(form.key), form=kept)


async def create(
    s: Services, actor: Actor, form: CreateForm, *, checking: Checked | None = None
) -> CreateOutcome:
    """Make the booking of a claimed form, keep its notes, and read it back. `checking` is
    awaited when Bookeo's answer was lost and the bot looks again."""
    await s.access.require(actor, Permission.CREATE)
    write = _write(s, form.key, form)
    # Audited ahead: Bookeo's webhook of the new booking may arrive before its answer, and the
    # relay finds the person by the external reference the create sends.
    try:
        ahead = await s.access.announce(
            actor, "create", external_ref=bot_ref(form.key), detail=summary(form)
        )
    except Exception as error:  # the row cannot be written: nothing is sent, the form is free
        await s.writes.release(write)
        return Failed(error)
    async with s.access.audited(actor, "create", ahead=ahead, detail=summary(form)) as audit:
        result = await s.writes.run(write, checking=checking)
        if not isinstance(result, Written):
            audit.failure = result.error
            return result
        booking = result.value
        number = booking.booking_number
        audit.booking_number = number
        audit.detail = summary(form)
        if form.notes:
            await s.store.set_note(number, form.notes, by=actor.user_id, at=s.clock.now())
            # Bookeo's webhook may have come first, its card without them: refreshed.
            await s.store.relay.notes_changed(number, at=s.clock.now())
    try:
        booking = await s.bookeo.bookings.get(number, expand_customer=True)
        if booking.customer is not None:
            await s.indexer.index(booking.customer)
    except BookeoError:
        log.warning("created booking %s but could not re-read it", number)
    return Created(booking, form.notes)
