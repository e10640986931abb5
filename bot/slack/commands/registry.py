"""Every `/bookeo` subcommand, one entry each: its name, usage and summary (the help text),
its argument parser, its runner, the permission it needs, and whether it opens a modal.

`/bookeo help`, the parser, the `/bookeo` listener and the manifest test all read
`SUBCOMMANDS`; adding a subcommand is one entry here plus the operation its runner calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.permissions import Permission
from bot.slack.commands import bookings, lookups, relay, roles, timed_posts
from bot.slack.commands.call import Call
from bot.slack.commands.parser import (
    MAX_DAYS,
    Changing,
    Find,
    Help,
    ListRoles,
    ListSubscriptions,
    Request,
    Roster,
    Status,
    no_arguments,
    parse_booking,
    parse_customer,
    parse_day,
    parse_digest,
    parse_find,
    parse_help,
    parse_new,
    parse_oncall,
    parse_remind,
    parse_role,
    parse_subscribe,
    parse_unsubscribe,
    parse_upcoming,
    parse_with,
)
from bot.slack.text import escape
from bot.slack.views.lists import help_blocks

R = TypeVar("R", bound=Request)
SANDBOX_NOTE = ":test_tube: _Running on the Bookeo sandbox: made-up data._"
ONE_MOMENT = ":hourglass_flowing_sand: One moment…"


@dataclass(frozen=True)
class Subcommand(Generic[R]):
    name: str
    # What follows `/bookeo ` in the help text and in usage errors. Slack reads `<…|…>` as a
    # link even in code, so a required argument is written ‹like this› (tested).
    usage: str
    summary: str
    example: str  # a whole `/bookeo …` line; it parses (tested)
    parse: Callable[[str, list[str]], R]  # (name, words after it) → request, or UsageError
    run: Callable[[R, Call], Awaitable[None]]
    # Checked before the runner (and again by the operation). A modal checks it itself once
    # open — the trigger_id cannot wait — so `requires` there says what the modal will ask.
    requires: Permission | Callable[[R], Permission | None] | None = None
    opens_modal: bool = False  # acknowledged empty: the modal is the answer
    # Said when the answer is slow (the ack itself is empty); "One moment…" if None.
    progress: Callable[[R], str] | None = None

    def permission_for(self, request: R) -> Permission | None:
        if self.requires is None or isinstance(self.requires, Permission):
            return self.requires
        return self.requires(request)

    def ack_text(self, request: R) -> str:
        return self.progress(request) if self.progress is not None else ONE_MOMENT

    async def invoke(self, request: R, call: Call) -> None:
        """Check the permission (audited when denied), then run."""
        permission = self.permission_for(request)
        if permission is not None and not self.opens_modal:
            await call.deps.access.require(call.actor, permission)
        await self.run(request, call)


def when_changing(permission: Permission) -> Callable[[Changing], Permission | None]:
    """Showing a setting is for anyone; changing it needs `permission`."""
    return lambda request: permission if request.changes else None


async def run_help(_request: Help, call: Call) -> None:
    note = [SANDBOX_NOTE] if call.deps.on_sandbox else []
    await call.say("\n".join(["/bookeo help", *note]), help_blocks(call.actor.role, SUBCOMMANDS))


def _looking_up(request: Find) -> str:
    return f":mag: Looking up {escape(request.query)}…"


def _loading(request: Roster) -> str:
    return f":calendar: Loading {request.label.lower()}'s schedule…"


CHANNEL = Permission.MANAGE_CHANNELS

SUBCOMMANDS: tuple[Subcommand[Any], ...] = (
    Subcommand(
        "find",
        "find ‹booking number | name | email | phone›",
        "look a booking up (also just `/bookeo 1234`)",
        "/bookeo find ada@example.com",
        parse_find,
        lookups.run_find,
        requires=Permission.LOOKUP,
        progress=_looking_up,
    ),
    Subcommand(
        "today",
        "today [product]",
        "today's schedule, by slot",
        "/bookeo today kayak",
        parse_day,
        lookups.run_roster,
        requires=Permission.LOOKUP,
        progress=_loading,
    ),
    Subcommand(
        "tomorrow",
        "tomorrow [product]",
        "tomorrow's schedule",
        "/bookeo tomorrow",
        parse_day,
        lookups.run_roster,
        requires=Permission.LOOKUP,
        progress=_loading,
    ),
    Subcommand(
        "upcoming",
        "upcoming [N days] [product]",
        f"the next N days (default 7, at most {MAX_DAYS})",
        "/bookeo upcoming 3 days walking",
        parse_upcoming,
        lookups.run_roster,
        requires=Permission.LOOKUP,
        progress=_loading,
    ),
    Subcommand(
        "new",
        "new [product]",
        "create a booking",
        "/bookeo new Sunset Kayak",
        parse_new,
        bookings.run_new,
        requires=Permission.CREATE,
        opens_modal=True,
    ),
    Subcommand(
        "edit",
        "edit ‹booking›",
        "move, resize or annotate a booking",
        "/bookeo edit 1234",
        parse_booking,
        bookings.run_edit,
        requires=Permission.EDIT,
        opens_modal=True,
    ),
    Subcommand(
        "cancel",
        "cancel ‹booking›",
        "cancel a booking",
        "/bookeo cancel 1234",
        parse_booking,
        bookings.run_cancel,
        requires=Permission.CANCEL,
        opens_modal=True,
    ),
    Subcommand(
        "pay",
        "pay ‹booking›",
        "record a payment or refund",
        "/bookeo pay 1234",
        parse_booking,
        bookings.run_pay,
        requires=Permission.PAY,
        opens_modal=True,
    ),
    Subcommand(
        "payments",
        "payments ‹booking›",
        "payments received and the balance due",
        "/bookeo payments 1234",
        parse_booking,
        lookups.run_payments,
        requires=Permission.LOOKUP,
    ),
    Subcommand(
        "customer",
        "customer ‹booking | email›",
        "a customer and their bookings",
        "/bookeo customer 1234",
        parse_customer,
        lookups.run_customer,
        requires=Permission.LOOKUP,
    ),
    Subcommand(
        "role",
        "role @user viewer|staff|cashier|admin [confirm]",
        "set someone's role (admins)",
        "/bookeo role @sam cashier",
        parse_role,
        roles.run_set_role,
        requires=Permission.MANAGE_ROLES,
    ),
    Subcommand(
        "roles",
        "roles",
        "who has which role",
        "/bookeo roles",
        no_arguments(ListRoles),
        roles.run_roles,
        requires=Permission.LOOKUP,
    ),
    Subcommand(
        "subscribe",
        'subscribe [created,changed,canceled,payments] [product:"…"] '
        "[within:48h] [quiet:22:00-07:00] [broadcast:off] [urgent:6h|off]",
        "post booking changes in this channel (admins)",
        '/bookeo subscribe created,canceled product:"Sunset Kayak" within:48h',
        parse_subscribe,
        relay.run_subscribe,
        requires=CHANNEL,
    ),
    Subcommand(
        "unsubscribe",
        "unsubscribe [all | ID]",
        "stop them (admins)",
        "/bookeo unsubscribe",
        parse_unsubscribe,
        relay.run_unsubscribe,
        requires=CHANNEL,
    ),
    Subcommand(
        "subscriptions",
        "subscriptions",
        "what this channel gets",
        "/bookeo subscriptions",
        no_arguments(ListSubscriptions),
        relay.run_subscriptions,
        requires=Permission.LOOKUP,
    ),
    Subcommand(
        "status",
        "status",
        "the relay: last delivery, backlog, webhooks",
        "/bookeo status",
        no_arguments(Status),
        relay.run_status,
        requires=Permission.LOOKUP,
    ),
    Subcommand(
        "oncall",
        "oncall [@user | @group]",
        "who is paged for urgent changes (admins set it)",
        "/bookeo oncall @sam",
        parse_oncall,
        relay.run_oncall,
        requires=when_changing(CHANNEL),
    ),
    Subcommand(
        "digest",
        'digest HH:MM [product:"…"] [always] | off',
        "today's roster in this channel each morning (admins)",
        '/bookeo digest 08:00 product:"Sunset Kayak"',
        parse_digest,
        timed_posts.run_digest,
        requires=when_changing(CHANNEL),
    ),
    Subcommand(
        "remind",
        'remind 30m [product:"…"] | off',
        "a note in this channel before each slot starts (admins)",
        "/bookeo remind 30m",
        parse_remind,
        timed_posts.run_remind,
        requires=when_changing(CHANNEL),
    ),
    Subcommand(
        "help",
        "help",
        "this list",
        "/bookeo help",
        parse_help,
        run_help,
        requires=Permission.LOOKUP,
    ),
)
BY_NAME: dict[str, Subcommand[Any]] = {s.name: s for s in SUBCOMMANDS}


def resolve(text: str) -> tuple[Subcommand[Any], Request]:
    """The subcommand the text after `/bookeo` names, and its request (or `UsageError`)."""
    name, request = parse_with(text, BY_NAME)
    return BY_NAME[name], request


def parse(text: str) -> Request:
    """The request the text after `/bookeo` makes (or `UsageError`)."""
    return resolve(text)[1]
