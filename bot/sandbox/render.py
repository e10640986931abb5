"""How the sandbox writes Bookeo's JSON: camelCase objects in the account's local offset, money
as strings. A mixin of `BusinessState`, kept apart from the rules it enforces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records import BookingRecord, Customer, Event, Hold, PaymentRecord, WebhookRecord

Json = dict[str, Any]
BACK_OFFICE_AGENT = "Back office (sandbox)"


def money(amount: Decimal, currency: str) -> Json:
    return {"amount": format(amount.quantize(Decimal("0.01")), "f"), "currency": currency}


class JsonRendering:
    """Rendering of the sandbox's records (needs the attributes below from `BusinessState`)."""

    name: str
    tz: tzinfo
    currency: str
    account_id: str
    products: dict[str, Any]
    customers: dict[str, Customer]
    bookings: dict[str, BookingRecord]
    payments: dict[str, PaymentRecord]

    now: Callable[[], datetime]

    if TYPE_CHECKING:

        def paid(self, booking_number: str) -> Decimal: ...

        def seats_available(self, event: Event, *, ignore_booking: str | None = None) -> int: ...

    def local(self, value: datetime) -> str:
        """A date-time as Bookeo writes it: the account's local offset."""
        return value.astimezone(self.tz).isoformat(timespec="seconds")

    def customer_json(self, c: Customer) -> Json:
        data: Json = {**c.extra, "id": c.id, "firstName": c.first_name, "lastName": c.last_name}
        if c.email:
            data["emailAddress"] = c.email
        if c.phone:
            data["phoneNumbers"] = [{"number": c.phone, "type": c.phone_type}]
        data["creationTime"] = self.local(c.creation_time)
        mine = [b for b in self.bookings.values() if b.customer_id == c.id]
        now = self.now()
        upcoming = sorted(b.start for b in mine if not b.canceled and b.start > now)
        past = sorted(b.start for b in mine if not b.canceled and b.start <= now)
        if upcoming:
            data["startTimeOfNextBooking"] = self.local(upcoming[0])
        if past:
            data["startTimeOfPreviousBooking"] = self.local(past[-1])
        data["languageCode"] = c.language_code
        data["numBookings"] = len(mine)
        data["numCancelations"] = sum(1 for b in mine if b.canceled)
        data["numNoShows"] = 0
        data["member"] = False
        data["credit"] = money(Decimal(0), self.currency)
        return data

    def booking_json(
        self,
        b: BookingRecord,
        *,
        expand_customer: bool = False,
        expand_participants: bool = False,
    ) -> Json:
        product = self.products[b.product_id]
        customer = self.customers.get(b.customer_id)
        who = f"{customer.first_name} {customer.last_name}".strip() if customer else "Customer"
        data: Json = {
            "bookingNumber": b.number,
            "startTime": self.local(b.start),
            "endTime": self.local(b.end),
            "customerId": b.customer_id,
            "title": f"{who} - {product.name}",
            "participants": {
                "numbers": [
                    {"peopleCategoryId": cat, "number": n} for cat, n in sorted(b.numbers.items())
                ]
            },
            "canceled": b.canceled,
            "accepted": True,
            "creationTime": self.local(b.creation_time),
            "creationAgent": b.creation_agent,
            "productName": product.name,
            "productId": b.product_id,
            "price": self.price_json(b.gross, self.paid(b.number)),
            "noShow": False,
            "source": b.source,
        }
        if b.event_id:
            data["eventId"] = b.event_id
        if b.external_ref:
            data["externalRef"] = b.external_ref
        if b.options:
            data["options"] = b.options
        if b.canceled and b.cancelation_time:
            data["cancelationTime"] = self.local(b.cancelation_time)
            data["cancelationAgent"] = b.cancelation_agent or BACK_OFFICE_AGENT
        if b.last_change_time:
            data["lastChangeTime"] = self.local(b.last_change_time)
            data["lastChangeAgent"] = b.last_change_agent or BACK_OFFICE_AGENT
        if expand_customer and customer is not None:
            data["customer"] = self.customer_json(customer)
        if expand_participants:
            details: list[Json] = []
            for cat, count in sorted(b.numbers.items()):
                for index in range(1, count + 1):
                    person = "PSELF" if not details else "PUNKNOWN"
                    details.append(
                        {"personId": person, "peopleCategoryId": cat, "categoryIndex": index}
                    )
            data["participants"]["details"] = details
        return data

    def payment_json(self, p: PaymentRecord) -> Json:
        data: Json = {
            "id": p.id,
            "creationTime": self.local(p.creation_time),
            "receivedTime": self.local(p.received_time),
            "reason": p.reason,
            "description": f"Booking {p.booking_number}",
            "amount": money(p.amount, self.currency),
            "paymentMethod": p.method,
            "customerId": p.customer_id,
        }
        if p.comment:
            data["comment"] = p.comment
        if p.method_other:
            data["paymentMethodOther"] = p.method_other
        if p.agent:
            data["agent"] = p.agent
        else:
            data["gatewayName"] = "Sandbox Pay"
            data["transactionId"] = f"TX-{p.id}"
        return data

    def slot_json(self, e: Event) -> Json:
        data: Json = {
            "eventId": e.event_id,
            "startTime": self.local(e.start),
            "endTime": self.local(e.end),
            "numSeatsAvailable": self.seats_available(e),
        }
        if e.sessions:
            data["courseSchedule"] = {
                "events": [
                    {"eventNumber": i, "startTime": self.local(s), "endTime": self.local(t)}
                    for i, (s, t) in enumerate(e.sessions, start=1)
                ]
            }
        return data

    def hold_json(self, h: Hold) -> Json:
        return {
            "id": h.id,
            "price": self.price_json(h.gross, Decimal(0)),
            "totalPayable": money(h.gross, self.currency),
            "expiration": self.local(h.expiration),
        }

    def price_json(self, gross: Decimal, paid: Decimal) -> Json:
        """A Price: the sandbox charges no tax, so net equals gross."""
        return {
            "totalGross": money(gross, self.currency),
            "totalNet": money(gross, self.currency),
            "totalTaxes": money(Decimal(0), self.currency),
            "totalPaid": money(paid, self.currency),
        }

    def webhook_json(self, w: WebhookRecord) -> Json:
        data: Json = {"id": w.id, "url": w.url, "domain": w.domain, "type": w.type}
        if w.blocked_time is not None:
            data["blockedTime"] = self.local(w.blocked_time)
            data["blockedReason"] = w.blocked_reason or "Too many failed deliveries"
        return data

    def business_json(self) -> Json:
        return {
            "id": self.account_id,
            "name": self.name,
            "phoneNumbers": [{"number": "+1 555 0100", "type": "work"}],
            "websiteURL": "https://sandbox.example.com",
            "emailAddress": "hello@sandbox.example.com",
            "streetAddress": {
                "address1": "1 Harbour Road",
                "city": "Port Sandbox",
                "countryCode": "US",
                "postcode": "00000",
            },
            "description": "<p>A made-up business served by the bookeo-bot sandbox.</p>",
        }
