"""Reminders: N minutes before each slot starts, a short note of who is coming and what is
unpaid, once per slot and channel.

Runs every minute, with one Bookeo call for the next few hours when any channel asked for
reminders (none otherwise).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.roster import SlotGroup, group_by_slot
from bot.slack.text import chunk_lines, escape, plural
from bot.slack.views.lists import booking_line, slot_when
from bot.store import Reminder
from bot.wording import duration

from .deps import JobDeps

log = logging.getLogger("bot.jobs.reminders")


def post_key(group: SlotGroup) -> str:
    return f"remind:{group.product_id}:{group.start.isoformat()}"


def due_slots(reminder: Reminder, groups: list[SlotGroup], now: datetime) -> list[SlotGroup]:
    """The slots of this reminder's product starting within its lead time from now."""
    ahead = now + timedelta(minutes=reminder.minutes)
    return [
        g
        for g in groups
        if now < g.start <= ahead
        and (reminder.product_id is None or g.product_id == reminder.product_id)
    ]


REMINDER_BLOCKS = 50  # a message's blocks


def reminder_text(group: SlotGroup, now: datetime, tz: tzinfo) -> str:
    """The notification: one short line (the who-is-coming list is in the blocks)."""
    minutes = max(1, round((group.start - now).total_seconds() / 60))
    unpaid = f" · :warning: {group.unpaid} unpaid" if group.unpaid else ""
    return (
        f":alarm_clock: *{escape(group.product_name)}* starts in {duration(minutes)} "
        f"({slot_when(group, tz)}) · {plural(group.people, 'person', 'people')}"
        f"{unpaid}"
    )


def reminder_blocks(
    group: SlotGroup, now: datetime, tz: tzinfo, categories: dict[str, str], *, locale: str
) -> list[Block]:
    """The summary, then who is coming, in as many sections as it takes (≤ 50 blocks), what
    is due written in the business's `locale`."""
    lines = [booking_line(b, categories, locale=locale) for b in group.bookings]
    chunks = chunk_lines(lines)
    blocks: list[Block] = [SectionBlock(text=reminder_text(group, now, tz))]
    shown = chunks[: REMINDER_BLOCKS - 2]
    blocks += [SectionBlock(text=chunk) for chunk in shown]
    hidden = len(lines) - sum(chunk.count("\n") + 1 for chunk in shown)
    if hidden > 0:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"…and {plural(hidden, 'more booking')}: `/bookeo today`."
                    )
                ]
            )
        )
    return blocks


async def run(deps: JobDeps, now: datetime) -> int:
    reminders = await deps.store.timed_posts.reminders()
    if not reminders:
        return 0
    lead = timedelta(minutes=max(r.minutes for r in reminders))
    bookings = await deps.bookeo.bookings.list(
        start=now, end=now + lead, expand_customer=True
    ).to_list()
    products = {p.product_id: p for p in await deps.catalog.products()}
    groups = group_by_slot(bookings, [], products, await deps.catalog.categories())
    categories = await deps.catalog.category_names()
    posted = 0
    for reminder in reminders:
        for group in due_slots(reminder, groups, now):
            key = post_key(group)
            if not await deps.store.timed_posts.claim_post(reminder.channel_id, key, now=now):
                continue
            try:
                await deps.slack.chat_postMessage(
                    channel=reminder.channel_id,
                    text=reminder_text(group, now, deps.tz),
                    blocks=reminder_blocks(group, now, deps.tz, categories, locale=deps.locale),
                )
                posted += 1
            except Exception:
                log.warning("could not post a reminder in %s; will retry", reminder.channel_id)
                await deps.store.timed_posts.release_post(reminder.channel_id, key)
    return posted
