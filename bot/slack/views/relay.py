"""Subscriptions, relay status and the relay's own messages to channels and admins (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.bookeo.models import Booking, PeopleCategory, Webhook
from bot.party import booking_seats
from bot.records import Subscription
from bot.slack.text import amount, chunk_lines, clip, escape, plural, when

SUMMARY_LINES = 40  # bookings per summary message
MESSAGE_BLOCKS = 50


def describe(sub: Subscription) -> str:
    parts = [", ".join(sorted(sub.kinds))]
    if sub.product_name:
        parts.append(f"product *{escape(sub.product_name)}*")
    if sub.within_hours:
        parts.append(f"starting within {sub.within_hours} h")
    if sub.quiet:
        parts.append(f"quiet {sub.quiet}")
    if not sub.broadcast:
        parts.append("no broadcast")
    if sub.urgent_hours == 0:
        parts.append("never urgent")
    elif sub.urgent_hours is not None:
        parts.append(f"urgent within {sub.urgent_hours} h")
    line = f"`#{sub.id}` <#{sub.channel_id}>: " + " · ".join(parts)
    if sub.paused_reason:
        line += f" — :double_vertical_bar: *paused* (`{escape(sub.paused_reason)}`)"
    return line


def subscriptions_blocks(subs: list[Subscription], *, scope: str) -> list[Block]:
    if not subs:
        return [
            SectionBlock(
                text=f"No subscriptions {scope}. An admin can add one: `/bookeo subscribe`."
            )
        ]
    chunks = chunk_lines([f"*Subscriptions {scope}*", *(describe(s) for s in subs)])
    shown = chunks[: MESSAGE_BLOCKS - 2]
    listed = sum(chunk.count("\n") + 1 for chunk in shown) - 1
    more = [SectionBlock(text=f"…and {len(subs) - listed} more.")] if listed < len(subs) else []
    return [
        *(SectionBlock(text=chunk) for chunk in shown),
        *more,
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Remove one with `/bookeo unsubscribe ID`, or all of this channel's with "
                    "`/bookeo unsubscribe`."
                )
            ]
        ),
    ]


def status_blocks(
    *,
    last_received: datetime | None,
    backlog: dict[str, int],
    dead: list[tuple[str, str, str]],
    paused: list[Subscription],
    webhooks: list[Webhook] | None,
    rejected: int,
    tz: tzinfo,
) -> list[Block]:
    last = f"{last_received.astimezone(tz):%d %b %H:%M:%S}" if last_received else "never"
    facts = [
        f"*Last delivery from Bookeo:* {last}",
        f"*Waiting to be delivered:* {backlog.get('pending', 0)}"
        f" · *delivered:* {backlog.get('done', 0)} · *dead letters:* {backlog.get('dead', 0)}"
        f" · *refused (bad signature):* {rejected}",
    ]
    for message_id, kind, reason in dead:
        facts.append(
            f"• dead letter `{escape(message_id[:36])}` ({kind}): {escape(clip(reason, 200))}"
        )
    if paused:
        facts.append(
            "*Paused:* "
            + ", ".join(f"<#{s.channel_id}> (`{escape(s.paused_reason or '')}`)" for s in paused)
        )
    if webhooks is None:
        facts.append("*Webhooks:* could not ask Bookeo right now")
    elif not webhooks:
        facts.append("*Webhooks:* none registered — set PUBLIC_URL so the bot can register them")
    else:
        for hook in webhooks:
            state = (
                f":warning: blocked since {hook.blocked_time:%d %b %H:%M}"
                if hook.blocked_time
                else "ok"
            )
            facts.append(f"• `{hook.domain}/{hook.type}` → {escape(hook.url)} — {state}")
    return [SectionBlock(text=clip("\n".join(facts), 3000))]


class SummaryChange(Protocol):
    """A change, as the relay names it (bot.relay.changes.Change)."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def currency(self) -> str | None: ...


@dataclass(frozen=True)
class SummaryItem:
    """One booking's change in a summary: the booking as it is now, and what happened."""

    booking: Booking
    changes: Sequence[SummaryChange]


