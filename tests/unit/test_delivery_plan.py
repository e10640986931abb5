"""The delivery planner, with its inputs built in memory: which state wins, what a booking's
plan says and to whom, what folds into a summary, what waits for the next pass, whom to page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.bookeo.models import Booking
from bot.relay.changes import snapshot
from bot.relay.plan import (
    FOLD_AT,
    MESSAGES_PER_PASS,
    BookingPlan,
    PageCall,
    fold,
    fold_candidates,
    newest_state,
    page_calls,
    plan_booking,
    within_budget,
)
from bot.store import InboxItem, Subscription
from bot.store.relay import NOTES_PREFIX

TZ = ZoneInfo("Europe/London")
EN = "en_US"  # the business's locale (LOCALE), which every builder takes
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ALL_KINDS = frozenset({"created", "changed", "canceled", "payments"})
_ids = count(1)


def sub(**fields: Any) -> Subscription:
    values = {
        "id": 1,
        "team_id": "T",
        "channel_id": "C",
        "kinds": ALL_KINDS,
        "product_id": None,
        "product_name": None,
        "within_hours": None,
        "quiet": None,
        "broadcast": True,
        "paused_reason": None,
    } | fields
    return Subscription(**values)


def state(number: str = "B1", *, starts_in: timedelta = timedelta(days=3), **fields: Any) -> dict:
    start = NOW + starts_in
    return {
        "bookingNumber": number,
        "productId": "P1",
        "productName": "Kayak",
        "startTime": start.isoformat(),
        "endTime": (start + timedelta(hours=2)).isoformat(),
        "creationTime": (NOW - timedelta(hours=1)).isoformat(),
        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 2}]},
    } | fields


def price(*, paid: str) -> dict:
    money = {"amount": "50.00", "currency": "USD"}
    return {
        "totalGross": money,
        "totalNet": money,
        "totalTaxes": {"amount": "0.00", "currency": "USD"},
        "totalPaid": {"amount": paid, "currency": "USD"},
    }


def item(
    body: dict | None = None, *, domain: str = "bookings", type: str = "updated", **fields: Any
) -> InboxItem:
    number = (body or {}).get("bookingNumber", "B1")
    values = {
        "id": next(_ids),
        "message_id": f"msg-{next(_ids)}",
        "domain": domain,
        "type": type,
        "booking_number": number,
        "body": json.dumps({"item": body} if body is not None else {}),
        "previous_lost": False,
        "attempts": 0,
        "received_at": NOW,
    } | fields
    return InboxItem(**values)


def planned(
    raw: dict | None,
    *,
    old: dict | None = None,
    subscriptions: list[Subscription] | None = None,
    items: list[InboxItem] | None = None,
    number: str = "B1",
    notes: str | None = None,
) -> BookingPlan:
    booking = Booking.model_validate(raw) if raw is not None else None
    return plan_booking(
        number,
        items or [item(raw, type="created" if old is None else "updated")],
        booking,
        old=old,
        subscriptions=[sub()] if subscriptions is None else subscriptions,
        categories={"Cadults": "Adults"},
        now=NOW,
        tz=TZ,
        locale=EN,
        notes=notes,
    )


def facts_of(raw: dict) -> dict:
    return snapshot(Booking.model_validate(raw))


# -- newest_state -----------------------------------------------------------------------------


def test_the_latest_change_wins_whatever_the_order_of_arrival() -> None:
    later = state(lastChangeTime=(NOW - timedelta(minutes=1)).isoformat(), productName="Late")
    earlier = state(lastChangeTime=(NOW - timedelta(minutes=5)).isoformat(), productName="Early")
    booking = newest_state([item(later), item(earlier)])
    assert booking is not None and booking.product_name == "Late"


def test_a_tie_goes_to_the_cancellation_then_to_the_last_to_arrive() -> None:
    second = (NOW - timedelta(minutes=1)).isoformat()
    canceled = state(lastChangeTime=second, canceled=True, productName="Canceled")
    other = state(lastChangeTime=second, productName="Other")
    again = state(lastChangeTime=second, productName="Again")
    first = newest_state([item(canceled), item(other)])
    assert first is not None and first.product_name == "Canceled"
    last = newest_state([item(other), item(again)])
    assert last is not None and last.product_name == "Again"


def test_an_invalid_newest_state_falls_back_to_the_next_and_none_to_bookeo() -> None:
    valid = state(lastChangeTime=(NOW - timedelta(minutes=5)).isoformat())
    broken = {"bookingNumber": "B1", "lastChangeTime": NOW.isoformat()}  # no productId
    assert newest_state([item(valid), item(broken)]) is not None
    payment = item({"amount": 10}, domain="payments", type="created", booking_number="B1")
    assert newest_state([payment, item(None, type="deleted")]) is None


# -- plan_booking -----------------------------------------------------------------------------


def test_a_new_booking_gets_a_card_in_each_matching_channel() -> None:
    plan = planned(
        state(),
        subscriptions=[
            sub(id=1, channel_id="C1"),
            sub(id=2, channel_id="C2", kinds=frozenset({"canceled"})),
            sub(id=3, channel_id="C3", product_id="P1"),
        ],
    )
    assert [c.kind for c in plan.changes] == ["created"]
    assert [t.subscription.channel_id for t in plan.targets] == ["C1", "C3"]
    assert plan.line.startswith(":new: New booking")
    assert plan.card is not None and "B1" in plan.card.text and plan.card.blocks
    assert plan.new is not None and plan.urgent is None and not plan.stale


def test_a_repeat_says_nothing_but_still_remembers_the_state() -> None:
    raw = state()
    plan = planned(raw, old=facts_of(raw))
    assert plan.changes == [] and plan.targets == () and plan.card is None
    assert plan.new == {**facts_of(raw), "notes": ""} and not plan.stale  # and what notes
    assert plan.channels() == []


def test_notes_the_cards_do_not_show_are_one_change_that_only_refreshes_cards() -> None:
    raw = state()
    shown = {**facts_of(raw), "notes": "Window seat"}
    noted = item(message_id=f"{NOTES_PREFIX}B1:1")  # no state: the worker reads Bookeo
    plan = planned(raw, old=shown, items=[noted], notes="Allergic to nuts")
    assert [(c.kind, c.text) for c in plan.changes] == [("notes", "notes updated")]
    assert plan.refresh_only and plan.new is not None and plan.new["notes"] == "Allergic to nuts"
    assert plan.line == ":pencil2: Notes updated."  # Bookeo's last agent did not do it
    cleared = planned(raw, old=shown, items=[noted])
    assert [c.text for c in cleared.changes] == ["notes cleared"]
    # The cards already show them (a webhook delivered after the notes were stored): nothing.
    assert (
        planned(
            raw, old={**shown, "notes": "Allergic to nuts"}, items=[noted], notes="Allergic to nuts"
        ).changes
        == []
    )
    # No card shows the booking: none is made for its notes.
    unseen = planned(raw, items=[noted], notes="Allergic to nuts")
    assert unseen.changes == [] and unseen.new is None and unseen.posts() == []


def test_an_older_copy_than_the_one_shown_is_stale_and_forgotten() -> None:
    shown = state(lastChangeTime=NOW.isoformat(), canceled=True)
    older = state(lastChangeTime=(NOW - timedelta(minutes=5)).isoformat())
    plan = planned(older, old=facts_of(shown))
    assert plan.stale and plan.changes == [] and plan.new is None and plan.targets == ()


def test_a_removed_booking_tells_its_threads_without_a_card() -> None:
    plan = planned(None, old=facts_of(state()), items=[item(None, type="deleted")])
    assert [c.kind for c in plan.changes] == ["removed"]
    assert plan.card is None and plan.new is None
    assert plan.line.startswith(":no_entry: Canceled or removed in Bookeo")
    assert [t.subscription.channel_id for t in plan.targets] == ["C"]


def test_a_payment_goes_to_payment_subscriptions_only() -> None:
    raw, paid = state(price=price(paid="0.00")), state(price=price(paid="20.00"))
    plan = planned(
        paid,
        old=facts_of(raw),
        subscriptions=[
            sub(id=1, channel_id="CPAY", kinds=frozenset({"payments"})),
            sub(id=2, channel_id="CCHANGE", kinds=frozenset({"changed"})),
        ],
    )
    assert [c.kind for c in plan.changes] == ["paid"]
    assert [t.subscription.channel_id for t in plan.targets] == ["CPAY"]


def test_urgency_follows_each_subscriptions_window() -> None:
    soon = state(starts_in=timedelta(hours=3))
    never = sub(id=1, channel_id="CQUIET", urgent_hours=0)
    default = sub(id=2, channel_id="CDESK", team_id="T2")
    plan = planned(soon, subscriptions=[never, default])
    assert plan.urgent == "it starts within 24 hours"
    assert page_calls(plan, NOW) == [PageCall("T2", "CDESK", "it starts within 24 hours")]
    assert planned(soon, subscriptions=[never]).urgent is None
    assert planned(state(), subscriptions=[default]).urgent is None  # three days away


def test_only_reconciliation_finds_are_resynced() -> None:
    raw = state()
    found = item(raw, message_id="resync:B1:1")
    assert planned(raw, items=[found]).resynced
    assert not planned(raw, items=[found, item(raw)]).resynced


# -- fold -------------------------------------------------------------------------------------


def new_bookings(how_many: int, *, channel: str = "C") -> list[BookingPlan]:
    return [
        planned(state(f"B{n}"), number=f"B{n}", subscriptions=[sub(channel_id=channel)])
        for n in range(how_many)
    ]


def uncarded(plans: list[BookingPlan]) -> set[tuple[str, str]]:
    return set(fold_candidates(plans))


def test_more_than_five_new_bookings_in_a_channel_fold_into_one_summary() -> None:
    plans = new_bookings(FOLD_AT + 1) + new_bookings(FOLD_AT, channel="COTHER")
    [summary] = fold(plans, uncarded=uncarded(plans), tz=TZ, locale=EN, categories={})
    assert summary.channel == "C"
    assert summary.numbers == tuple(f"B{n}" for n in range(FOLD_AT + 1))
    [message] = summary.messages
    assert message.startswith(":inbox_tray: *6 new bookings*")
    assert "• `B0` Kayak · " in message and "2 people" in message


def test_bookings_with_a_card_already_or_urgent_ones_do_not_fold() -> None:
    plans = new_bookings(FOLD_AT + 1)
    carded = {("B0", "C")}
    assert fold(plans, uncarded=uncarded(plans) - carded, tz=TZ, locale=EN, categories={}) == []
    urgent = planned(state("BU", starts_in=timedelta(hours=2)), number="BU")
    assert urgent.urgent is not None
    assert ("BU", "C") not in fold_candidates([*plans[1:], urgent])


def test_a_long_summary_continues_in_more_messages() -> None:
    plans = new_bookings(41)
    [summary] = fold(plans, uncarded=uncarded(plans), tz=TZ, locale=EN, categories={})
    assert [m.splitlines()[0] for m in summary.messages] == [
        ":inbox_tray: *41 new bookings*",
        ":inbox_tray: *41 new bookings* (continued)",
    ]
    assert [len(m.splitlines()) for m in summary.messages] == [41, 2]


# -- within_budget ----------------------------------------------------------------------------


def test_a_busy_channel_takes_a_few_per_pass_and_urgent_ones_always_go() -> None:
    plans = new_bookings(MESSAGES_PER_PASS + 2)
    urgent = planned(state("BU", starts_in=timedelta(hours=2)), number="BU")
    elsewhere = planned(state("BX"), number="BX", subscriptions=[sub(channel_id="CX")])
    repeat = planned(state("BR"), number="BR", old=facts_of(state("BR")))
    chosen = within_budget([*plans, urgent, elsewhere, repeat], folded=set())
    assert [p.number for p in chosen] == ["B0", "B1", "B2", "BU", "BX", "BR"]


def test_folded_bookings_do_not_count_against_the_budget() -> None:
    plans = new_bookings(FOLD_AT + 1)
    folded = {(p.number, "C") for p in plans}
    assert within_budget(plans, folded=folded) == plans


@pytest.mark.parametrize("hours", [None, 48])
def test_page_calls_name_each_urgent_subscription_in_order(hours: int | None) -> None:
    soon = state(starts_in=timedelta(hours=30))
    subs = [sub(id=1, channel_id="C1", urgent_hours=hours), sub(id=2, channel_id="C2")]
    plan = planned(soon, subscriptions=subs)
    calls = [(c.team_id, c.channel) for c in page_calls(plan, NOW)]
    assert calls == ([("T", "C1")] if hours == 48 else [])
