"""Slots (seats per event), matching slots for a party, and holds."""

from __future__ import annotations

from pydantic import Field

from ._base import BookeoModel, Time
from .bookings import BookingOption, Price
from .common import Money, PeopleNumber, Resource


class CourseEvent(BookeoModel):
    event_number: int
    event_id: str | None = None
    start_time: Time
    end_time: Time


class CourseSchedule(BookeoModel):
    title: str | None = None
    events: list[CourseEvent] = Field(default_factory=list)


class Slot(BookeoModel):
    event_id: str
    start_time: Time
    end_time: Time
    num_seats_available: int
    course_schedule: CourseSchedule | None = None
    resources: list[Resource] | None = None


class MatchingSlot(BookeoModel):
    event_id: str | None = None
    start_time: Time
    end_time: Time
    price: Money | None = None
    course_schedule: CourseSchedule | None = None
    resources: list[Resource] | None = None


class MatchingSlotsSearch(BookeoModel):
    """The body of `POST /availability/matchingslots`."""

    product_id: str
    start_time: Time
    end_time: Time
    people_numbers: list[PeopleNumber] = Field(min_length=1)
    options: list[BookingOption] | None = None
    resources: list[Resource] | None = None


class Hold(BookeoModel):
    id: str
    price: Price
    expiration: Time
    total_payable: Money | None = None
    applicable_money_credit: Money | None = None
    applicable_gift_voucher_credit: Money | None = None
    applicable_prepaid_credits: int | None = None
    promotion_applicable: bool | None = None
    applied_promotion_discount: Money | None = None
