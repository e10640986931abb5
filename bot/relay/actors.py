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

`attributed` is what every card the bot builds (the relay's, a shared one, a look-up, a
modal's result) does with those rows: it names the person on each line Bookeo signs with the
API key — booked, changed, canceled — and gives the reason of a cancel made in Slack.
`payment_users` names who recorded each payment and refund made through the API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.bookeo.models import Booking, Payment
from bot.refs import is_bot_ref
from bot.relay.changes import Change
from bot.slack.views.cards import CardOptions
from bot.store import AuditEntry
from bot.wording import amount, method_label

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
# The audit actions that change a booking in Bookeo (and so its last change).
WRITES = frozenset(ACTIONS.values())
# How much later than Bookeo's time of a change its audit row may be written: rows are
# written before the call, and Bookeo's times are whole seconds, on another clock.
SKEW = timedelta(minutes=2)


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


def _by_api(agent: str | None) -> bool:
    """Whether Bookeo says the API made it (the bot's key), or says nobody."""
    return agent is None or agent.startswith("API")


def _named(entry: AuditEntry, actions: frozenset[str] | set[str]) -> bool:
    return entry.outcome in NAMING and entry.action in actions


def slack(user_id: str | None) -> str | None:
    """How a card names a Slack user: `<@U1> (Slack)`."""
    return f"<@{user_id}> (Slack)" if user_id else None


def booked_by(audit: Sequence[AuditEntry], booking: Booking) -> str | None:
    """The Slack user who made the booking from Slack (its create's row, by number or by
    the reference it sent), or None."""
    if not _by_api(booking.creation_agent):
        return None
    ref = booking.external_ref if is_bot_ref(booking.external_ref) else None
    for entry in reversed(audit):
        if not _named(entry, {"create"}):
            continue
        if entry.booking_number == booking.booking_number or (ref and entry.external_ref == ref):
            return entry.user_id
    return None


def changed_by(audit: Sequence[AuditEntry], booking: Booking) -> str | None:
    """The Slack user of the booking's last change, when it was made from Slack: the latest
    row of a write on it written before Bookeo's time of that change (a later row, e.g.
    notes only, did not make it)."""
    if not _by_api(booking.last_change_agent):
        return None
    latest = booking.last_change_time
    for entry in reversed(audit):
        if not _named(entry, WRITES):
            continue
        if latest is None or _aware(entry.at) <= latest + SKEW:
            return entry.user_id
    return None


def canceled_by(audit: Sequence[AuditEntry], booking: Booking) -> str | None:
    """The Slack user who canceled the booking from Slack, or None."""
    if not booking.canceled or not _by_api(booking.cancelation_agent):
        return None
    for entry in reversed(audit):
        if _named(entry, {"cancel"}):
            return entry.user_id
    return None


def attributed(options: CardOptions, booking: Booking, audit: Sequence[AuditEntry]) -> CardOptions:
    """`options` for `booking`'s card with who did what from Slack and the cancel reason, from
    the bot's audit rows of the booking (those of its number and its create's reference)."""
    canceled = booking.canceled and _by_api(booking.cancelation_agent)
    return replace(
        options,
        booked_by=slack(booked_by(audit, booking)),
        changed_by=slack(changed_by(audit, booking)),
        canceled_by=slack(canceled_by(audit, booking)),
        cancel_reason=cancel_reason(audit) if canceled else None,
    )


def payment_users(
    audit: Sequence[AuditEntry], payments: Sequence[Payment], *, locale: str
) -> dict[str, str]:
    """Payment id → the Slack user who recorded it, for the payments and refunds Bookeo says
    the API made: each matched to one audit row of its kind (and of its amount and method,
    once the row says them), the one nearest in time."""
    rows = [e for e in audit if _named(e, {"payment", "refund"})]
    used: set[int] = set()
    found: dict[str, str] = {}
    never = datetime.min.replace(tzinfo=UTC)
    timed = sorted(payments, key=lambda p: p.creation_time or p.received_time or never)
    for payment in timed:
        if payment.agent is None or not payment.agent.startswith("API"):
            continue
        money = payment.amount
        kind = "refund" if money.amount < 0 else "payment"
        said = {
            "amount": amount(abs(money.amount), money.currency, locale=locale),
            "method": method_label(payment.payment_method, payment.payment_method_other),
        }
        at = payment.creation_time or payment.received_time
        fits = [
            i
            for i, row in enumerate(rows)
            if i not in used and row.action == kind and _says(row, said)
        ]
        if not fits:
            continue
        best = min(fits, key=lambda i: abs(_aware(rows[i].at) - at) if at else timedelta(0))
        used.add(best)
        found[payment.id] = rows[best].user_id
    return found


def _says(row: AuditEntry, said: dict[str, str]) -> bool:
    """Whether the row's detail (the amount and method, once written) fits the payment."""
    try:
        detail = json.loads(row.detail) if row.detail else None
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        return True  # still pending, or written before rows said it
    return all(detail.get(k) in (None, v) for k, v in said.items())
