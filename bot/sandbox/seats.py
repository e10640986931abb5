"""Who fits where: the seats bookings and live holds take, and what a party costs.

Read by bookings and holds before they take a place, by the slot routes (seats left) and
by the seed. It changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from .records import BookingRecord, Category, Event, Hold, Product


class Seats:
    def __init__(
        self,
        *,
        categories: dict[str, Category],
        bookings: dict[str, BookingRecord],
        holds: dict[str, Hold],
        now: Callable[[], datetime],
    ) -> None:
        self._categories = categories
        self._bookings = bookings
        self._holds = holds
        self._now = now

    def seats_for(self, numbers: dict[str, int]) -> int:
        return sum(n * self._categories[cat].num_seats for cat, n in numbers.items())

    def seats_used(self, event_id: str, *, ignore_booking: str | None = None) -> int:
        now = self._now()
        used = sum(
            self.seats_for(b.numbers)
            for b in self._bookings.values()
            if b.event_id == event_id and not b.canceled and b.number != ignore_booking
        )
        used += sum(
            self.seats_for(h.numbers)
            for h in self._holds.values()
            if h.event_id == event_id and h.expiration > now
        )
        return used

    def seats_available(self, event: Event, *, ignore_booking: str | None = None) -> int:
        return max(
            event.capacity - self.seats_used(event.event_id, ignore_booking=ignore_booking), 0
        )

    def flexible_busy(
        self, product_id: str, start: datetime, end: datetime, *, ignore: str | None = None
    ) -> bool:
        """Whether the single resource of a flexibleTime product is taken in [start, end)."""
        now = self._now()
        spans = [
            (b.start, b.end)
            for b in self._bookings.values()
            if b.product_id == product_id and not b.canceled and b.number != ignore
        ] + [
            (h.start, h.end)
            for h in self._holds.values()
            if h.product_id == product_id and h.expiration > now
        ]
        return any(s < end and start < e for s, e in spans)


def price(product: Product, numbers: dict[str, int]) -> Decimal:
    """A party's price: the per-booking rate (if any people come) plus each category's."""
    total = product.rates.get(None, Decimal(0)) if sum(numbers.values()) else Decimal(0)
    for cat, count in numbers.items():
        total += product.rates.get(cat, Decimal(0)) * count
    return total
