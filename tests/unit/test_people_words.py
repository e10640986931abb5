"""People in words (pure): category counts in the right number, never a raw id, headcounts
by the seats taken, and courses as their sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bookeo.models import Booking, Participants, PeopleCategory, Product
from bot.jobs.reminders import reminder_blocks
from bot.party import booking_seats
from bot.permissions import Role
from bot.roster import group_by_slot
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.home import home_view
from bot.slack.views.lists import roster_messages
from bot.wording import course_sessions, course_when, party, people_count, plural
from tests.unit.test_views import EN, START, TZ, make_booking

CATEGORIES = {
    "Cadults": PeopleCategory(id="Cadults", name="Adults", num_seats=1),
    "Cchildren": PeopleCategory(id="Cchildren", name="Children", num_seats=1),
    "Cinfants": PeopleCategory(id="Cinfants", name="Infants", num_seats=0),
    "NFAMLY": PeopleCategory(id="NFAMLY", name="Family (2+2)", num_seats=4),
}
NAMES = {c.id: c.name for c in CATEGORIES.values()}


def with_people(number: str, **numbers: int) -> Booking:
    rows = [{"peopleCategoryId": c, "number": n} for c, n in numbers.items()]
    booking = make_booking(number, "Ann", "Walk", 1)
    return booking.model_copy(
        update={"participants": Participants.model_validate({"numbers": rows})}
    )


@pytest.mark.parametrize(
    ("count", "name", "said"),
    [
        (1, "Adults", "1 Adult"),
        (3, "Adults", "3 Adults"),
        (1, "Children", "1 Child"),
        (2, "Children", "2 Children"),
        (1, "Infants", "1 Infant"),
        (1, "Seniors", "1 Senior"),
        (1, "People", "1 Person"),
        (1, "Adults (18+)", "1 Adult (18+)"),
        (1, "Family (2+2)", "1 Family (2+2)"),
        (2, "Family (2+2)", "2 Families (2+2)"),
        (1, "Kayakers", "Kayakers: 1"),  # not sure of its singular: never a wrong one
        (2, "Kayakers", "2 Kayakers"),
        (1, "Seniors 65+", "Seniors 65+: 1"),
        (3, "Zoo crew", "Zoo crew: 3"),
        (0, "Adults", "0 Adults"),
    ],
)
def test_a_count_of_people_reads_right(count: int, name: str, said: str) -> None:
    assert people_count(count, name) == said


@given(st.integers(0, 999), st.text(min_size=1, max_size=40))
def test_a_count_always_names_its_number(count: int, name: str) -> None:
    text = people_count(count, name)
    assert str(count) in text and "(s)" not in text


def test_plural() -> None:
    assert plural(1, "subscription") == "1 subscription"
    assert plural(2, "subscription") == "2 subscriptions"
    assert plural(1, "person", "people") == "1 person"


def test_a_party_uses_the_account_names_never_raw_ids() -> None:
    booking = with_people("1", Cadults=3, Cchildren=1, NFAMLY=2)
    assert party(booking, NAMES) == "3 Adults, 1 Child, 2 Families (2+2)"
    # Without the account's names (a caller that forgot them): Bookeo's standard names.
    assert party(with_people("2", Cadults=1, Cchildren=2), {}) == "1 Adult, 2 Children"
    assert "NFAMLY" not in party(with_people("3", NFAMLY=1), {})


def test_a_booking_takes_the_seats_of_its_categories() -> None:
    assert booking_seats(with_people("1", Cadults=2, NFAMLY=1, Cinfants=1), CATEGORIES) == 6
    assert booking_seats(with_people("2", Cother=2), CATEGORIES) == 2  # unknown: a seat each


def test_headcounts_agree_with_seats_in_every_view() -> None:
    bookings = [with_people("1", NFAMLY=1), with_people("2", NFAMLY=1), with_people("3", Cadults=2)]
    [group] = group_by_slot(bookings, [], {}, CATEGORIES)
    assert group.people == 10
    roster = str(
        [
            b.to_dict()
            for m in roster_messages([group], title="T", tz=TZ, categories=NAMES, locale=EN)
            for b in m
        ]
    )
    assert "10 people" in roster and "1 Family (2+2)" in roster
    home = str(
        home_view(role=Role.STAFF, days=[("Today", [group])], tz=TZ, on_sandbox=False).to_dict()
    )
    assert "10 people" in home
    reminder = str(
        [
            b.to_dict()
            for b in reminder_blocks(group, START - timedelta(minutes=30), TZ, NAMES, locale=EN)
        ]
    )
    assert "10 people" in reminder and "1 Family (2+2)" in reminder and "Families" not in reminder


SYD = ZoneInfo("Australia/Sydney")


def test_a_course_is_its_weekly_sessions_even_across_a_clock_change() -> None:
    # 18:30–20:30 local on four Mondays; Sydney's clocks go forward on Sun 04 Oct 2026.
    start = datetime(2026, 9, 21, 18, 30, tzinfo=SYD)
    end = datetime(2026, 10, 12, 20, 30, tzinfo=SYD)
    sessions = course_sessions(start.astimezone(UTC), end.astimezone(UTC), SYD)
    assert [(s.strftime("%d %b %H:%M"), e.strftime("%H:%M")) for s, e in sessions] == [
        ("21 Sep 18:30", "20:30"),
        ("28 Sep 18:30", "20:30"),
        ("05 Oct 18:30", "20:30"),
        ("12 Oct 18:30", "20:30"),
    ]
    assert course_when(start, end, SYD) == (
        "Course of 4 sessions, 18:30–20:30: Mon 21 Sep, Mon 28 Sep, Mon 05 Oct, Mon 12 Oct"
    )


def test_a_span_that_is_not_weekly_is_shown_as_it_is() -> None:
    start = datetime(2026, 12, 7, 18, 30, tzinfo=SYD)
    assert course_sessions(start, start + timedelta(days=3), SYD) == []
    assert course_when(start, start + timedelta(hours=2), SYD) == "Mon 07 Dec, 18:30–20:30"


def test_a_course_card_and_its_slot_list_show_sessions() -> None:
    booking = make_booking(
        "9", "Ann", "Pottery", 1, endTime=(START + timedelta(weeks=3, hours=2)).isoformat()
    )
    options = CardOptions(
        tz=TZ, categories=NAMES, courses=frozenset({"P1"}), notes="Wheel 3", locale=EN
    )
    card = str([b.to_dict() for b in booking_card(booking, options)])
    assert "Course of 4 sessions" in card and "*Notes*" in card and "Wheel 3" in card
    assert "Course of 4 sessions" in card_text(booking, options)
    product = Product.model_validate({"productId": "P1", "name": "Pottery", "type": "fixedCourse"})
    [group] = group_by_slot([booking], [], {"P1": product}, CATEGORIES)
    listed = str(
        [
            b.to_dict()
            for m in roster_messages([group], title="T", tz=TZ, categories=NAMES, locale=EN)
            for b in m
        ]
    )
    assert "Course of 4 sessions" in listed
