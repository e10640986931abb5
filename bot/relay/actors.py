"""Who made a change from Slack, and why a booking was canceled there (pure).

Bookeo names every change made through the API after the API key ("API: bookeo-bot"), so
its own agent says nothing of the person. The bot's audit rows (written by `bot.ops` for
each write from Slack: the user, the action, the booking, the time) do: a change whose
Bookeo agent is the API is matched to the latest successful row of the same action on the
same booking since the state the cards last showed.

The ops write those rows "pending" before calling Bookeo (a create's keyed by the external
reference it sends, the others by booking number), because Bookeo's webhook can arrive
before its answer does: a pending row names the person as an "ok" one does, a failed one
names nobody. A create's row found by its reference is about this very booking, whenever
it was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.relay.changes import Change
from bot.store import AuditEntry

# What a row that names the person says of its write: made, or being made right now.
NAMING = ("ok", "pending")
# The audit action that makes each kind of change.
ACTIONS = {
    "created": "create",
    "canceled": "cancel",
    "paid": "payment",
    "refunded": "refund",
    "moved": "edit",
    "people": "edit",
    "customer": "edit",
}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def slack_user(
    audit: Sequence[AuditEntry],
    changes: Sequence[Change],
    *,
    agent: str | None,
    since: datetime | None,
) -> str | None:
    """The Slack user who made these changes from Slack, or None (someone else did)."""
    if agent is not None and not agent.startswith("API"):
        return None  # the back office, the customer online: not the bot
    wanted = {ACTIONS[c.kind] for c in changes if c.kind in ACTIONS}
    for entry in reversed(audit):
        if entry.outcome not in NAMING or entry.action not in wanted:
            continue
        if since is None or entry.external_ref is not None or _aware(entry.at) >= since:
            return entry.user_id
    return None


def cancel_reason(audit: Sequence[AuditEntry]) -> str | None:
    """The reason given in Slack when the booking was canceled there, if one was."""
    for entry in reversed(audit):
        if entry.action == "cancel" and entry.outcome in NAMING:
            return entry.detail.strip() or None
    return None
