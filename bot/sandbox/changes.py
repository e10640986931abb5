"""Telling whoever listens (the webhook sender) what changed, as Bookeo's webhooks carry it."""

from __future__ import annotations

from collections.abc import Callable

from .records import BookingRecord, Customer, PaymentRecord
from .render import Json, JsonRendering

Listener = Callable[[str, str, str, "Json | None"], None]


class Changes:
    """Renders a changed record the way its webhook carries it and hands it to each listener."""

    def __init__(self, render: JsonRendering) -> None:
        self._render = render
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Called as listener(domain, type, item_id, item_json) after every change."""
        self._listeners.append(listener)

    def emit(self, domain: str, type: str, item_id: str, item: Json | None) -> None:
        for listener in self._listeners:
            listener(domain, type, item_id, item)

    def booking_item(self, booking: BookingRecord) -> Json:
        return self._render.booking_json(booking, expand_customer=True)

    def booking(self, type: str, booking: BookingRecord) -> None:
        self.emit("bookings", type, booking.number, self.booking_item(booking))

    def customer(self, type: str, customer: Customer) -> None:
        self.emit("customers", type, customer.id, self._render.customer_json(customer))

    def payment_created(self, payment: PaymentRecord) -> None:
        self.emit("payments", "created", payment.id, self._render.payment_json(payment))
