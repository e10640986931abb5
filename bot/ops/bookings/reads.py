"""What the booking forms read: a booking, its note, the times that can take it, customers."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.bookeo import BadRequest, BookeoError, NotFound
from bot.bookeo.models import Booking, Customer, MatchingSlotsSearch, PeopleNumber, Product
from bot.ops.bookings._services import Services
from bot.party import limit_problem, rated_categories, seats_needed
from bot.roster import day_window
from bot.slots import EventSlot, SlotChoice, TimeSlot, slot_of

log = logging.getLogger("bot.ops.bookings")

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class DayTimes:
    """A day and the times on it that can take a booking."""

    day: date
    slots: list[SlotChoice]
    party_error: str | None = None  # Bookeo refused to look for times for this party: why


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
    return (await day_times(s, product, day, people, booking=booking)).slots


async def day_times(
    s: Services,
    product: Product,
    day: date,
    people: dict[str, int],
    *,
    booking: Booking | None = None,
) -> DayTimes:
    """Times on `day` that can take a booking, and why Bookeo refused the party if it did.
    An edited booking's own time is always among them, past or not: keeping it needs no
    free slot (a note on last week's booking is still a note)."""
    try:
        start, end = day_window(day, 1, s.tz)
    except OverflowError:  # a hand-made date at the end of the calendar (9999-12-31)
        return DayTimes(day, [])
    own = _own_time(booking, start, end)
    now = s.clock.now()
    if end <= now:
        return DayTimes(day, [own] if own is not None else [])
    refused = None
    if product.type == "flexibleTime":
        choices, refused = await _flexible_times(s, product, people, start=max(start, now), end=end)
    else:
        choices = await _event_times(s, product, booking, start=start, end=end, now=now)
    if own is not None and own.slot not in {c.slot for c in choices}:
        choices.append(own)
    return DayTimes(day, sorted(choices, key=lambda c: c.start), refused)


def _own_time(booking: Booking | None, start: datetime, end: datetime) -> SlotChoice | None:
    """An edited booking's own time when it falls on the day [start, end)."""
    if booking is None or booking.start_time is None or not start <= booking.start_time < end:
        return None
    slot = slot_of(booking)
    return None if slot is None else SlotChoice(slot, booking.start_time, booking.end_time, None)


async def _event_times(
    s: Services,
    product: Product,
    booking: Booking | None,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[SlotChoice]:
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
) -> tuple[list[SlotChoice], str | None]:
    """The free times for this party, and Bookeo's refusal of the party if it refused it.

    A party past the product's own limits is not sent (the form says so under the party);
    nor is an empty one: the times are looked up for one person of the first category
    then, and again when Bookeo refuses the party, so the form keeps its times."""
    categories = await s.catalog.categories()
    first = rated_categories(product, categories)[0]
    one = [PeopleNumber(people_category_id=first.id, number=1)]
    party = [PeopleNumber(people_category_id=c, number=n) for c, n in people.items() if n > 0]
    if not party or limit_problem(product, people, categories) is not None:
        return await _matching(s, product, one, start=start, end=end), None
    try:
        return await _matching(s, product, party, start=start, end=end), None
    except BadRequest as refused:
        if party == one:
            raise
        times = await _matching(s, product, one, start=start, end=end)
        return times, refused.message or "Bookeo refused this party."


async def _matching(
    s: Services, product: Product, party: list[PeopleNumber], *, start: datetime, end: datetime
) -> list[SlotChoice]:
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
    try:
        return await asyncio.wait_for(_customers_matching(s, query), budget)
    except (TimeoutError, BookeoError):
        return None


async def _customers_matching(s: Services, query: str) -> list[Customer]:
    """Bookeo's own search, then the names the bot has indexed that it missed: Bookeo
    matches the name as typed, so `obrien` finds "O'Brien" only here."""
    if "@" in query:
        return await s.bookeo.customers.search(query, field="emailAddress").to_list(
            limit=SEARCH_LIMIT
        )
    found = await s.bookeo.customers.search(query).to_list(limit=SEARCH_LIMIT)
    known = {c.id for c in found}
    for customer_id in s.indexer.named(query):
        if len(found) >= SEARCH_LIMIT:
            break
        if customer_id not in known:
            try:
                found.append(await s.bookeo.customers.get(customer_id))
            except NotFound:
                continue  # deleted since it was indexed
    return found
