"""Payments received for bookings (refunds are payments with a negative amount)."""

from __future__ import annotations

from enum import StrEnum

from ._base import BookeoModel, OpenEnum, Time
from .common import Money


class PaymentMethod(StrEnum):
    """Bookeo's own spellings, `checque` included."""

    CREDIT_CARD = "creditCard"
    PAYPAL = "paypal"
    BANK_TRANSFER = "bankTransfer"
    CASH = "cash"
    CHEQUE = "checque"
    DEBIT_CARD = "debitCard"
    EXISTING_CREDIT = "existingCredit"
    ACCOUNT_CREDIT = "accountCredit"
    MONEY_VOUCHER = "moneyVoucher"
    OTHER = "other"


class Payment(BookeoModel):
    id: str
    creation_time: Time | None = None
    received_time: Time | None = None
    reason: str | None = None
    description: str | None = None
    comment: str | None = None
    amount: Money
    payment_method: OpenEnum[PaymentMethod]
    payment_method_other: str | None = None
    agent: str | None = None
    customer_id: str | None = None
    gateway_name: str | None = None
    transaction_id: str | None = None


class NewPayment(BookeoModel):
    """The body of `POST /bookings/{n}/payments`, and an item of a booking's `initialPayments`."""

    amount: Money
    payment_method: PaymentMethod
    reason: str
    received_time: Time | None = None
    comment: str | None = None
    payment_method_other: str | None = None
