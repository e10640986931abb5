"""The sandbox's payments: the checks Bookeo makes of a payment, recording one, totals paid.

A payment also counts as a change of its booking (an emulator choice, API.md §7), so
recording one announces both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from .changes import Changes
from .errors import bad_request
from .parsing import parse_amount, parse_time
from .records import BookingRecord, Ids, PaymentRecord
from .render import Json

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


class Payments:
    def __init__(
        self,
        *,
        payments: dict[str, PaymentRecord],
        ids: Ids,
        changes: Changes,
        currency: str,
        tz: tzinfo,
        now: Callable[[], datetime],
    ) -> None:
        self._payments = payments
        self._ids = ids
        self._changes = changes
        self._currency = currency
        self._tz = tz
        self._now = now

    def check(self, body: Any) -> None:
        """Refuse a payment body Bookeo would refuse (400), before anything is written."""
        if not isinstance(body, dict):
            raise bad_request("A payment must be an object")
        amount = body.get("amount")
        if not isinstance(amount, dict):
            raise bad_request("amount is required")
        value = parse_amount(amount.get("amount"))
        if amount.get("currency") != self._currency:
            raise bad_request(f"amount.currency must be {self._currency}")
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
            parse_time(str(body["receivedTime"]), self._tz, "receivedTime")

    def add(self, booking: BookingRecord, body: Json, *, agent: str | None) -> PaymentRecord:
        self.check(body)
        return self.record(booking, body, agent=agent, emit=True)

    def record(
        self, booking: BookingRecord, body: Json, *, agent: str | None, emit: bool
    ) -> PaymentRecord:
        """Write a checked payment; `emit=False` for a new booking's initial payments."""
        received = body.get("receivedTime")
        payment = PaymentRecord(
            id=self._ids.new("PA"),
            booking_number=booking.number,
            customer_id=booking.customer_id,
            amount=parse_amount(body["amount"]["amount"]),
            method=body["paymentMethod"],
            reason=body["reason"],
            comment=body.get("comment"),
            method_other=body.get("paymentMethodOther"),
            received_time=parse_time(received, self._tz, "receivedTime")
            if received
            else self._now(),
            creation_time=self._now(),
            agent=agent,
        )
        self._payments[payment.id] = payment
        if emit:
            booking.last_change_time = self._now()
            booking.last_change_agent = agent or "Customer (online)"
            self._changes.payment_created(payment)
            self._changes.booking("updated", booking)
        return payment

    def paid(self, booking_number: str) -> Decimal:
        return sum(
            (p.amount for p in self._payments.values() if p.booking_number == booking_number),
            Decimal(0),
        )
