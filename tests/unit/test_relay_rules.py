"""The relay's pure rules: what changed, in words; who hears about it; what is urgent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bookeo.models import Booking
from bot.relay.changes import diff, sentence
from bot.relay.oncall import urgent_reason
from bot.relay.routing import in_quiet_hours, kinds_of, route
from bot.store import Subscription

TZ = ZoneInfo("Europe/London")
EN = "en_US"  # the business's locale (LOCALE), which every builder takes
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def facts(**changes):
    base = {
        "start": "2026-11-25T10:00:00+00:00",
        "end": "2026-11-25T12:00:00+00:00",
        "product": "Kayak",
        "people": {"Cadults": 2},
        "customer": "Ada Lovelace",
        "paid": "0.00",
        "currency": "USD",
        "canceled": False,
    }
    return base | changes


def sub(**fields) -> Subscription:
    values = {
        "id": 1,
        "team_id": "T",
        "channel_id": "C",
        "kinds": frozenset({"created", "changed", "canceled", "payments"}),
        "product_id": None,
        "product_name": None,
        "within_hours": None,
        "quiet": None,
        "broadcast": True,
        "paused_reason": None,
    } | fields
    return Subscription(**values)


@pytest.mark.parametrize(
    ("old", "new", "kinds", "words"),
    [
        (None, facts(), ["created"], "New booking"),
        (facts(), None, ["removed"], "Was removed from Bookeo"),
        (facts(), facts(canceled=True), ["canceled"], "Canceled"),
        (
            facts(),
            facts(start="2026-11-26T10:00:00+00:00", end="2026-11-26T12:00:00+00:00"),
            ["moved"],
            "Moved from Wed 25 Nov, 10:00–12:00 to Thu 26 Nov, 10:00–12:00",
        ),
        (
            facts(),
            facts(people={"Cadults": 3, "Cchildren": 1}),
            ["people"],
            "Party 2 Adults → 3 Adults, 1 Child",
        ),
        (
            facts(people={"Cadults": 3}),
            facts(people={"Cadults": 1, "Cchildren": 2}),
            ["people"],
            "Party 3 Adults → 1 Adult, 2 Children",
        ),
        (facts(), facts(paid="50.00"), ["paid"], "Paid 50.00 USD (total paid 50.00 USD)"),
        (facts(paid="50.00"), facts(paid="20.00"), ["refunded"], "Refunded 30.00 USD"),
        (facts(), facts(customer="Grace Hopper"), ["customer"], "Customer is now Grace Hopper"),
        (facts(), facts(), [], "Updated in Bookeo"),
    ],
)
def test_what_changed_in_words(old, new, kinds, words) -> None:
    changes = diff(
        old, new, tz=TZ, categories={"Cadults": "Adults", "Cchildren": "Children"}, locale=EN
    )
    assert [c.kind for c in changes] == kinds
    assert words in sentence(changes, agent=None)


def test_who_changed_it_and_unclear_deletions() -> None:
    changes = diff(facts(), facts(canceled=True), tz=TZ, categories={}, locale=EN)
    assert (
        sentence(changes, agent="Back office <b>")
        == ":no_entry: Canceled — by Back office &lt;b&gt;."
    )
    assert "Canceled or removed" in sentence([], agent=None, deleted_unclear=True)


def test_kinds_of_deliveries() -> None:
    assert kinds_of([("bookings", "created")], canceled=False, paid_only=False) == {"created"}
    assert kinds_of([("bookings", "deleted")], canceled=True, paid_only=False) == {"canceled"}
    assert kinds_of([("bookings", "updated")], canceled=False, paid_only=True) == {"payments"}
    assert kinds_of(
        [("payments", "created"), ("bookings", "updated")], canceled=False, paid_only=False
    ) == {"payments", "changed"}


@pytest.mark.parametrize(
    ("quiet", "local_hour", "inside"),
    [
        ("22:00-07:00", 23, True),
        ("22:00-07:00", 6, True),
        ("22:00-07:00", 12, False),
        ("09:00-17:00", 12, True),
        ("09:00-17:00", 18, False),
        (None, 3, False),
    ],
)
def test_quiet_hours_wrap_midnight(quiet, local_hour, inside) -> None:
    now = datetime(2026, 6, 1, local_hour, 30, tzinfo=ZoneInfo("Europe/London"))
    assert in_quiet_hours(quiet, now, ZoneInfo("Europe/London")) is inside


def test_routing_filters_combine() -> None:
    soon = NOW + timedelta(hours=5)
    far = NOW + timedelta(days=5)
    subs = [
        sub(id=1),
        sub(id=2, kinds=frozenset({"canceled"})),
        sub(id=3, product_id="P2"),
        sub(id=4, within_hours=48),
        sub(id=5, paused_reason="not_in_channel"),
        sub(id=6, broadcast=False),
        sub(id=7, quiet="11:00-13:00"),
    ]
    created_soon = route(subs, kinds={"created"}, product_id="P1", start=soon, now=NOW, tz=TZ)
    assert [t.subscription.id for t in created_soon] == [1, 4, 6, 7]
    # Later today counts as a same-day change: broadcast, unless off or inside quiet hours.
    assert [t.broadcast for t in created_soon] == [True, True, False, False]
    created_far = route(subs, kinds={"created"}, product_id="P1", start=far, now=NOW, tz=TZ)
    assert [t.subscription.id for t in created_far] == [1, 6, 7]  # 4 wants only the next 48 h
    assert not any(t.broadcast for t in created_far)
    canceled_far = route(subs, kinds={"canceled"}, product_id="P2", start=far, now=NOW, tz=TZ)
    assert [(t.subscription.id, t.broadcast, t.quiet) for t in canceled_far] == [
        (1, True, False),
        (2, True, False),
        (3, True, False),
        (6, False, False),
        (7, False, True),
    ]


def test_what_is_urgent() -> None:
    booking = Booking.model_validate(
        {
            "bookingNumber": "1",
            "productId": "P",
            "startTime": (NOW + timedelta(hours=3)).isoformat(),
        }
    )
    later = booking.model_copy(update={"start_time": NOW + timedelta(days=3)})
    created = diff(None, facts(), tz=TZ, categories={}, locale=EN)
    paid = diff(facts(), facts(paid="10.00"), tz=TZ, categories={}, locale=EN)
    refund = diff(facts(paid="10.00"), facts(paid="0.00"), tz=TZ, categories={}, locale=EN)
    assert urgent_reason(created, booking, NOW) == "it starts within 24 hours"
    assert urgent_reason(created, later, NOW) is None
    assert urgent_reason(paid, booking, NOW) is None
    assert urgent_reason(refund, later, NOW) == "a refund"


def test_out_of_order_deliveries_are_stale() -> None:
    from bot.relay.changes import is_stale

    older = facts(changed="2026-11-24T10:00:00+00:00")
    newer = facts(changed="2026-11-24T11:00:00+11:00")  # an earlier instant, in another offset
    assert is_stale(facts(changed="2026-11-24T10:00:00+00:00"), newer) is True
    assert is_stale(newer, older) is False
    same_second = "2026-11-24T10:00:00+00:00"
    canceled = facts(changed=same_second, canceled=True)
    assert is_stale(canceled, facts(changed=same_second)) is True  # a cancellation is final
    assert is_stale(facts(changed=same_second), canceled) is False
    assert is_stale(None, older) is False and is_stale(facts(changed=None), older) is False
