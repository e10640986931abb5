"""The sandbox's records: what one Bookeo account holds, as plain dataclasses.

The rules that create and change them live with each resource (customers.py, bookings.py,
payments.py, holds.py, subscriptions.py); rendering to Bookeo JSON is in render.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .render import Json, money


@dataclass
class Category:
    id: str
    name: str
    num_seats: int = 1


@dataclass
class Product:
    product_id: str
    code: str
    name: str
    description: str
    type: str  # fixed | fixedCourse | flexibleTime
    duration: timedelta
    rates: dict[str | None, Decimal]  # None = per booking
    max_people: int
    capacity: int = 0  # seats per event (fixed, fixedCourse)
    course_sessions: int = 0
    opening: tuple[int, int] = (9, 18)  # flexibleTime: first start hour, closing hour

    def to_json(self, currency: str) -> Json:
        minutes = int(self.duration.total_seconds() // 60)
        return {
            "name": self.name,
            "description": self.description,
            "productId": self.product_id,
            "productCode": self.code,
            "bookingLimits": [{"min": 1, "max": self.max_people}],
            "defaultRates": [
                ({"peopleCategoryId": cat} if cat else {}) | {"price": money(price, currency)}
                for cat, price in self.rates.items()
            ],
            "duration": {"days": 0, "hours": minutes // 60, "minutes": minutes % 60},
            "type": self.type,
            "membersOnly": False,
            "prepaidOnly": False,
            "acceptDeny": False,
            "apiBookingsAllowed": True,
            "dropInOnly": False,
            "allowPrivateEvents": self.type == "flexibleTime",
        }


@dataclass
class Event:
    """A bookable slot of a fixed or fixedCourse product (a course: its first session)."""

    event_id: str
    product_id: str
    start: datetime
    end: datetime
    capacity: int
    sessions: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass
class Customer:
    id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    creation_time: datetime
    phone_type: str = "mobile"
    language_code: str = "en_US"
    extra: Json = field(default_factory=dict)


@dataclass
class PaymentRecord:
    id: str
    booking_number: str
    customer_id: str
    amount: Decimal
    method: str
    reason: str
    received_time: datetime
    creation_time: datetime
    agent: str | None
    comment: str | None = None
    method_other: str | None = None


@dataclass
class BookingRecord:
    number: str
    product_id: str
    event_id: str | None
    start: datetime
    end: datetime
    customer_id: str
    numbers: dict[str, int]
    gross: Decimal
    creation_time: datetime
    creation_agent: str
    source: str = "website"
    external_ref: str | None = None
    options: list[Json] = field(default_factory=list)
    canceled: bool = False
    cancelation_time: datetime | None = None
    cancelation_agent: str | None = None
    cancelation_reason: str | None = None
    last_change_time: datetime | None = None
    last_change_agent: str | None = None

    @property
    def updated_at(self) -> datetime:
        return max(
            t
            for t in (self.creation_time, self.last_change_time, self.cancelation_time)
            if t is not None
        )


@dataclass
class Hold:
    id: str
    product_id: str
    event_id: str | None
    start: datetime
    end: datetime
    numbers: dict[str, int]
    gross: Decimal
    expiration: datetime


@dataclass
class WebhookRecord:
    id: str
    url: str
    domain: str
    type: str
    blocked_time: datetime | None = None
    blocked_reason: str | None = None
    consecutive_failures: int = 0
    lost: bool = False  # the next delivery carries X-Bookeo-PreviousMessageLost: true


class Ids:
    """New ids: booking numbers from 1001 up (skipping taken ones), others by prefix."""

    def __init__(self, bookings: dict[str, BookingRecord]) -> None:
        self._bookings = bookings
        self._numbers = itertools.count(1001)
        self._ids = itertools.count(1)

    def booking_number(self) -> str:
        number = str(next(self._numbers))
        while number in self._bookings:
            number = str(next(self._numbers))
        return number

    def new(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}SBX"
