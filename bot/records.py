"""What the bot remembers, as plain values: the store keeps them, operations return them,
views render them. Nothing here does I/O, so a pure builder may import it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Subscription:
    id: int
    team_id: str
    channel_id: str
    kinds: frozenset[str]
    product_id: str | None
    product_name: str | None
    within_hours: int | None
    quiet: str | None  # "22:00-07:00" in the business's time zone
    broadcast: bool
    paused_reason: str | None
    urgent_hours: int | None = None  # None: the default 24 h; 0: never urgent


@dataclass(frozen=True)
class Digest:
    team_id: str
    channel_id: str
    at: time  # local, in the business's time zone
    product_id: str | None
    product_name: str | None
    always: bool
    created_at: datetime

    def due_on(self, day: date, tz: tzinfo) -> datetime:
        return datetime.combine(day, self.at, tzinfo=tz)

    def next_after(self, now: datetime, tz: tzinfo) -> datetime:
        today = now.astimezone(tz).date()
        due = self.due_on(today, tz)
        return due if due > now else self.due_on(today + timedelta(days=1), tz)


@dataclass(frozen=True)
class Reminder:
    team_id: str
    channel_id: str
    minutes: int
    product_id: str | None
    product_name: str | None
    created_at: datetime
