"""Plain words for amounts, times and parties: shared by what Slack shows and what the audit
log records, so it lives below both (it imports nothing of Slack)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from bot.bookeo.models import Booking


def escape(text: str) -> str:
    """Escape outside text (a name from Bookeo, what a person typed) for Slack's mrkdwn and a
    message's `text`: &, <, > are control characters there (`<!channel>` in a name would page
    a channel). The one escaping function; bot.slack.text re-exports it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def amount(value: Decimal, currency: str) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,.2f} {currency}"


def when(start: datetime | None, end: datetime | None, tz: tzinfo) -> str:
    """`Wed 25 Nov, 17:30–19:30` in the business's zone (end date shown if it differs)."""
    if start is None:
        return "time not set"
    local = start.astimezone(tz)
    text = f"{local:%a %d %b}, {local:%H:%M}"
    if end is not None:
        local_end = end.astimezone(tz)
        if local_end.date() == local.date():
            text += f"–{local_end:%H:%M}"
        else:
            text += f" – {local_end:%a %d %b %H:%M}"
    return text


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def party(booking: Booking, categories: dict[str, str]) -> str:
    """`2 Adults, 1 Child`: who a booking is for, by category name."""
    parts = [
        plural(
            n.number,
            categories.get(n.people_category_id, n.people_category_id).rstrip("s"),
            categories.get(n.people_category_id, n.people_category_id),
        )
        for n in booking.participants.numbers
        if n.number
    ]
    return ", ".join(parts) or "no one"
