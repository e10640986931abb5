"""One sandboxed Bookeo account: its records, and the operations on them by resource.

`BusinessState` is what the routes, the seed, the shell's back office and the tests hold.
It keeps the records in plain dicts (seed.py fills them, tests read them) and hands each
operation to the resource that owns its rules: customers.py, bookings.py, payments.py,
holds.py, subscriptions.py, with seats.py and booking_input.py for capacity and the checks a
booking body gets. Rendering to Bookeo JSON is the `JsonRendering` mixin (render.py), by
hand from our own fields — deliberately not through the client's models, so that the
contract tests compare two independent readings of API.md.

Emulator choices for what Bookeo does not document (API.md §7): capacity and state
conflicts answer 409; a payment also counts as a booking update.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from .booking_input import BookingInput
from .bookings import Bookings
from .changes import Changes, Listener
from .customers import Customers
from .holds import Holds
from .payments import Payments
from .records import (
    BookingRecord,
    Category,
    Customer,
    Event,
    Hold,
    Ids,
    PaymentRecord,
    Product,
    WebhookRecord,
)
from .render import BACK_OFFICE_AGENT as BACK_OFFICE_AGENT
from .render import Json, JsonRendering
from .seats import Seats, price
from .subscriptions import Subscriptions

API_AGENT = "API: bookeo-bot"


class BusinessState(JsonRendering):
    """Everything one sandboxed Bookeo account holds, and the operations on it."""

    def __init__(
        self,
        *,
        name: str,
        tz: tzinfo,
        currency: str,
        now: Callable[[], datetime],
        account_id: str = "SANDBOX-ACCOUNT",
    ) -> None:
        self.name = name
        self.tz = tz
        self.currency = currency
        self.now = now
        self.account_id = account_id
        self.created = now()
        self.categories: dict[str, Category] = {}
        self.products: dict[str, Product] = {}
        self.events: dict[str, Event] = {}
        self.customers: dict[str, Customer] = {}
        self.bookings: dict[str, BookingRecord] = {}
        self.payments: dict[str, PaymentRecord] = {}
        self.holds: dict[str, Hold] = {}
        self.webhooks: dict[str, WebhookRecord] = {}
        self._ids = Ids(self.bookings)
        self._changes = Changes(self)
        self._seats = Seats(
            categories=self.categories, bookings=self.bookings, holds=self.holds, now=now
        )
        self._input = BookingInput(
            categories=self.categories,
            products=self.products,
            events=self.events,
            seats=self._seats,
            tz=tz,
            now=now,
        )
        self._customers = Customers(
            customers=self.customers,
            bookings=self.bookings,
            ids=self._ids,
            changes=self._changes,
            now=now,
        )
        self._payments = Payments(
            payments=self.payments,
            ids=self._ids,
            changes=self._changes,
            currency=currency,
            tz=tz,
            now=now,
        )
        self._holds = Holds(holds=self.holds, booking_input=self._input, ids=self._ids, now=now)
        self._bookings = Bookings(
            bookings=self.bookings,
            booking_input=self._input,
            customers=self._customers,
            payments=self._payments,
            holds=self._holds,
            ids=self._ids,
            changes=self._changes,
            now=now,
        )
        self._subscriptions = Subscriptions(webhooks=self.webhooks, ids=self._ids)

    # -- ids and change notices -------------------------------------------------------------

    def next_booking_number(self) -> str:
        return self._ids.booking_number()

    def next_id(self, prefix: str) -> str:
        return self._ids.new(prefix)

    def subscribe(self, listener: Listener) -> None:
        """Called as listener(domain, type, item_id, item_json) after every change."""
        self._changes.subscribe(listener)

    # -- seats and prices -------------------------------------------------------------------

    def seats_for(self, numbers: dict[str, int]) -> int:
        return self._seats.seats_for(numbers)

    def seats_used(self, event_id: str, *, ignore_booking: str | None = None) -> int:
        return self._seats.seats_used(event_id, ignore_booking=ignore_booking)

    def seats_available(self, event: Event, *, ignore_booking: str | None = None) -> int:
        return self._seats.seats_available(event, ignore_booking=ignore_booking)

    def flexible_busy(
        self, product_id: str, start: datetime, end: datetime, *, ignore: str | None = None
    ) -> bool:
        return self._seats.flexible_busy(product_id, start, end, ignore=ignore)

    def price(self, product: Product, numbers: dict[str, int]) -> Decimal:
        return price(product, numbers)

    def paid(self, booking_number: str) -> Decimal:
        return self._payments.paid(booking_number)

    def numbers_from(self, participants: Any, product: Product) -> dict[str, int]:
        return self._input.numbers_from(participants, product)

    # -- customers --------------------------------------------------------------------------

    def create_customer(self, body: Json, *, emit: bool = True) -> Customer:
        return self._customers.create(body, emit=emit)

    def update_customer(self, customer_id: str, body: Json) -> Customer:
        return self._customers.update(customer_id, body)

    def delete_customer(self, customer_id: str) -> None:
        self._customers.delete(customer_id)

    def get_customer(self, customer_id: str) -> Customer:
        return self._customers.get(customer_id)

    def search_customers(self, text: str | None, field_name: str) -> list[Customer]:
        return self._customers.search(text, field_name)

    # -- bookings and payments --------------------------------------------------------------

    def get_booking(self, number: str) -> BookingRecord:
        return self._bookings.get(number)

    def create_booking(
        self,
        body: Json,
        *,
        agent: str,
        backend: bool,
        previous_hold_id: str | None = None,
        source: str = "api",
    ) -> BookingRecord:
        return self._bookings.create(
            body, agent=agent, backend=backend, previous_hold_id=previous_hold_id, source=source
        )

    def update_booking(
        self, number: str, body: Json, *, agent: str, backend: bool
    ) -> BookingRecord:
        return self._bookings.update(number, body, agent=agent, backend=backend)

    def cancel_booking(self, number: str, *, agent: str, reason: str | None) -> BookingRecord:
        return self._bookings.cancel(number, agent=agent, reason=reason)

    def add_payment(self, number: str, body: Json, *, agent: str | None) -> PaymentRecord:
        return self._payments.add(self.get_booking(number), body, agent=agent)

    # -- holds and webhooks -----------------------------------------------------------------

    def create_hold(self, body: Json, *, seconds: int, previous_hold_id: str | None) -> Hold:
        return self._holds.create(body, seconds=seconds, previous_hold_id=previous_hold_id)

    def get_hold(self, hold_id: str) -> Hold:
        return self._holds.get(hold_id)

    def delete_hold(self, hold_id: str) -> None:
        self._holds.release(self.get_hold(hold_id).id)

    def register_webhook(self, body: Json, *, allow_http: bool) -> WebhookRecord:
        return self._subscriptions.register(body, allow_http=allow_http)

    def get_webhook(self, webhook_id: str) -> WebhookRecord:
        return self._subscriptions.get(webhook_id)

    def delete_webhook(self, webhook_id: str) -> None:
        self._subscriptions.delete(webhook_id)
