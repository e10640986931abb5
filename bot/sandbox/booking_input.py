"""What a Booking body (or a hold's) asks for, checked the way Bookeo checks it.

Shared by bookings and holds: the product, the slot (an event, or a flexibleTime span),
the party by people category, and whether that many seats are free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from .errors import bad_request, conflict
from .parsing import parse_time
from .records import Category, Event, Product
from .render import Json
from .seats import Seats


@dataclass(frozen=True)
class Requested:
    """What a valid body books."""

    product: Product
    event: Event | None
    start: datetime
    end: datetime
    numbers: dict[str, int]


class BookingInput:
    def __init__(
        self,
        *,
        categories: dict[str, Category],
        products: dict[str, Product],
        events: dict[str, Event],
        seats: Seats,
        tz: tzinfo,
        now: Callable[[], datetime],
    ) -> None:
        self._categories = categories
        self._products = products
        self._events = events
        self._seats = seats
        self._tz = tz
        self._now = now

    def resolve(self, body: Json, *, backend: bool, ignore_booking: str | None = None) -> Requested:
        """Check a Booking body the way Bookeo does; return what it books."""
        product_id = body.get("productId")
        if not isinstance(product_id, str) or product_id not in self._products:
            raise bad_request(f"Unknown productId {product_id!r}")
        product = self._products[product_id]
        numbers = self.numbers_from(body.get("participants"), product)
        if product.type in ("fixed", "fixedCourse"):
            event = self._event(body, product)
            start, end = event.start, event.end
            if event.sessions:
                end = event.sessions[-1][1]
            if not backend and start <= self._now():
                raise bad_request("This event has already started; it can no longer be booked")
            free = self._seats.seats_available(event, ignore_booking=ignore_booking)
            needed = self._seats.seats_for(numbers)
            if needed > free:
                raise conflict(
                    f"Not enough seats available: {needed} requested, {free} left for this event"
                )
            return Requested(product, event, start, end, numbers)
        start, end = self._span(body, product)
        if not backend and start <= self._now():
            raise bad_request("startTime is in the past")
        if self._seats.flexible_busy(product_id, start, end, ignore=ignore_booking):
            raise conflict("The requested time is not available")
        return Requested(product, None, start, end, numbers)

    def numbers_from(self, participants: Any, product: Product) -> dict[str, int]:
        if not isinstance(participants, dict) or not isinstance(participants.get("numbers"), list):
            raise bad_request("participants.numbers is required")
        numbers: dict[str, int] = {}
        for item in participants["numbers"]:
            if not isinstance(item, dict):
                raise bad_request("participants.numbers must hold objects")
            cat, count = item.get("peopleCategoryId"), item.get("number")
            if cat not in self._categories:
                raise bad_request(f"Unknown peopleCategoryId {cat!r}")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise bad_request("participants.numbers[].number must be a whole number >= 0")
            if None not in product.rates and cat not in product.rates and count:
                raise bad_request(f"{self._categories[cat].name} cannot book {product.name}")
            numbers[cat] = numbers.get(cat, 0) + count
        numbers = {cat: n for cat, n in numbers.items() if n}
        total = sum(numbers.values())
        if total < 1:
            raise bad_request("A booking needs at least one participant")
        if total > product.max_people:
            raise bad_request(f"At most {product.max_people} people per booking for {product.name}")
        return numbers

    def flexible_event_start(self, event_id: str) -> datetime | None:
        stamp = event_id.rsplit("_", 1)[1]
        try:
            return datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=self._tz)
        except ValueError:
            return None

    def _event(self, body: Json, product: Product) -> Event:
        event_id = body.get("eventId")
        if not isinstance(event_id, str) or not event_id:
            raise bad_request("eventId is required for this product")
        event = self._events.get(event_id)
        if event is None or event.product_id != product.product_id:
            raise bad_request(f"Unknown eventId {event_id!r} for product {product.name}")
        return event

    def _span(self, body: Json, product: Product) -> tuple[datetime, datetime]:
        """A flexibleTime booking's [start, end): from startTime/endTime or the slot's id."""
        requested = self._time_field(body, "startTime")
        event_id = body.get("eventId")
        if requested is None and isinstance(event_id, str) and "_" in event_id:
            requested = self.flexible_event_start(event_id)
        if requested is None:
            raise bad_request("startTime or eventId is required for a flexibleTime product")
        start = requested
        end = self._time_field(body, "endTime") or start + product.duration
        if end <= start:
            raise bad_request("endTime must be after startTime")
        return start, end

    def _time_field(self, body: Json, name: str) -> datetime | None:
        value = body.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a date-time string")
        return parse_time(value, self._tz, name)
