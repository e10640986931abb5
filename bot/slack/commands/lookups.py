"""The read-only subcommands: find, today / tomorrow / upcoming, payments, customer."""

from __future__ import annotations

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.bookeo.models import Booking
from bot.ops.lookups import RosterDays
from bot.permissions import Permission
from bot.slack.commands.call import Call
from bot.slack.commands.parser import CustomerLookup, Find, OnBooking, Roster
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.modals.common import booking_card_options, course_ids
from bot.slack.text import escape, plural
from bot.slack.views.cards import booking_card, card_text
from bot.slack.views.lists import customer_view, payments_view, pick_list, roster_messages


async def run_find(request: Find, call: Call) -> None:
    query = request.query
    result = await call.deps.lookups.find(call.actor, query)
    if not result.bookings:
        hint = "" if result.customers else " Try part of a name, an email or a phone number."
        found = (
            f" ({plural(len(result.customers), 'customer')} found, without bookings)"
            if result.customers
            else ""
        )
        await call.say(f":mag: No booking matches *{escape(query)}*{found}.{hint}")
        return
    if len(result.bookings) == 1:
        show_contacts = call.actor.may(Permission.SEE_CONTACTS)
        await respond_card(
            result.bookings[0], respond=call.respond, deps=call.deps, show_contacts=show_contacts
        )
        return
    courses = await course_ids(call.deps)
    blocks = pick_list(
        result.bookings, query=query, tz=call.deps.tz, truncated=result.truncated, courses=courses
    )
    await call.say(f"{len(result.bookings)} bookings match {query}", blocks)


async def respond_card(
    booking: Booking, *, respond: AsyncRespond, deps: Deps, show_contacts: bool
) -> None:
    """A booking's card as the answer to whoever asked (ephemeral, with a Share button)."""
    options = await booking_card_options(deps, booking, show_contacts=show_contacts, shareable=True)
    await respond(
        replace_original=True,
        text=card_text(booking, options),
        blocks=[b.to_dict() for b in booking_card(booking, options)],
    )


async def run_roster(request: Roster, call: Call) -> None:
    roster = await call.deps.lookups.roster(
        call.actor, offset=request.offset, days=request.days, product=request.product
    )
    title = roster_title(request.label, roster)
    categories = await call.deps.catalog.category_names()
    messages = roster_messages(roster.groups, title=title, tz=call.deps.tz, categories=categories)
    for index, blocks in enumerate(messages):
        await call.say(title, blocks, replace=index == 0)


def roster_title(label: str, roster: RosterDays) -> str:
    span = f"{roster.first_day:%a %d %b}" + (
        f" – {roster.last_day:%a %d %b}" if roster.days > 1 else ""
    )
    return f"{label} · {span}" + (f" · {roster.product.name}" if roster.product else "")


async def run_payments(request: OnBooking, call: Call) -> None:
    found = await call.deps.lookups.payments(call.actor, request.booking_number)
    blocks = payments_view(found.booking, found.payments, tz=call.deps.tz)
    await call.say(f"Payments for booking {found.booking.booking_number}", blocks)


async def run_customer(request: CustomerLookup, call: Call) -> None:
    found = await call.deps.lookups.customer(call.actor, request.query)
    if found is None:
        raise UserFacingError(f":mag: No customer has the email {escape(request.query)}.")
    blocks = customer_view(
        found.customer,
        found.bookings,
        tz=call.deps.tz,
        show_contacts=call.actor.may(Permission.SEE_CONTACTS),
        courses=await course_ids(call.deps),
    )
    await call.say(found.customer.full_name, blocks)
