"""A bookable time, typed: a fixed product's event, or a flexible product's start time.

Slack carries a slot as a string option value; that encoding lives at the Slack boundary
(`bot.slack.views.booking_form.slot_value` / `parse_slot`), never in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.bookeo.models import Booking


@dataclass(frozen=True)
class EventSlot:
    """A slot of a fixed-time product, booked by its Bookeo event id."""

    event_id: str


@dataclass(frozen=True)
class TimeSlot:
    """A start time of a flexible-time product (Bookeo books it by time, not by event)."""

    start: datetime


Slot = EventSlot | TimeSlot


@dataclass(frozen=True)
class SlotChoice:
    """A slot that can take a booking now, with its times and the seats it has left."""

    slot: Slot
    start: datetime
    end: datetime | None
    seats_left: int | None


def slot_of(booking: Booking) -> Slot | None:
    """The slot a booking holds (Bookeo's generated event ids for flexible products have no
    "_", so those bookings are held by their start time)."""
    if booking.event_id and "_" in booking.event_id and booking.product_id:
        return EventSlot(booking.event_id)
    return TimeSlot(booking.start_time) if booking.start_time else None
