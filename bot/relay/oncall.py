"""On-call paging: an urgent change's thread line mentions the on-call target (that line is
the change's one line in that channel) and they get a DM with an Acknowledge button; a
booking whose pages nobody acknowledged escalates once after a delay, naming its latest
change.

Urgent, by default: a booking created, moved, resized or canceled that starts within the next
24 hours, and any refund.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.relay.changes import Change, loads
from bot.relay.notify import AdminNotifier
from bot.slack.ids import Action
from bot.store import Page, Store

log = logging.getLogger("bot.relay.oncall")
URGENT_WINDOW = timedelta(hours=24)
ESCALATE_AFTER = timedelta(minutes=10)
_URGENT_KINDS = frozenset({"created", "moved", "people", "canceled", "removed"})


def urgent_reason(
    changes: list[Change], booking: Booking | None, now: datetime, window: timedelta = URGENT_WINDOW
) -> str | None:
    """Why this change needs a person now, or None (a zero window: never)."""
    if not window:
        return None
    kinds = {c.kind for c in changes}
    if "refunded" in kinds:
        return "a refund"
    start = booking.start_time if booking else None
    if (
        start is not None
        and now - timedelta(hours=1) <= start <= now + window
        and kinds & _URGENT_KINDS
    ):
        return f"it starts within {int(window.total_seconds() // 3600)} hours"
    return None


def mention(target: str) -> str:
    return f"<!subteam^{target}>" if target.startswith("S") else f"<@{target}>"


def page_line(target: str, reason: str, line: str) -> str:
    """The thread line of an urgent change: it names the on-call target and the change, so
    the channel it pages in gets this line instead of the plain one (one line per change)."""
    return f":rotating_light: {mention(target)} urgent — {reason}: {line}"


async def page(
    *,
    store: Store,
    slack: AsyncWebClient,
    team_id: str,
    target: str,
    booking_number: str,
    channel: str,
    card_ts: str,
    line: str,
    reason: str,
    now: datetime,
    changes: tuple[str, ...] = (),
    in_thread: bool = True,
) -> Page:
    """Open the page and DM the target an Acknowledge button; `in_thread`: also mention them
    on the card's thread (False: the change's own line there did, `page_line`)."""
    opened = await store.oncall.open_page(
        team_id=team_id,
        booking_number=booking_number,
        channel_id=channel,
        card_ts=card_ts,
        target=target,
        reason=reason,
        at=now,
        line=line,
        changes=changes,
    )
    if in_thread:
        text = page_line(target, reason, line)
        await slack.chat_postMessage(channel=channel, thread_ts=card_ts, text=text)
    if target.startswith(("U", "W")):
        await slack.chat_postMessage(
            channel=target,
            text=f":rotating_light: Urgent booking change ({reason}) in <#{channel}>: {line}",
            blocks=_page_blocks(opened, reason, line),
        )
    return opened


def _page_blocks(opened: Page, reason: str, line: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f":rotating_light: *Urgent* ({reason}) — booking "
                f"{opened.booking_number} in <#{opened.channel_id}>\n{line}",
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "style": "primary",
                    "action_id": Action.ONCALL_ACK,
                    "text": {"type": "plain_text", "text": "Acknowledge"},
                    "value": str(opened.id),
                }
            ],
        },
    ]


async def escalate(
    *,
    store: Store,
    slack: AsyncWebClient,
    notifier: AdminNotifier,
    now: datetime,
    after: timedelta = ESCALATE_AFTER,
) -> list[Page]:
    """Escalate, once per booking, the pages nobody acknowledged within `after`: broadcast
    on the card's thread, naming the booking's latest unacknowledged change, and tell the
    admins. A booking canceled by then is not chased for changes that no longer matter
    (it starts soon, it moved…), only for its cancellation or a refund when those were
    paged. Returns the pages escalated (the one named for each booking)."""
    claimed = await store.oncall.due_for_escalation(before=now - after)
    minutes = int(after.total_seconds() // 60)
    bookings: dict[tuple[str, str], list[Page]] = {}
    for opened in claimed:
        bookings.setdefault((opened.team_id, opened.booking_number), []).append(opened)
    escalated = []
    for (_, number), pages in bookings.items():
        item = await _worth_chasing(store, number, pages)
        if item is None:
            continue
        said = f": {item.line}" if item.line else "."
        text = (
            f":rotating_light: Still not acknowledged after {minutes} min: "
            f"{mention(item.target)} — booking {number} ({item.reason}){said}"
        )
        try:
            await slack.chat_postMessage(
                channel=item.channel_id, thread_ts=item.card_ts, text=text, reply_broadcast=True
            )
        except SlackApiError:
            log.warning("could not escalate page %s", item.id, exc_info=True)
            continue
        await notifier.tell(f"{text} In <#{item.channel_id}>.")
        escalated.append(item)
    return escalated


async def _worth_chasing(store: Store, number: str, pages: list[Page]) -> Page | None:
    """The page (of one booking's open ones, oldest first) an escalation names: the latest;
    for a booking canceled since, only a page about its cancellation or a refund."""
    state = loads(await store.relay.state_of(number)) or {}
    if state.get("canceled"):
        pages = [p for p in pages if {"canceled", "removed", "refunded"} & set(p.changes)]
    return pages[-1] if pages else None


async def on_call_people(store: Store) -> set[str]:
    """The people (not user groups, which cannot be DMed) on call for any team with a
    subscription."""
    people = set()
    for team in {s.team_id for s in await store.relay.subscriptions()}:
        who = await store.oncall.target(team)
        if who is not None and who.startswith(("U", "W")):
            people.add(who)
    return people
