"""Which channels hear about an event (pure): subscriptions × the booking × the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from bot.store import Subscription


@dataclass(frozen=True)
class Target:
    subscription: Subscription
    broadcast: bool  # also show the thread line in the channel
    quiet: bool  # inside the subscription's quiet hours


def kinds_of(events: list[tuple[str, str]], *, canceled: bool, paid_only: bool) -> set[str]:
    """The subscription kinds a batch of (domain, type) deliveries amounts to."""
    kinds: set[str] = set()
    for domain, type_ in events:
        if domain == "payments":
            kinds.add("payments")
        elif type_ == "created":
            kinds.add("created")
        elif type_ == "deleted" or canceled:
            kinds.add("canceled")
        elif paid_only:
            kinds.add("payments")
        else:
            kinds.add("changed")
    return kinds


def in_quiet_hours(quiet: str | None, now: datetime, tz: tzinfo) -> bool:
    if not quiet:
        return False
    start_text, end_text = quiet.split("-")
    start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    local = now.astimezone(tz).time()
    return start <= local < end if start < end else local >= start or local < end


def route(
    subscriptions: list[Subscription],
    *,
    kinds: set[str],
    product_id: str,
    start: datetime | None,
    now: datetime,
    tz: tzinfo,
) -> list[Target]:
    targets = []
    same_day = start is not None and start.astimezone(tz).date() == now.astimezone(tz).date()
    for sub in subscriptions:
        if sub.paused_reason is not None or not (sub.kinds & kinds):
            continue
        if sub.product_id and sub.product_id != product_id:
            continue
        if sub.within_hours is not None:
            if start is None or not (
                now - timedelta(hours=1) <= start <= now + timedelta(hours=sub.within_hours)
            ):
                continue
        quiet = in_quiet_hours(sub.quiet, now, tz)
        loud = ("canceled" in kinds or same_day) and sub.broadcast and not quiet
        targets.append(Target(sub, broadcast=loud, quiet=quiet))
    return targets


def per_channel(targets: list[Target]) -> list[Target]:
    """One target per channel: several subscriptions of a channel that match one change make
    one card update and one thread line there, not one each. The channel's line is broadcast
    when any of them asks for it, and quiet only when all of them are."""
    merged: dict[str, Target] = {}
    for target in targets:
        channel = target.subscription.channel_id
        first = merged.get(channel)
        if first is None:
            merged[channel] = target
        else:
            merged[channel] = Target(
                first.subscription,
                broadcast=first.broadcast or target.broadcast,
                quiet=first.quiet and target.quiet,
            )
    return list(merged.values())
