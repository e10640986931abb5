"""Turning values into the short texts Slack shows: escaped, formatted, bounded."""

from __future__ import annotations

from bot.bookeo.models import Money
from bot.wording import amount, plural, when

__all__ = ["amount", "clip", "escape", "money", "plural", "when"]


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
