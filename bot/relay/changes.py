"""What changed in a booking between two deliveries, in words for a card's thread (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from bot.bookeo.models import Booking
from bot.slack.text import amount, clip, escape, when
from bot.wording import category_name, people_count


def snapshot(booking: Booking) -> dict[str, Any]:
    """The facts the relay compares, as JSON-ready values."""
    price = booking.price
    return {
        "start": booking.start_time.isoformat() if booking.start_time else None,
        "end": booking.end_time.isoformat() if booking.end_time else None,
        "product": booking.product_name or booking.product_id,
        "people": {
            n.people_category_id: n.number for n in booking.participants.numbers if n.number
        },
        "customer": booking.customer.full_name if booking.customer else booking.customer_id,
        "paid": format(price.total_paid.amount, "f") if price else None,
        "currency": price.total_paid.currency if price else None,
        "canceled": booking.canceled,
        "changed": changed_at(booking),
    }


def baseline_state(before: Booking, after: Booking) -> dict[str, Any]:
    """`snapshot` of the booking as it was before the bot changed it, the customer named as
    `after` names them when it is the same customer (the bot's read before a write does not
    expand the customer, so it knows only their id)."""
    facts = snapshot(before)
    if before.customer is None and before.customer_id == after.customer_id:
        facts["customer"] = snapshot(after)["customer"]
    return facts


def changed_at(booking: Booking) -> str | None:
    """When Bookeo last changed the booking (the latest of created, changed, canceled)."""
    times = [
        t for t in (booking.creation_time, booking.last_change_time, booking.cancelation_time) if t
    ]
    return max(times).isoformat() if times else None


def raw_changed_at(item: dict[str, Any]) -> datetime:
    """`changed_at`, read from a booking's JSON: ranking a burst's many states of one booking
    this way spares validating all but the winner."""
    times = []
    for name in ("creationTime", "lastChangeTime", "cancelationTime"):
        stamp = item.get(name)
        if isinstance(stamp, str):
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                continue
            times.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return max(times, default=datetime.min.replace(tzinfo=UTC))


def is_stale(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """A delivery older than the state already shown (webhooks arrive in no guaranteed order)."""
    if not old or not new or not old.get("changed") or not new.get("changed"):
        return False
    before, after = datetime.fromisoformat(old["changed"]), datetime.fromisoformat(new["changed"])
    # Within the same second, a cancellation already shown cannot be undone by an older copy.
    return after < before or (after == before and old["canceled"] and not new["canceled"])


def dumps(facts: dict[str, Any]) -> str:
    return json.dumps(facts, sort_keys=True)


def loads(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


@dataclass(frozen=True)
class Change:
    kind: (
        str  # created | moved | people | customer | notes | paid | refunded | canceled | removed
        # | updated
    )
    text: str
    amount: Decimal | None = None  # paid or refunded: how much (a summary adds them up)
    currency: str | None = None


def diff(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    tz: tzinfo,
    categories: dict[str, str],
    locale: str,
) -> list[Change]:
    """The changes from `old` to `new` (None: never seen / removed from Bookeo), amounts
    written in the business's `locale`."""
    if new is None:
        return [Change("removed", "was removed from Bookeo")]
    if old is None:
        return [Change("created", "new booking")]
    changes = []
    if new["canceled"] and not old["canceled"]:
        changes.append(Change("canceled", "canceled"))
    if (old["start"], old["end"]) != (new["start"], new["end"]) and new["start"]:
        before = when(_dt(old["start"]), _dt(old["end"]), tz)
        after = when(_dt(new["start"]), _dt(new["end"]), tz)
        changes.append(Change("moved", f"moved from {before} to {after}"))
    if old["people"] != new["people"]:
        changes.append(
            Change(
                "people",
                f"party {_people(old['people'], categories)} → "
                f"{_people(new['people'], categories)}",
            )
        )
    if old["customer"] != new["customer"]:
        changes.append(Change("customer", f"customer is now {escape(str(new['customer']))}"))
    if old["paid"] != new["paid"] and new["paid"] is not None:
        delta = Decimal(new["paid"]) - Decimal(old["paid"] or 0)
        verb = "paid" if delta > 0 else "refunded"
        currency = new["currency"]
        changes.append(
            Change(
                verb,
                f"{verb} {amount(abs(delta), currency, locale=locale)} "
                f"(total paid {amount(Decimal(new['paid']), currency, locale=locale)})",
                abs(delta),
                new["currency"],
            )
        )
    return changes


def first_seen(
    booking: Booking,
    *,
    created_webhook: bool,
    payments: list[tuple[Decimal, str]],
    locale: str,
) -> list[Change]:
    """What a booking the relay has not shown before amounts to, named from what it is: new
    only when Bookeo says it was created (its `created` webhook, or a creation time that is
    its only change); a cancellation when it is canceled; a payment when payments brought
    it; otherwise an update. After an install every booking is first-seen, and most of them
    are old."""
    created = created_webhook or (
        booking.last_change_time is None and booking.cancelation_time is None
    )
    if booking.canceled:
        return [Change("canceled", "new booking, canceled" if created else "canceled")]
    if created:
        return [Change("created", "new booking")]
    if payments:
        currency = payments[0][1]
        total = sum((value for value, unit in payments if unit == currency), Decimal(0))
        verb = "paid" if total >= 0 else "refunded"
        said = f"{verb} {amount(abs(total), currency, locale=locale)}"
        return [Change(verb, said, abs(total), currency)]
    return [Change("updated", "updated in Bookeo")]


def agent_of(booking: Booking | None, changes: list[Change]) -> str | None:
    """Who made these changes, as Bookeo names them (the canceler, the creator, the last)."""
    if booking is None:
        return None
    if any(c.kind == "canceled" for c in changes) and booking.cancelation_agent:
        return booking.cancelation_agent
    if any(c.kind == "created" for c in changes):
        return booking.creation_agent
    return booking.last_change_agent


def sentence(
    changes: list[Change],
    *,
    agent: str | None,
    deleted_unclear: bool = False,
    slack_user: str | None = None,
    reason: str | None = None,
) -> str:
    """One thread line: what changed and, when known, who changed it — the Slack user who
    did it from Slack (`slack_user`), else the agent Bookeo names — and why it was canceled."""
    if deleted_unclear:
        return (
            ":no_entry: Canceled or removed in Bookeo"
            + (f" by {escape(agent)}" if agent else "")
            + "."
        )
    words = [
        c.text
        + (f" (reason: {escape(clip(reason, 300))})" if c.kind == "canceled" and reason else "")
        for c in changes
    ]
    text = "; ".join(words) or "updated in Bookeo"
    emoji = {
        "canceled": ":no_entry:",
        "moved": ":arrows_counterclockwise:",
        "paid": ":moneybag:",
        "created": ":new:",
        "removed": ":wastebasket:",
        "refunded": ":leftwards_arrow_with_hook:",
    }.get(changes[0].kind if changes else "", ":pencil2:")
    if slack_user:
        by = f" — by <@{slack_user}> (Slack)"
    else:
        by = f" — by {escape(agent)}" if agent else ""
    return f"{emoji} {text[0].upper()}{text[1:]}{by}."


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _people(numbers: dict[str, int], categories: dict[str, str]) -> str:
    """`3 Adults, 1 Child`: by the account's category names, counted in words as the card's
    Party is (bot.wording), never a raw id or "1 Children"."""
    words = [people_count(n, category_name(c, categories)) for c, n in sorted(numbers.items())]
    return escape(", ".join(words)) or "no one"
