"""The sandbox's bookings: create (with a new customer or initial payments), change, cancel.

A canceled booking is kept, as Bookeo keeps it; the product of a booking never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .booking_input import BookingInput
from .changes import Changes
from .customers import Customers
from .errors import bad_request, conflict, not_found
from .holds import Holds
from .payments import Payments
from .records import BookingRecord, Ids
from .render import Json
from .seats import price


class Bookings:
    def __init__(
        self,
        *,
        bookings: dict[str, BookingRecord],
        booking_input: BookingInput,
        customers: Customers,
        payments: Payments,
        holds: Holds,
        ids: Ids,
        changes: Changes,
        now: Callable[[], datetime],
    ) -> None:
        self._bookings = bookings
        self._input = booking_input
        self._customers = customers
        self._payments = payments
        self._holds = holds
        self._ids = ids
        self._changes = changes
        self._now = now

    def get(self, number: str) -> BookingRecord:
        booking = self._bookings.get(number)
        if booking is None:
            raise not_found("Booking")
        return booking

    def create(
        self,
        body: Json,
        *,
        agent: str,
        backend: bool,
        previous_hold_id: str | None = None,
        source: str = "api",
    ) -> BookingRecord:
        if previous_hold_id is not None:
            self._holds.release(previous_hold_id)
        wanted = self._input.resolve(body, backend=backend)
        customer_id = self._customer_of(body)
        external_ref = body.get("externalRef")
        if external_ref is not None and (
            not isinstance(external_ref, str) or len(external_ref) > 64
        ):
            raise bad_request("externalRef must be a string of at most 64 characters")
        payments = body.get("initialPayments") or []
        if not isinstance(payments, list):
            raise bad_request("initialPayments must be a list")
        for item in payments:
            self._payments.check(item)
        booking = BookingRecord(
            number=self._ids.booking_number(),
            product_id=wanted.product.product_id,
            event_id=wanted.event.event_id if wanted.event else None,
            start=wanted.start,
            end=wanted.end,
            customer_id=customer_id,
            numbers=wanted.numbers,
            gross=price(wanted.product, wanted.numbers),
            creation_time=self._now(),
            creation_agent=agent,
            source=source,
            external_ref=external_ref,
            options=[o for o in body.get("options") or [] if isinstance(o, dict)],
        )
        self._bookings[booking.number] = booking
        for item in payments:
            self._payments.record(booking, item, agent=agent, emit=False)
        self._changes.booking("created", booking)
        return booking

    def update(self, number: str, body: Json, *, agent: str, backend: bool) -> BookingRecord:
        booking = self.get(number)
        if booking.canceled:
            raise conflict("A canceled booking cannot be changed")
        if body.get("productId") not in (None, booking.product_id):
            raise bad_request("The product of a booking cannot be changed; cancel and rebook")
        merged = {"productId": booking.product_id, **body}
        wanted = self._input.resolve(merged, backend=backend, ignore_booking=number)
        customer_id = body.get("customerId", booking.customer_id)
        if not self._customers.exists(customer_id):
            raise bad_request(f"Unknown customerId {customer_id!r}")
        booking.event_id = wanted.event.event_id if wanted.event else None
        booking.start, booking.end = wanted.start, wanted.end
        booking.numbers = wanted.numbers
        booking.gross = price(wanted.product, wanted.numbers)
        booking.customer_id = customer_id
        if "externalRef" in body:
            booking.external_ref = body["externalRef"]
        if isinstance(body.get("options"), list):
            booking.options = [o for o in body["options"] if isinstance(o, dict)]
        booking.last_change_time = self._now()
        booking.last_change_agent = agent
        self._changes.booking("updated", booking)
        return booking

    def cancel(self, number: str, *, agent: str, reason: str | None) -> BookingRecord:
        booking = self.get(number)
        if booking.canceled:
            raise conflict("This booking is already canceled")
        booking.canceled = True
        booking.cancelation_time = self._now()
        booking.cancelation_agent = agent
        booking.cancelation_reason = reason
        self._changes.booking("deleted", booking)
        return booking

    def _customer_of(self, body: Json) -> str:
        """The booking's customer: an existing one by id, or a new one from the body."""
        customer_id = body.get("customerId")
        inline = body.get("customer")
        if customer_id is not None and inline is not None:
            raise bad_request("Give customerId or customer, not both")
        if customer_id is not None:
            if not isinstance(customer_id, str) or not self._customers.exists(customer_id):
                raise bad_request(f"Unknown customerId {customer_id!r}")
            return customer_id
        if isinstance(inline, dict):
            return self._customers.create(inline).id
        raise bad_request("A booking needs customerId or a customer")
