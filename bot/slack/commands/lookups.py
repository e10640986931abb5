"""The read-only subcommands: find, today / tomorrow / upcoming, payments, customer."""

from __future__ import annotations

import json

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.blocks import Block

from bot.bookeo.models import Booking
from bot.lookup import FindResult
from bot.ops import Actor
from bot.ops.lookups import CustomerBookings, RosterDays
from bot.permissions import Permission
from bot.relay.actors import payment_users
from bot.slack.commands.call import Call
from bot.slack.commands.parser import CustomerLookup, Find, OnBooking, Roster
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.modals.common import booking_card_options, course_ids
from bot.slack.text import escape, plural
from bot.slack.views.cards import booking_card, card_text
from bot.slack.views.lists import customer_view, payments_view, pick_list, roster_messages

MAX_OFFSET = 10_000  # a Show more button's offset; more is not a page anyone asked for


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
    if result.total == 1:
        show_contacts = call.actor.may(Permission.SEE_CONTACTS)
        await respond_card(
            result.bookings[0],
            respond=call.respond,
            deps=call.deps,
            show_contacts=show_contacts,
            replace=False,  # a command's answer replaces nothing (commands/handlers.py)
        )
        return
    await call.say(*find_page(result, query, call.deps, await course_ids(call.deps)))


def more_value(kind: str, query: str, offset: int) -> str:
    """The Show more button's value: what to look up again and from where."""
    return json.dumps({"k": kind, "q": query, "o": offset}, ensure_ascii=False)


def read_more(value: str) -> tuple[str, str, int] | None:
    """(kind, query, offset) from a Show more button's value; None if it is not one."""
    try:
        data = json.loads(value)
        kind, query, offset = data["k"], data["q"], data["o"]
    except (ValueError, KeyError, TypeError):
        return None
    if kind not in ("find", "customer") or not isinstance(query, str):
        return None
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET or len(query) > 200:
        return None
    return kind, query, offset


def find_page(
    result: FindResult, query: str, deps: Deps, courses: frozenset[str]
) -> tuple[str, list[Block]]:
    """A page of matches, with a Show more button when there are more."""
    after = result.offset + len(result.bookings)
    more = more_value("find", query, after) if result.truncated else None
    blocks = pick_list(
        result.bookings,
        query=query,
        tz=deps.tz,
        courses=courses,
        total=result.total,
        offset=result.offset,
        more=more,
    )
    return f"{plural(result.total, 'booking')} match {escape(query)}", blocks


def customer_page(
    found: CustomerBookings, query: str, deps: Deps, actor: Actor, courses: frozenset[str]
) -> list[Block]:
    after = found.offset + len(found.bookings)
    return customer_view(
        found.customer,
        found.bookings,
        tz=deps.tz,
        show_contacts=actor.may(Permission.SEE_CONTACTS),
        courses=courses,
        total=found.total,
        offset=found.offset,
        more=more_value("customer", query, after) if found.more else None,
    )


async def respond_card(
    booking: Booking,
    *,
    respond: AsyncRespond,
    deps: Deps,
    show_contacts: bool,
    replace: bool = True,
) -> None:
    """A booking's card as the answer to whoever asked (ephemeral, with a Share button), in
    place of the message whose button was pressed unless `replace` is False."""
    options = await booking_card_options(deps, booking, show_contacts=show_contacts, shareable=True)
    await respond(
        replace_original=replace,
        text=card_text(booking, options),
        blocks=[b.to_dict() for b in booking_card(booking, options)],
    )


async def run_roster(request: Roster, call: Call) -> None:
    roster = await call.deps.lookups.roster(
        call.actor, offset=request.offset, days=request.days, product=request.product
    )
    title = roster_title(request.label, roster)
    categories = await call.deps.catalog.category_names()
    messages = roster_messages(
        roster.groups,
        title=title,
        tz=call.deps.tz,
        categories=categories,
        locale=call.deps.locale,
    )
    for blocks in messages:
        await call.say(title, blocks)


def roster_title(label: str, roster: RosterDays) -> str:
    span = f"{roster.first_day:%a %d %b}" + (
        f" – {roster.last_day:%a %d %b}" if roster.days > 1 else ""
    )
    return f"{label} · {span}" + (f" · {roster.product.name}" if roster.product else "")


async def run_payments(request: OnBooking, call: Call) -> None:
    found = await call.deps.lookups.payments(call.actor, request.booking_number)
    audit = await call.deps.bookings.history(found.booking)
    locale = call.deps.locale
    blocks = payments_view(
        found.booking,
        found.payments,
        tz=call.deps.tz,
        locale=locale,
        recorded_by=payment_users(audit, found.payments, locale=locale),
    )
    await call.say(f"Payments for booking {found.booking.booking_number}", blocks)


async def run_customer(request: CustomerLookup, call: Call) -> None:
    found = await call.deps.lookups.customer(call.actor, request.query)
    if found is None:
        raise UserFacingError(f":mag: No customer has the email {escape(request.query)}.")
    blocks = customer_page(found, request.query, call.deps, call.actor, await course_ids(call.deps))
    await call.say(found.customer.full_name, blocks)
