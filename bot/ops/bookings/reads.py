"""What the booking forms read: a booking, its note, the times that can take it, customers."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.bookeo import BookeoError
from bot.bookeo.models import Booking, Customer, MatchingSlotsSearch, PeopleNumber, Product
from bot.ops.bookings._services import Services
from bot.party import rated_categories, seats_needed
from bot.roster import day_window
from bot.slots import EventSlot, SlotChoice, TimeSlot

log = logging.getLogger("bot.ops.bookings")

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class DayTimes:
    """A day and the times on it that can take a booking."""

    day: date
    slots: list[SlotChoice]


async def reread(s: Services, booking_number: str) -> Booking | None:
    """The booking after a write, with its customer; None when Bookeo cannot say now (the
    write happened, and a failed re-read must not hide that)."""
    try:
        return await s.bookeo.bookings.get(booking_number, expand_customer=True)
    except BookeoError:
        log.warning("could not re-read booking %s after a write", booking_number)
        return None


async def load_slots(
    s: Services,
    product: Product,
    day: date,
    people: dict[str, int],
    *,
    booking: Booking | None = None,
) -> list[SlotChoice]:
    """Times on `day` that can take a booking (for an edit: also the booking's own time)."""
    try:
        start, end = day_window(day, 1, s.tz)
    except OverflowError:  # a hand-made date at the end of the calendar (9999-12-31)
        return []
    now = s.clock.now()
    if end <= now:
        return []
    if product.type == "flexibleTime":
        choices = await _flexible_times(s, product, people, start=max(start, now), end=end)
        if booking is not None and booking.start_time and start <= booking.start_time <= end:
            own = SlotChoice(
                TimeSlot(booking.start_time), booking.start_time, booking.end_time, None
            )
            if own.slot not in {c.slot for c in choices}:
                choices.append(own)
        return sorted(choices, key=lambda c: c.start)
    own_seats = 0
    if booking is not None:
        own_seats = seats_needed(
            {n.people_category_id: n.number for n in booking.participants.numbers},
            await s.catalog.categories(),
        )
    choices = []
    async for slot in s.bookeo.availability.slots(
        start=start, end=end, product_id=product.product_id
    ):
        mine = booking is not None and slot.event_id == booking.event_id
        seats = slot.num_seats_available + (own_seats if mine else 0)
        if (slot.start_time > now and seats > 0) or mine:
            choices.append(
                SlotChoice(EventSlot(slot.event_id), slot.start_time, slot.end_time, seats)
            )
    return sorted(choices, key=lambda c: c.start)


async def _flexible_times(
    s: Services, product: Product, people: dict[str, int], *, start: datetime, end: datetime
) -> list[SlotChoice]:
    party = [PeopleNumber(people_category_id=c, number=n) for c, n in people.items() if n]
    if not party:
        first = rated_categories(product, await s.catalog.categories())[0]
        party = [PeopleNumber(people_category_id=first.id, number=1)]
    search = MatchingSlotsSearch(
        product_id=product.product_id, start_time=start, end_time=end, people_numbers=party
    )
    return [
        SlotChoice(TimeSlot(match.start_time), match.start_time, match.end_time, None)
        async for match in s.bookeo.availability.matching_slots(search)
    ]


async def first_day_with_times(
    s: Services, product: Product, day: date, people: dict[str, int], *, look_ahead: int = 7
) -> DayTimes:
    """The first of the next days that has a free time (`day`, with none, if none has)."""
    for offset in range(look_ahead):
        if day > date.max - timedelta(days=offset):
            break  # the calendar ends
        later = day + timedelta(days=offset)
        slots = await load_slots(s, product, later, people)
        if slots:
            return DayTimes(later, slots)
    return DayTimes(day, [])


async def search_customers(s: Services, query: str, *, budget: float) -> list[Customer] | None:
    """Customers matching `query` (by email when it has an @), found within `budget`
    seconds; None when Bookeo was too slow or failed."""
    search = (
        s.bookeo.customers.search(query, field="emailAddress")
        if "@" in query
        else s.bookeo.customers.search(query)
    )
    try:
        return await asyncio.wait_for(search.to_list(limit=SEARCH_LIMIT), budget)
    except (TimeoutError, BookeoError):
        return None
