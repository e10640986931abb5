"""Turning values into the short texts Slack shows: escaped, formatted, bounded."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from bot.bookeo.models import Money


def escape(text: str) -> str:
    """Escape user- or Bookeo-supplied text for mrkdwn (&, <, > are control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, marking what was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def money(value: Money | None) -> str:
    if value is None:
        return "—"
    return amount(value.amount, value.currency)


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
