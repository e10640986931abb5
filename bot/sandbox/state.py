"""The sandbox's business: products, slots, customers, bookings, payments, holds, webhooks.

Plain dataclasses and the rules Bookeo enforces (seat capacity, prices from people
categories, totalPaid from payments, canceled bookings kept). Rendering to Bookeo JSON is in
`render.py`, by hand from our own fields — deliberately not through the client's models, so
that the contract tests compare two independent readings of API.md.

Emulator choices for what Bookeo does not document (API.md §7): capacity and state
conflicts answer 409; a payment also counts as a booking update.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .errors import bad_request, conflict, not_found
from .render import BACK_OFFICE_AGENT as BACK_OFFICE_AGENT
from .render import Json, JsonRendering, money

PAYMENT_METHODS = frozenset(
    {
        "creditCard",
        "paypal",
        "bankTransfer",
        "cash",
        "checque",
        "debitCard",
        "existingCredit",
        "accountCredit",
        "moneyVoucher",
        "other",
    }
)
WEBHOOK_DOMAINS = frozenset({"bookings", "seatblocks", "resourceblocks", "customers", "payments"})
WEBHOOK_TYPES = frozenset({"created", "updated", "deleted"})
API_AGENT = "API: bookeo-bot"


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


Listener = Callable[[str, str, str, "Json | None"], None]


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
        self._numbers = itertools.count(1001)
        self._ids = itertools.count(1)
        self._listeners: list[Listener] = []

    # -- ids, time, events ------------------------------------------------------------------

    def next_booking_number(self) -> str:
        number = str(next(self._numbers))
        while number in self.bookings:
            number = str(next(self._numbers))
        return number

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}SBX"

    def subscribe(self, listener: Listener) -> None:
        """Called as listener(domain, type, item_id, item_json) after every change."""
        self._listeners.append(listener)

    def _emit(self, domain: str, type: str, item_id: str, item: Json | None) -> None:
        for listener in self._listeners:
            listener(domain, type, item_id, item)

    # -- seats and prices -------------------------------------------------------------------

    def seats_for(self, numbers: dict[str, int]) -> int:
        return sum(n * self.categories[cat].num_seats for cat, n in numbers.items())

    def seats_used(self, event_id: str, *, ignore_booking: str | None = None) -> int:
        now = self.now()
        used = sum(
            self.seats_for(b.numbers)
            for b in self.bookings.values()
            if b.event_id == event_id and not b.canceled and b.number != ignore_booking
        )
        used += sum(
            self.seats_for(h.numbers)
            for h in self.holds.values()
            if h.event_id == event_id and h.expiration > now
        )
        return used

    def seats_available(self, event: Event, *, ignore_booking: str | None = None) -> int:
        return max(
            event.capacity - self.seats_used(event.event_id, ignore_booking=ignore_booking), 0
        )

    def price(self, product: Product, numbers: dict[str, int]) -> Decimal:
        total = product.rates.get(None, Decimal(0)) if sum(numbers.values()) else Decimal(0)
        for cat, count in numbers.items():
            total += product.rates.get(cat, Decimal(0)) * count
        return total

    def paid(self, booking_number: str) -> Decimal:
        return sum(
            (p.amount for p in self.payments.values() if p.booking_number == booking_number),
            Decimal(0),
        )

    def flexible_busy(
        self, product_id: str, start: datetime, end: datetime, *, ignore: str | None = None
    ) -> bool:
        """Whether the single resource of a flexibleTime product is taken in [start, end)."""
        now = self.now()
        spans = [
            (b.start, b.end)
            for b in self.bookings.values()
            if b.product_id == product_id and not b.canceled and b.number != ignore
        ] + [
            (h.start, h.end)
            for h in self.holds.values()
            if h.product_id == product_id and h.expiration > now
        ]
        return any(s < end and start < e for s, e in spans)

    # -- validation shared by bookings and holds -------------------------------------------

    def resolve_booking_input(
        self, body: Json, *, backend: bool, ignore_booking: str | None = None
    ) -> tuple[Product, Event | None, datetime, datetime, dict[str, int]]:
        """Check a Booking body the way Bookeo does; return what it books."""
        product_id = body.get("productId")
        if not isinstance(product_id, str) or product_id not in self.products:
            raise bad_request(f"Unknown productId {product_id!r}")
        product = self.products[product_id]
        numbers = self.numbers_from(body.get("participants"), product)
        event: Event | None = None
        if product.type in ("fixed", "fixedCourse"):
            event_id = body.get("eventId")
            if not isinstance(event_id, str) or not event_id:
                raise bad_request("eventId is required for this product")
            event = self.events.get(event_id)
            if event is None or event.product_id != product_id:
                raise bad_request(f"Unknown eventId {event_id!r} for product {product.name}")
            start, end = event.start, event.end
            if event.sessions:
                end = event.sessions[-1][1]
            if not backend and start <= self.now():
                raise bad_request("This event has already started; it can no longer be booked")
            free = self.seats_available(event, ignore_booking=ignore_booking)
            needed = self.seats_for(numbers)
            if needed > free:
                raise conflict(
                    f"Not enough seats available: {needed} requested, {free} left for this event"
                )
        else:
            requested = self._time_field(body, "startTime")
            event_id = body.get("eventId")
            if requested is None and isinstance(event_id, str) and "_" in event_id:
                requested = self.flexible_event_start(event_id)
            if requested is None:
                raise bad_request("startTime or eventId is required for a flexibleTime product")
            start = requested
            end = self._time_field(body, "endTime") or start + product.duration
            if end <= start:
                raise bad_request("endTime must be after startTime")
            if not backend and start <= self.now():
                raise bad_request("startTime is in the past")
            if self.flexible_busy(product_id, start, end, ignore=ignore_booking):
                raise conflict("The requested time is not available")
        return product, event, start, end, numbers

    def flexible_event_start(self, event_id: str) -> datetime | None:
        stamp = event_id.rsplit("_", 1)[1]
        try:
            return datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=self.tz)
        except ValueError:
            return None

    def numbers_from(self, participants: Any, product: Product) -> dict[str, int]:
        if not isinstance(participants, dict) or not isinstance(participants.get("numbers"), list):
            raise bad_request("participants.numbers is required")
        numbers: dict[str, int] = {}
        for item in participants["numbers"]:
            if not isinstance(item, dict):
                raise bad_request("participants.numbers must hold objects")
            cat, count = item.get("peopleCategoryId"), item.get("number")
            if cat not in self.categories:
                raise bad_request(f"Unknown peopleCategoryId {cat!r}")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise bad_request("participants.numbers[].number must be a whole number >= 0")
            if None not in product.rates and cat not in product.rates and count:
                raise bad_request(f"{self.categories[cat].name} cannot book {product.name}")
            numbers[cat] = numbers.get(cat, 0) + count
        numbers = {cat: n for cat, n in numbers.items() if n}
        total = sum(numbers.values())
        if total < 1:
            raise bad_request("A booking needs at least one participant")
        if total > product.max_people:
            raise bad_request(f"At most {product.max_people} people per booking for {product.name}")
        return numbers

    def _time_field(self, body: Json, name: str) -> datetime | None:
        value = body.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a date-time string")
        return parse_time(value, self.tz, name)

    # -- customers --------------------------------------------------------------------------

    def create_customer(self, body: Json, *, emit: bool = True) -> Customer:
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
        known = {"firstName", "lastName", "emailAddress", "phoneNumbers", "id", "creationTime"}
        customer = Customer(
            id=self.next_id("CU"),
            first_name=str(first or "").strip(),
            last_name=str(last or "").strip(),
            email=email,
            phone=phone,
            phone_type=(phones[0].get("type") or "mobile") if phone else "mobile",
            creation_time=self.now(),
            extra={k: v for k, v in body.items() if k not in known},
        )
        self.customers[customer.id] = customer
        if emit:
            self._emit("customers", "created", customer.id, self.customer_json(customer))
        return customer

    def update_customer(self, customer_id: str, body: Json) -> Customer:
        customer = self.get_customer(customer_id)
        for key, attr in (("firstName", "first_name"), ("lastName", "last_name")):
            if isinstance(body.get(key), str):
                setattr(customer, attr, body[key])
        if "emailAddress" in body:
            customer.email = body["emailAddress"]
        phones = body.get("phoneNumbers")
        if isinstance(phones, list):
            customer.phone = phones[0].get("number") if phones else None
        self._emit("customers", "updated", customer.id, self.customer_json(customer))
        return customer

    def delete_customer(self, customer_id: str) -> None:
        customer = self.get_customer(customer_id)
        now = self.now()
        if any(
            b.customer_id == customer_id and not b.canceled and b.start > now
            for b in self.bookings.values()
        ):
            raise conflict("This customer has future bookings; cancel them first")
        for booking in [b for b in self.bookings.values() if b.customer_id == customer_id]:
            item = self.booking_json(booking, expand_customer=True)
            del self.bookings[booking.number]
            self._emit("bookings", "deleted", booking.number, item)
        del self.customers[customer.id]
        self._emit("customers", "deleted", customer.id, None)

    def get_customer(self, customer_id: str) -> Customer:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise not_found("Customer")
        return customer

    def search_customers(self, text: str | None, field_name: str) -> list[Customer]:
        found = sorted(self.customers.values(), key=lambda c: (c.last_name, c.first_name, c.id))
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

    # -- bookings ---------------------------------------------------------------------------

    def get_booking(self, number: str) -> BookingRecord:
        booking = self.bookings.get(number)
        if booking is None:
            raise not_found("Booking")
        return booking

    def create_booking(
        self,
        body: Json,
        *,
        agent: str,
        backend: bool,
        previous_hold_id: str | None = None,
        source: str = "api",
    ) -> BookingRecord:
        if previous_hold_id is not None:
            self.holds.pop(previous_hold_id, None)
        product, event, start, end, numbers = self.resolve_booking_input(body, backend=backend)
        customer_id = body.get("customerId")
        inline = body.get("customer")
        if customer_id is not None and inline is not None:
            raise bad_request("Give customerId or customer, not both")
        if customer_id is not None:
            if not isinstance(customer_id, str) or customer_id not in self.customers:
                raise bad_request(f"Unknown customerId {customer_id!r}")
        elif isinstance(inline, dict):
            customer_id = self.create_customer(inline).id
        else:
            raise bad_request("A booking needs customerId or a customer")
        external_ref = body.get("externalRef")
        if external_ref is not None and (
            not isinstance(external_ref, str) or len(external_ref) > 64
        ):
            raise bad_request("externalRef must be a string of at most 64 characters")
        payments = body.get("initialPayments") or []
        if not isinstance(payments, list):
            raise bad_request("initialPayments must be a list")
        for item in payments:
            self._check_payment_body(item)
        booking = BookingRecord(
            number=self.next_booking_number(),
            product_id=product.product_id,
            event_id=event.event_id if event else None,
            start=start,
            end=end,
            customer_id=customer_id,
            numbers=numbers,
            gross=self.price(product, numbers),
            creation_time=self.now(),
            creation_agent=agent,
            source=source,
            external_ref=external_ref,
            options=[o for o in body.get("options") or [] if isinstance(o, dict)],
        )
        self.bookings[booking.number] = booking
        for item in payments:
            self._record_payment(booking, item, agent=agent, emit=False)
        self._emit(
            "bookings", "created", booking.number, self.booking_json(booking, expand_customer=True)
        )
        return booking

    def update_booking(
        self, number: str, body: Json, *, agent: str, backend: bool
    ) -> BookingRecord:
        booking = self.get_booking(number)
        if booking.canceled:
            raise conflict("A canceled booking cannot be changed")
        if body.get("productId") not in (None, booking.product_id):
            raise bad_request("The product of a booking cannot be changed; cancel and rebook")
        merged = {"productId": booking.product_id, **body}
        product, event, start, end, numbers = self.resolve_booking_input(
            merged, backend=backend, ignore_booking=number
        )
        customer_id = body.get("customerId", booking.customer_id)
        if customer_id not in self.customers:
            raise bad_request(f"Unknown customerId {customer_id!r}")
        booking.event_id = event.event_id if event else None
        booking.start, booking.end = start, end
        booking.numbers = numbers
        booking.gross = self.price(product, numbers)
        booking.customer_id = customer_id
        if "externalRef" in body:
            booking.external_ref = body["externalRef"]
        if isinstance(body.get("options"), list):
            booking.options = [o for o in body["options"] if isinstance(o, dict)]
        booking.last_change_time = self.now()
        booking.last_change_agent = agent
        self._emit(
            "bookings", "updated", booking.number, self.booking_json(booking, expand_customer=True)
        )
        return booking

    def cancel_booking(self, number: str, *, agent: str, reason: str | None) -> BookingRecord:
        booking = self.get_booking(number)
        if booking.canceled:
            raise conflict("This booking is already canceled")
        booking.canceled = True
        booking.cancelation_time = self.now()
        booking.cancelation_agent = agent
        booking.cancelation_reason = reason
        self._emit(
            "bookings", "deleted", booking.number, self.booking_json(booking, expand_customer=True)
        )
        return booking

    # -- payments ---------------------------------------------------------------------------

    def _check_payment_body(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise bad_request("A payment must be an object")
        amount = body.get("amount")
        if not isinstance(amount, dict):
            raise bad_request("amount is required")
        value = parse_amount(amount.get("amount"))
        if amount.get("currency") != self.currency:
            raise bad_request(f"amount.currency must be {self.currency}")
        if value == 0:
            raise bad_request("amount must not be zero")
        method = body.get("paymentMethod")
        if method not in PAYMENT_METHODS:
            raise bad_request(f"paymentMethod must be one of {', '.join(sorted(PAYMENT_METHODS))}")
        if method == "other" and not body.get("paymentMethodOther"):
            raise bad_request("paymentMethodOther is required when paymentMethod is other")
        if not isinstance(body.get("reason"), str) or not body["reason"].strip():
            raise bad_request("reason is required")
        if body.get("receivedTime") is not None:
            parse_time(str(body["receivedTime"]), self.tz, "receivedTime")

    def add_payment(self, number: str, body: Json, *, agent: str | None) -> PaymentRecord:
        booking = self.get_booking(number)
        self._check_payment_body(body)
        return self._record_payment(booking, body, agent=agent, emit=True)

    def _record_payment(
        self, booking: BookingRecord, body: Json, *, agent: str | None, emit: bool
    ) -> PaymentRecord:
        received = body.get("receivedTime")
        payment = PaymentRecord(
            id=self.next_id("PA"),
            booking_number=booking.number,
            customer_id=booking.customer_id,
            amount=parse_amount(body["amount"]["amount"]),
            method=body["paymentMethod"],
            reason=body["reason"],
            comment=body.get("comment"),
            method_other=body.get("paymentMethodOther"),
            received_time=parse_time(received, self.tz, "receivedTime") if received else self.now(),
            creation_time=self.now(),
            agent=agent,
        )
        self.payments[payment.id] = payment
        if emit:
            booking.last_change_time = self.now()
            booking.last_change_agent = agent or "Customer (online)"
            self._emit("payments", "created", payment.id, self.payment_json(payment))
            self._emit(
                "bookings",
                "updated",
                booking.number,
                self.booking_json(booking, expand_customer=True),
            )
        return payment

    # -- holds ------------------------------------------------------------------------------

    def create_hold(self, body: Json, *, seconds: int, previous_hold_id: str | None) -> Hold:
        if previous_hold_id is not None:
            self.holds.pop(previous_hold_id, None)
        product, event, start, end, numbers = self.resolve_booking_input(body, backend=False)
        hold = Hold(
            id=self.next_id("HO"),
            product_id=product.product_id,
            event_id=event.event_id if event else None,
            start=start,
            end=end,
            numbers=numbers,
            gross=self.price(product, numbers),
            expiration=self.now() + timedelta(seconds=seconds),
        )
        self.holds[hold.id] = hold
        return hold

    def get_hold(self, hold_id: str) -> Hold:
        hold = self.holds.get(hold_id)
        if hold is None or hold.expiration <= self.now():
            self.holds.pop(hold_id, None)
            raise not_found("Hold")
        return hold

    # -- webhooks ---------------------------------------------------------------------------

    def register_webhook(self, body: Json, *, allow_http: bool) -> WebhookRecord:
        url, domain, type_ = body.get("url"), body.get("domain"), body.get("type")
        if not isinstance(url, str) or not url:
            raise bad_request("url is required")
        if not url.startswith("https://") and not (allow_http and url.startswith("http://")):
            raise bad_request("Webhook URLs must use https")
        if domain not in WEBHOOK_DOMAINS:
            raise bad_request(f"domain must be one of {', '.join(sorted(WEBHOOK_DOMAINS))}")
        if type_ not in WEBHOOK_TYPES:
            raise bad_request(f"type must be one of {', '.join(sorted(WEBHOOK_TYPES))}")
        # One webhook per (api key, domain, type): a new one replaces the old.
        for existing in [
            w for w in self.webhooks.values() if (w.domain, w.type) == (domain, type_)
        ]:
            del self.webhooks[existing.id]
        webhook = WebhookRecord(id=self.next_id("WH"), url=url, domain=domain, type=type_)
        self.webhooks[webhook.id] = webhook
        return webhook

    def get_webhook(self, webhook_id: str) -> WebhookRecord:
        webhook = self.webhooks.get(webhook_id)
        if webhook is None:
            raise not_found("Webhook")
        return webhook


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad_request("amount.amount must be a decimal number")
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise bad_request("amount.amount must be a decimal number") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise bad_request("amount.amount must have at most 2 decimals")
    return amount


def parse_time(value: str, tz: tzinfo, name: str) -> datetime:
    """RFC 3339 as Bookeo accepts it: Z, any offset, or -00:00 meaning the account's zone."""
    text = value.strip()
    try:
        if text.endswith("-00:00"):
            return datetime.fromisoformat(text[: -len("-00:00")]).replace(tzinfo=tz)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} is not an RFC 3339 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise bad_request(f"{name} needs a UTC offset: {value!r}")
    return parsed


def parse_day(value: str, tz: tzinfo, name: str, *, end: bool) -> datetime:
    """A `YYYY-MM-DD` date (or a date-time) as the start or end of that day in `tz`."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return parse_time(value, tz, name)
    moment = datetime(day.year, day.month, day.day, tzinfo=tz)
    return moment + timedelta(days=1) - timedelta(seconds=1) if end else moment
