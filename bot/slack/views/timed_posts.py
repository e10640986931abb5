"""Words for digests and reminders: what a channel has set, and when it next happens."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.records import Digest, Reminder
from bot.slack.text import escape
from bot.wording import duration


def digest_words(digest: Digest, *, tz: tzinfo) -> str:
    """`:sunrise: Today's roster (every product) at *08:00* (UTC) each day`."""
    what = f"*{escape(digest.product_name)}*" if digest.product_name else "every product"
    empty = ", also on days without bookings" if digest.always else ""
    return f":sunrise: Today's roster ({what}) at *{digest.at:%H:%M}* ({tz}) each day{empty}"


def describe_digest(digest: Digest, *, next_at: datetime, tz: tzinfo) -> str:
    return f"{digest_words(digest, tz=tz)} — next: {next_at.astimezone(tz):%a %d %b, %H:%M}."


def describe_reminder(reminder: Reminder) -> str:
    what = f"*{escape(reminder.product_name)}*" if reminder.product_name else "every product"
    return f":alarm_clock: A note {duration(reminder.minutes)} before each slot of {what}."
