"""Subscriptions, relay status and the relay's own messages to channels and admins (pure)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.bookeo.models import Booking, Webhook
from bot.records import Subscription
from bot.slack.text import chunk_lines, clip, escape, plural, when

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


def summary_line(booking: Booking, tz: tzinfo) -> str:
    people = booking.participants.total
    state = " — *canceled*" if booking.canceled else ""
    return (
        f"• `{booking.booking_number}` {escape(booking.product_name or '')} · "
        f"{when(booking.start_time, booking.end_time, tz)} · {people} "
        f"{'person' if people == 1 else 'people'}{state}"
    )


def summary_messages(bookings: list[Booking], tz: tzinfo) -> list[str]:
    """Many new bookings for one channel, listed instead of a card each: a few messages of
    up to SUMMARY_LINES lines, the first with the count."""
    lines = [summary_line(booking, tz) for booking in bookings]
    messages = []
    for start in range(0, len(lines), SUMMARY_LINES):
        head = f":inbox_tray: *{len(lines)} new bookings*" + (" (continued)" if start else "")
        messages.append("\n".join([head, *lines[start : start + SUMMARY_LINES]]))
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
