"""Burst summaries say what happened (pure): counted by kind, with the money, each booking
change listed once — and a booking a summary listed is delivered in that pass, so a later
pass does not list it again."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.bookeo.models import PeopleCategory
from bot.relay.plan import FOLD_AT, MESSAGES_PER_PASS, fold, fold_candidates, within_budget
from bot.roster import group_by_slot
from tests.unit.test_delivery_plan import EN, TZ, facts_of, planned, price, state, sub


def test_a_summary_counts_what_happened_with_the_money() -> None:
    plans = [planned(state(f"N{n}"), number=f"N{n}") for n in range(3)]
    for n in range(2):
        before = state(f"M{n}")
        after = state(
            f"M{n}",
            startTime=before["endTime"],
            endTime=(planned(before).booking.end_time + timedelta(hours=2)).isoformat(),  # type: ignore[union-attr]
        )
        plans.append(planned(after, old=facts_of(before), number=f"M{n}"))
    old = state("X0")
    plans.append(planned(state("X0", canceled=True), old=facts_of(old), number="X0"))
    for n, paid in enumerate(("50.00", "70.00")):
        unpaid = state(f"P{n}", price=price(paid="0.00"))
        plans.append(
            planned(state(f"P{n}", price=price(paid=paid)), old=facts_of(unpaid), number=f"P{n}")
        )
    [summary] = fold(plans, uncarded=set(fold_candidates(plans)), tz=TZ, locale=EN, categories={})
    head, *lines = summary.messages[0].splitlines()
    assert head == (
        ":inbox_tray: *8 booking changes:* 3 new · 2 moved · 1 canceled · 2 payments (120.00 USD)"
    )
    assert len(lines) == 8 and len(set(lines)) == 8
    assert any(line.startswith("• `X0`") and line.endswith("— canceled") for line in lines)
    assert any("`P1`" in line and "paid 70.00 USD" in line for line in lines)
    assert not any("new" in line for line in lines if "`M0`" in line or "`P0`" in line)


def test_only_new_bookings_still_read_as_new_bookings() -> None:
    plans = [planned(state(f"B{n}"), number=f"B{n}") for n in range(FOLD_AT + 1)]
    [summary] = fold(plans, uncarded=set(fold_candidates(plans)), tz=TZ, locale=EN, categories={})
    assert summary.messages[0].startswith(":inbox_tray: *6 new bookings*\n")


def test_a_listed_booking_goes_now_even_when_its_other_channel_is_full() -> None:
    """Listed in C's summary but over CX's budget: delivered now all the same, or the next
    pass would list it in C's summary again."""
    both = [sub(id=1, channel_id="C"), sub(id=2, channel_id="CX")]
    busy = [
        planned(state(f"X{n}"), number=f"X{n}", subscriptions=[sub(id=2, channel_id="CX")])
        for n in range(MESSAGES_PER_PASS)
    ]
    listed = [
        planned(state(f"B{n}"), number=f"B{n}", subscriptions=both) for n in range(FOLD_AT + 1)
    ]
    plans = busy + listed
    [summary] = fold(
        plans,
        uncarded={p for p in fold_candidates(plans) if p[1] == "C"},
        tz=TZ,
        locale=EN,
        categories={},
    )
    folded = {(n, "C") for n in summary.numbers}
    chosen = {p.number for p in within_budget(plans, folded=folded)}
    assert {p.number for p in listed} <= chosen


# The sandbox's people categories (bot/sandbox/seed.py): a Family (2+2) takes four seats.
SEATS = {
    "Cadults": PeopleCategory(id="Cadults", name="Adults", num_seats=1),
    "Cchildren": PeopleCategory(id="Cchildren", name="Children", num_seats=1),
    "NFAMLY": PeopleCategory(id="NFAMLY", name="Family (2+2)", num_seats=4),
}


def test_a_summary_counts_people_by_the_seats_they_take_as_a_slot_does() -> None:
    """A Family (2+2) booking is four people in a burst summary, as in the slot (and so the
    digest, App Home and reminders) it is counted in — not one (participants.total)."""
    family = {"numbers": [{"peopleCategoryId": "NFAMLY", "number": 1}]}
    mixed = {
        "numbers": [
            {"peopleCategoryId": "NFAMLY", "number": 1},
            {"peopleCategoryId": "Cchildren", "number": 1},
        ]
    }
    raws = [state("F0", participants=family), state("F1", participants=mixed)]
    raws += [state(f"A{n}") for n in range(FOLD_AT)]
    plans = [planned(raw, number=raw["bookingNumber"]) for raw in raws]
    [summary] = fold(
        plans, uncarded=set(fold_candidates(plans)), tz=TZ, locale=EN, categories=SEATS
    )
    said = {
        match["number"]: int(match["people"])
        for match in re.finditer(
            r"• `(?P<number>\w+)` .* · (?P<people>\d+) (?:person|people)", summary.messages[0]
        )
    }
    for plan in plans:
        assert plan.booking is not None
        [slot] = group_by_slot([plan.booking], [], {}, SEATS)
        assert said[plan.number] == slot.people, plan.number  # today: F0 says "1 person"
    assert (said["F0"], said["F1"], said["A0"]) == (4, 5, 2)
