"""Turning values into the short texts Slack shows: escaped, formatted, bounded."""

from __future__ import annotations

from bot.bookeo.models import Money
from bot.wording import amount, escape, plural, when

__all__ = ["SECTION_TEXT", "amount", "chunk_lines", "clip", "escape", "money", "plural", "when"]

SECTION_TEXT = 3000  # Slack's limit for a section's text


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, marking what was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def money(value: Money | None, *, locale: str) -> str:
    """`1,250.00 USD`, or `1.250,00 USD` for a de_DE business (LOCALE): every amount the bot
    writes is shaped by the business's locale, carried to each builder explicitly."""
    if value is None:
        return "—"
    return amount(value.amount, value.currency, locale=locale)


def chunk_lines(lines: list[str], limit: int = SECTION_TEXT) -> list[str]:
    """`lines` joined into texts of at most `limit` characters each, never splitting a line
    (a line longer than `limit` is clipped)."""
    chunks: list[str] = []
    text = ""
    for line in lines:
        line = clip(line, limit)
        if text and len(text) + len(line) + 1 > limit:
            chunks.append(text)
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        chunks.append(text)
    return chunks
