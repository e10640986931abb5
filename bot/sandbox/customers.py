"""The sandbox's customers: create, change, delete (with their past bookings) and search."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from .changes import Changes
from .errors import bad_request, conflict, not_found
from .records import BookingRecord, Customer, Ids
from .render import Json

_KNOWN_FIELDS = frozenset(
    {"firstName", "lastName", "emailAddress", "phoneNumbers", "id", "creationTime"}
)


class Customers:
    def __init__(
        self,
        *,
        customers: dict[str, Customer],
        bookings: dict[str, BookingRecord],
        ids: Ids,
        changes: Changes,
        now: Callable[[], datetime],
    ) -> None:
        self._customers = customers
        self._bookings = bookings
        self._ids = ids
        self._changes = changes
        self._now = now

    def create(self, body: Json, *, emit: bool = True) -> Customer:
        first, last = body.get("firstName"), body.get("lastName")
        if not (isinstance(first, str) and first.strip()) and not (
            isinstance(last, str) and last.strip()
        ):
            raise bad_request("A customer needs a firstName or a lastName")
        email = body.get("emailAddress")
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise bad_request("emailAddress is not a valid email address")
        phones = body.get("phoneNumbers") or []
        phone = phones[0].get("number") if phones and isinstance(phones[0], dict) else None
        customer = Customer(
            id=self._ids.new("CU"),
            first_name=str(first or "").strip(),
            last_name=str(last or "").strip(),
            email=email,
            phone=phone,
            phone_type=(phones[0].get("type") or "mobile") if phone else "mobile",
            creation_time=self._now(),
            extra={k: v for k, v in body.items() if k not in _KNOWN_FIELDS},
        )
        self._customers[customer.id] = customer
        if emit:
            self._changes.customer("created", customer)
        return customer

    def update(self, customer_id: str, body: Json) -> Customer:
        customer = self.get(customer_id)
        for key, attr in (("firstName", "first_name"), ("lastName", "last_name")):
            if isinstance(body.get(key), str):
                setattr(customer, attr, body[key])
        if "emailAddress" in body:
            customer.email = body["emailAddress"]
        phones = body.get("phoneNumbers")
        if isinstance(phones, list):
            customer.phone = phones[0].get("number") if phones else None
        self._changes.customer("updated", customer)
        return customer

    def delete(self, customer_id: str) -> None:
        """Only without future bookings; the past ones go with the customer, each announced."""
        customer = self.get(customer_id)
        now = self._now()
        if any(
            b.customer_id == customer_id and not b.canceled and b.start > now
            for b in self._bookings.values()
        ):
            raise conflict("This customer has future bookings; cancel them first")
        for booking in [b for b in self._bookings.values() if b.customer_id == customer_id]:
            # Rendered before it goes: the customer it expands still counts it.
            item = self._changes.booking_item(booking)
            del self._bookings[booking.number]
            self._changes.emit("bookings", "deleted", booking.number, item)
        del self._customers[customer.id]
        self._changes.emit("customers", "deleted", customer.id, None)

    def get(self, customer_id: str) -> Customer:
        customer = self._customers.get(customer_id)
        if customer is None:
            raise not_found("Customer")
        return customer

    def exists(self, customer_id: object) -> bool:
        return customer_id in self._customers

    def search(self, text: str | None, field_name: str) -> list[Customer]:
        found = sorted(self._customers.values(), key=lambda c: (c.last_name, c.first_name, c.id))
        if not text:
            return found
        needle = text.casefold()

        def fields(c: Customer) -> Iterable[str]:
            if field_name == "firstName":
                return [c.first_name]
            if field_name == "lastName":
                return [c.last_name]
            if field_name == "emailAddress":
                return [c.email or ""]
            return [c.first_name, c.last_name, f"{c.first_name} {c.last_name}"]

        return [c for c in found if any(needle in value.casefold() for value in fields(c))]
