"""Bookings, their participants, price and options."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ._base import BookeoModel, Time
from .common import Money, PeopleNumber, Resource
from .customers import Customer, LinkedPerson, NewCustomer
from .payments import NewPayment


class Participant(BookeoModel):
    """One person of a booking; `person_id` is PSELF, PNEW, PUNKNOWN or a linked person id."""

    person_id: str
    people_category_id: str
    category_index: int
    person_details: LinkedPerson | None = None


class Participants(BookeoModel):
    numbers: list[PeopleNumber] = Field(default_factory=list)
    details: list[Participant] | None = None

    @property
    def total(self) -> int:
        return sum(n.number for n in self.numbers)


class PriceTax(BookeoModel):
    tax_id: str | None = None
    amount: Money | None = None


class Price(BookeoModel):
    total_gross: Money
    total_net: Money
    total_taxes: Money
    total_paid: Money
    taxes: list[PriceTax] | None = None

    @property
    def balance_due(self) -> Money:
        """What the customer still owes (never negative)."""
        due = max(self.total_gross.amount - self.total_paid.amount, Decimal(0))
        return Money(amount=due, currency=self.total_gross.currency)


class PriceAdjustment(BookeoModel):
    unit_price: Money | None = None
    quantity: int | None = None
    description: str | None = None
    tax_ids: list[str] | None = None


class BookingOption(BookeoModel):
    id: str | None = None
    name: str | None = None
    value: str


class Booking(BookeoModel):
    """A booking as Bookeo returns it.

    Read-only fields are optional here so that the same model can be merged and sent back
    in a full-replacement PUT (`to_update()`).
    """

    booking_number: str
    event_id: str | None = None
    first_course_enrolled_event_id: str | None = None
    dropin_course_enrolled_event_id: str | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    customer_id: str | None = None
    customer: Customer | None = None
    title: str | None = None
    external_ref: str | None = None
    participants: Participants = Field(default_factory=Participants)
    resources: list[Resource] | None = None
    canceled: bool = False
    cancelation_time: Time | None = None
    cancelation_agent: str | None = None
    accepted: bool | None = None
    source_ip: str | None = None
    creation_time: Time | None = None
    creation_agent: str | None = None
    last_change_time: Time | None = None
    last_change_agent: str | None = None
    product_name: str | None = None
    product_id: str
    price: Price | None = None
    options: list[BookingOption] | None = None
    private_event: bool | None = None
    price_adjustments: list[PriceAdjustment] | None = None
    promotion_name: str | None = None
    coupon_codes: list[str] | None = None
    specific_voucher_code: str | None = None
    no_show: bool | None = None
    # Type unconfirmed (API.md §5): a string in most sources, an object in one client.
    source: str | dict[str, object] | None = None

    def to_update(self) -> BookingUpdate:
        """This booking as the body of a full-replacement PUT (read-only fields dropped)."""
        data = self.model_dump(
            by_alias=False,
            exclude_none=True,
            exclude=_READ_ONLY_BOOKING_FIELDS,
        )
        return BookingUpdate.model_validate(data)


_READ_ONLY_BOOKING_FIELDS = {
    "booking_number",
    "title",
    "canceled",
    "cancelation_time",
    "cancelation_agent",
    "accepted",
    "creation_time",
    "creation_agent",
    "last_change_time",
    "last_change_agent",
    "product_name",
    "price",
    "promotion_name",
    "coupon_codes",
    "specific_voucher_code",
    "no_show",
    "source",
    "customer",
}


class NewBooking(BookeoModel):
    """The body of `POST /bookings` and `POST /holds`.

    fixed / fixedCourse products need `event_id`; flexibleTime products take `event_id` or
    `start_time`. Give `customer_id` for an existing customer or `customer` for a new one.
    """

    product_id: str
    participants: Participants
    event_id: str | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    customer_id: str | None = None
    customer: NewCustomer | None = None
    external_ref: str | None = Field(default=None, max_length=64)
    resources: list[Resource] | None = None
    options: list[BookingOption] | None = None
    private_event: bool | None = None
    promotion_code_input: str | None = None
    gift_voucher_code_input: str | None = None
    initial_payments: list[NewPayment] | None = None


class BookingUpdate(BookeoModel):
    """The body of `PUT /bookings/{n}`: the whole booking's writable fields, changes applied.

    Unknown fields read from Bookeo ride along (`extra="allow"`), so a PUT never drops them.
    """

    product_id: str
    participants: Participants
    event_id: str | None = None
    first_course_enrolled_event_id: str | None = None
    dropin_course_enrolled_event_id: str | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    customer_id: str | None = None
    external_ref: str | None = None
    resources: list[Resource] | None = None
    options: list[BookingOption] | None = None
    private_event: bool | None = None
    price_adjustments: list[PriceAdjustment] | None = None
    source_ip: str | None = None