# What a summary counts, in the order it says them: a change's kind → its heading.
_HEADINGS = {
    "created": "new",
    "moved": "moved",
    "people": "changed",
    "customer": "changed",
    "updated": "changed",
    "canceled": "canceled",
    "paid": "payment",
    "refunded": "refund",
}
_COUNTED = ("new", "moved", "changed", "canceled", "payment", "refund")


def _heading(item: SummaryItem) -> str:
    """What a booking's change counts as: a cancellation outweighs the rest, then a new
    booking, then the first change named."""
    kinds = [c.kind for c in item.changes]
    for kind in ("canceled", "created"):
        if kind in kinds:
            return _HEADINGS[kind]
    return _HEADINGS.get(kinds[0], "changed") if kinds else "changed"


def summary_line(item: SummaryItem, tz: tzinfo, *, categories: dict[str, PeopleCategory]) -> str:
    """One booking in a summary; its headcount is the seats it takes (a "Family (2+2)" is
    four), counted as a slot, a digest, App Home and a reminder count it."""
    booking = item.booking
    people = booking_seats(booking, categories)
    said = "; ".join(c.text for c in item.changes)  # already mrkdwn, escaped
    return (
        f"• `{booking.booking_number}` {escape(booking.product_name or '')} · "
        f"{when(booking.start_time, booking.end_time, tz)} · "
        f"{plural(people, 'person', 'people')}" + (f" — {said}" if said else "")
    )


def summary_head(items: Sequence[SummaryItem], *, locale: str) -> str:
    """What happened, counted: "6 new bookings", or "3 new · 2 moved · 1 canceled ·
    2 payments (120.00 USD)"."""
    counts = Counter(_heading(i) for i in items)
    if set(counts) == {"new"}:
        return f"*{counts['new']} new booking{'' if counts['new'] == 1 else 's'}*"
    parts = []
    for heading in _COUNTED:
        n = counts.get(heading, 0)
        if not n:
            continue
        word = heading + ("s" if n != 1 and heading in ("payment", "refund") else "")
        part = f"{n} {word}"
        if heading in ("payment", "refund"):
            kind = "paid" if heading == "payment" else "refunded"
            totals: dict[str, Decimal] = {}
            for i in items:
                for c in i.changes:
                    if c.kind == kind and c.amount is not None and c.currency:
                        totals[c.currency] = totals.get(c.currency, Decimal(0)) + c.amount
            if totals:
                sums = (amount(v, k, locale=locale) for k, v in sorted(totals.items()))
                part += " (" + ", ".join(sums) + ")"
        parts.append(part)
    return f"*{plural(len(items), 'booking change')}:* " + " · ".join(parts)


def summary_messages(
    items: Sequence[SummaryItem],
    tz: tzinfo,
    *,
    locale: str,
    categories: dict[str, PeopleCategory],
) -> list[str]:
    """Many changes for one channel, to bookings it has no card of, listed instead of a card
    each (each booking once, with what happened to it): a few messages of up to
    SUMMARY_LINES lines, the first with the counts (amounts in the business's `locale`,
    people by the seats their `categories` take)."""
    lines = [summary_line(item, tz, categories=categories) for item in items]
    head = summary_head(items, locale=locale)
    messages = []
    for start in range(0, len(lines), SUMMARY_LINES):
        top = f":inbox_tray: {head}" + (" (continued)" if start else "")
        messages.append("\n".join([top, *lines[start : start + SUMMARY_LINES]]))
    return messages


def resync_note(count: int) -> str:
    return (
        f":arrows_counterclockwise: Resynced {plural(count, 'booking change')} that Bookeo "
        "had not delivered."
    )


def paused_notice(channel: str, code: str) -> str:
    """For the admins: a channel's subscriptions stopped because Slack refused a post there."""
    return (
        f":warning: Booking updates for <#{channel}> are paused: Slack says `{code}`. "
        f"Invite me there (`/invite @Bookeo`), then `/bookeo subscribe` again."
    )
