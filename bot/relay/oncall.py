"""On-call paging: urgent changes mention the on-call target on the card's thread and DM them
an Acknowledge button; unacknowledged pages escalate once after a delay.

Urgent, by default: a booking created, moved, resized or canceled that starts within the next
24 hours, and any refund.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.relay.notify import AdminNotifier
from bot.slack.ids import Action
from bot.store import Page, Store

if TYPE_CHECKING:
    from bot.relay.changes import Change

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
) -> Page:
    opened = await store.oncall.open_page(
        team_id=team_id,
        booking_number=booking_number,
        channel_id=channel,
        card_ts=card_ts,
        target=target,
        reason=reason,
        at=now,
    )
    text = f":rotating_light: {mention(target)} urgent — {reason}: {line}"
    await slack.chat_postMessage(channel=channel, thread_ts=card_ts, text=text)
    if target.startswith(("U", "W")):
        await slack.chat_postMessage(
            channel=target,
            text=f":rotating_light: Urgent booking change ({reason}) in <#{channel}>: {line}",
            blocks=[
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f":rotating_light: *Urgent* ({reason}) — booking "
                        f"{booking_number} in <#{channel}>\n{line}",
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
            ],
        )
    return opened


async def escalate(
    *,
    store: Store,
    slack: AsyncWebClient,
    notifier: AdminNotifier,
    now: datetime,
    after: timedelta = ESCALATE_AFTER,
) -> list[Page]:
    """Escalate, once each, the pages nobody acknowledged within `after`: broadcast on the
    card's thread, and tell the admins."""
    pages = await store.oncall.due_for_escalation(before=now - after)
    minutes = int(after.total_seconds() // 60)
    for item in pages:
        text = (
            f":rotating_light: Still not acknowledged after {minutes} min: "
            f"{mention(item.target)} — booking {item.booking_number} ({item.reason})."
        )
        try:
            await slack.chat_postMessage(
                channel=item.channel_id, thread_ts=item.card_ts, text=text, reply_broadcast=True
            )
        except SlackApiError:
            log.warning("could not escalate page %s", item.id, exc_info=True)
            continue
        await notifier.tell(f"{text} In <#{item.channel_id}>.")
    return pages


async def on_call_people(store: Store) -> set[str]:
    """The people (not user groups, which cannot be DMed) on call for any team with a
    subscription."""
    people = set()
    for team in {s.team_id for s in await store.relay.subscriptions()}:
        who = await store.oncall.target(team)
        if who is not None and who.startswith(("U", "W")):
            people.add(who)
    return people
