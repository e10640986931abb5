"""A day's (or a few days') bookings grouped by slot, with seats left. Pure grouping plus one
fetch function; the Slack views render the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from bot.bookeo import BookeoClient
from bot.bookeo.models import Booking, PeopleCategory, Product, ProductType, Slot
from bot.party import booking_seats


@dataclass(frozen=True)
class SlotGroup:
    start: datetime
    end: datetime | None
    product_id: str
    product_name: str
    bookings: list[Booking] = field(default_factory=list)
    seats_left: int | None = None
    people: int = 0  # the seats its bookings take: a "Family (2+2)" is four
    course: bool = False  # a fixedCourse product: one booking, several weekly sessions

    @property
    def unpaid(self) -> int:
        return sum(1 for b in self.bookings if b.price and b.price.balance_due.amount > 0)


def day_window(first_day: date, days: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    return start, start + timedelta(days=days) - timedelta(seconds=1)


def group_by_slot(
    bookings: list[Booking],
    slots: list[Slot],
    products: dict[str, Product],
    categories: dict[str, PeopleCategory],
) -> list[SlotGroup]:
    """Bookings sharing a product and a start time form one slot; slots add seats left, and
    the people categories how many seats each booking takes."""
    seats = {slot.event_id: slot.num_seats_available for slot in slots}
    groups: dict[tuple[str, datetime], list[Booking]] = {}
    for booking in bookings:
        if booking.canceled or booking.start_time is None:
            continue
        groups.setdefault((booking.product_id, booking.start_time), []).append(booking)
    result = []
    for (product_id, start), members in groups.items():
        product = products.get(product_id)
        event_id = next((b.event_id for b in members if b.event_id), None)
        result.append(
            SlotGroup(
                start=start,
                end=members[0].end_time,
                product_id=product_id,
                product_name=product.name if product else (members[0].product_name or product_id),
                bookings=sorted(members, key=lambda b: b.booking_number),
                seats_left=seats.get(event_id) if event_id else None,
                people=sum(booking_seats(b, categories) for b in members),
                course=product is not None and product.type == ProductType.FIXED_COURSE,
            )
        )
    return sorted(result, key=lambda g: (g.start, g.product_name))


async def fetch_roster(
    bookeo: BookeoClient,
    products: list[Product],
    categories: dict[str, PeopleCategory],
    *,
    first_day: date,
    days: int,
    tz: tzinfo,
    product: Product | None = None,
) -> list[SlotGroup]:
    """Every booking starting in the window (all pages), with seats left per fixed slot."""
    start, end = day_window(first_day, days, tz)
    product_id = product.product_id if product else None
    bookings = await bookeo.bookings.list(
        start=start, end=end, product_id=product_id, expand_customer=True
    ).to_list()
    slot_products = [
        p for p in products if p.type != "flexibleTime" and (product is None or p is product)
    ]
    slots: list[Slot] = []
    if slot_products:
        slots = await bookeo.availability.slots(
            start=start, end=end, product_id=product_id if product else None
        ).to_list()
    return group_by_slot(bookings, slots, {p.product_id: p for p in products}, categories)
