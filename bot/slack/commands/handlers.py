"""`/bookeo …`: acknowledge at once, then look things up and answer through `respond`."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.catalog import AmbiguousProduct, UnknownProduct
from bot.ops import Actor
from bot.permissions import Permission, allows
from bot.roster import fetch_roster
from bot.slack import modals
from bot.slack.commands.parser import (
    CustomerLookup,
    Find,
    Help,
    ListRoles,
    ListSubscriptions,
    New,
    OnBooking,
    OnCall,
    Parsed,
    Roster,
    SetDigest,
    SetReminder,
    SetRole,
    Status,
    Subscribe,
    Unsubscribe,
    UsageError,
    parse,
)
from bot.slack.commands.relay import answer_relay
from bot.slack.commands.timed_posts import answer_timed_post
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.permissions import audit, require, role_of
from bot.slack.runner import after_ack
from bot.slack.text import escape
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.lists import (
    customer_view,
    help_blocks,
    payments_view,
    pick_list,
    roles_blocks,
    roster_messages,
)

log = logging.getLogger("bot.slack.commands")
SANDBOX_NOTE = ":test_tube: _Running on the Bookeo sandbox: made-up data._"


async def on_bookeo(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    """Every `/bookeo` invocation. The ack goes out before any Bookeo or database call."""
    text = command.get("text") or ""
    try:
        parsed = parse(text)
    except UsageError as error:
        usage = f"\nUsage: `{error.usage}`" if error.usage else "\nSee `/bookeo help`."
        await ack(response_type="ephemeral", text=f"{error.message}{usage}")
        if deps.metrics is not None:
            deps.metrics.commands.labels("unknown", "usage_error").inc()
        return
    if isinstance(parsed, New | OnBooking) and parsed_opens_modal(parsed):
        # A trigger_id lives 3 s: ack, then open the loading modal before anything else.
        await ack()
        work = modals.open_for_command(
            parsed, command=command, client=client, deps=deps, actor=actor
        )
    else:
        await ack(response_type="ephemeral", text=_progress(parsed))
        work = answer(parsed, command=command, respond=respond, client=client, deps=deps)
    after_ack(
        deps,
        client,
        command,
        _counted(work, type(parsed).__name__.lower(), deps),
        name=f"bookeo {text[:20]}",
    )


async def _counted(work: Coroutine[Any, Any, None], name: str, deps: Deps) -> None:
    outcome = "failed"
    try:
        await work
        outcome = "ok"
    finally:
        if deps.metrics is not None:
            deps.metrics.commands.labels(name, outcome).inc()


def parsed_opens_modal(parsed: Parsed) -> bool:
    return isinstance(parsed, New) or (
        isinstance(parsed, OnBooking) and parsed.verb in ("edit", "cancel", "pay")
    )


def _progress(parsed: Parsed) -> str:
    if isinstance(parsed, Find):
        return f":mag: Looking up {escape(parsed.query)}…"
    if isinstance(parsed, Roster):
        return f":calendar: Loading {parsed.label.lower()}'s schedule…"
    return ":hourglass_flowing_sand: One moment…"


async def answer(
    parsed: Parsed,
    *,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    team, user = command["team_id"], command["user_id"]
    role = await role_of(deps, team, user)
    note = [SANDBOX_NOTE] if deps.on_sandbox else []
    if isinstance(parsed, Help):
        await respond(
            replace_original=True,
            text="\n".join(["/bookeo help", *note]),
            blocks=[b.to_dict() for b in help_blocks(role)],
        )
        return
    if isinstance(parsed, Find):
        await _find(
            parsed.query,
            respond=respond,
            deps=deps,
            show_contacts=allows(role, Permission.SEE_CONTACTS),
        )
        return
    if isinstance(parsed, Roster):
        await _roster(parsed, respond=respond, deps=deps)
        return
    if isinstance(parsed, OnBooking) and parsed.verb == "payments":
        booking = await deps.bookeo.bookings.get(parsed.booking_number)
        payments = await deps.bookeo.bookings.payments(parsed.booking_number).to_list()
        await respond(
            replace_original=True,
            text=f"Payments for booking {booking.booking_number}",
            blocks=[b.to_dict() for b in payments_view(booking, payments, tz=deps.tz)],
        )
        return
    if isinstance(parsed, CustomerLookup):
        await _customer(
            parsed.query,
            respond=respond,
            deps=deps,
            show_contacts=allows(role, Permission.SEE_CONTACTS),
        )
        return
    if isinstance(parsed, SetRole):
        await require(deps, team_id=team, user_id=user, permission=Permission.MANAGE_ROLES)
        await deps.store.set_role(
            team, parsed.user_id, parsed.role, granted_by=user, at=deps.clock.now()
        )
        await audit(
            deps,
            team_id=team,
            user_id=user,
            action="set_role",
            booking_number=None,
            outcome="ok",
            detail=f"{parsed.user_id} → {parsed.role.value}",
        )
        await respond(
            replace_original=True,
            text=f":white_check_mark: <@{parsed.user_id}> is now *{parsed.role.value}*.",
        )
        return
    if isinstance(parsed, ListRoles):
        assigned = await deps.store.roles(team)
        await respond(
            replace_original=True,
            text="Roles",
            blocks=[b.to_dict() for b in roles_blocks(assigned, deps.settings.bot_admins)],
        )
        return
    if isinstance(parsed, Subscribe | Unsubscribe | ListSubscriptions | Status | OnCall):
        await answer_relay(parsed, command=command, respond=respond, client=client, deps=deps)
        return
    if isinstance(parsed, SetDigest | SetReminder):
        await answer_timed_post(parsed, command=command, respond=respond, client=client, deps=deps)
        return
    raise UserFacingError("That command is not available here.")


async def _find(query: str, *, respond: AsyncRespond, deps: Deps, show_contacts: bool) -> None:
    result = await deps.lookup.find(query, today=deps.today())
    if not result.bookings:
        hint = "" if result.customers else " Try part of a name, an email or a phone number."
        found = (
            f" ({len(result.customers)} customer(s) found, without bookings)"
            if result.customers
            else ""
        )
        await respond(
            replace_original=True, text=f":mag: No booking matches *{escape(query)}*{found}.{hint}"
        )
        return
    if len(result.bookings) == 1:
        await respond_card(
            result.bookings[0], respond=respond, deps=deps, show_contacts=show_contacts
        )
        return
    blocks = pick_list(result.bookings, query=query, tz=deps.tz, truncated=result.truncated)
    await respond(
        replace_original=True,
        text=f"{len(result.bookings)} bookings match {query}",
        blocks=[b.to_dict() for b in blocks],
    )


async def respond_card(
    booking: Booking, *, respond: AsyncRespond, deps: Deps, show_contacts: bool
) -> None:
    categories = await deps.catalog.category_names()
    options = CardOptions(
        tz=deps.tz, categories=categories, show_contacts=show_contacts, shareable=True
    )
    await respond(
        replace_original=True,
        text=card_text(booking, options),
        blocks=[b.to_dict() for b in booking_card(booking, options)],
    )


async def _roster(parsed: Roster, *, respond: AsyncRespond, deps: Deps) -> None:
    product = None
    if parsed.product:
        try:
            product = await deps.catalog.match(parsed.product)
        except (AmbiguousProduct, UnknownProduct) as error:
            raise UserFacingError(f":grey_question: {error}") from None
    first_day = deps.today() + timedelta(days=parsed.offset)
    groups = await fetch_roster(
        deps.bookeo,
        await deps.catalog.products(),
        first_day=first_day,
        days=parsed.days,
        tz=deps.tz,
        product=product,
    )
    last_day = first_day + timedelta(days=parsed.days - 1)
    span = f"{first_day:%a %d %b}" + (f" – {last_day:%a %d %b}" if parsed.days > 1 else "")
    title = f"{parsed.label} · {span}" + (f" · {product.name}" if product else "")
    categories = await deps.catalog.category_names()
    messages = roster_messages(groups, title=title, tz=deps.tz, categories=categories)
    for index, blocks in enumerate(messages):
        await respond(replace_original=index == 0, text=title, blocks=[b.to_dict() for b in blocks])


async def _customer(query: str, *, respond: AsyncRespond, deps: Deps, show_contacts: bool) -> None:
    if "@" in query:
        matches = await deps.bookeo.customers.search(query, field="emailAddress").to_list(limit=2)
        if not matches:
            raise UserFacingError(f":mag: No customer has the email {escape(query)}.")
        customer = matches[0]
    else:
        customer = await deps.bookeo.bookings.customer(query)
    bookings = await deps.lookup.bookings_of(customer, today=deps.today())
    await respond(
        replace_original=True,
        text=customer.full_name,
        blocks=[
            b.to_dict()
            for b in customer_view(customer, bookings, tz=deps.tz, show_contacts=show_contacts)
        ],
    )
