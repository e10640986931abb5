"""What a person asked for, typed and already validated: the input of each booking operation.

Listeners build these from Slack forms (bot/slack/modals/form.py); the shell or a test can
build them directly."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bookeo.models import Booking, NewPayment, Product
from bot.slots import SlotChoice


@dataclass(frozen=True)
class NewCustomerForm:
    first_name: str
    last_name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class CreateForm:
    """A booking to make. `key` identifies the form: the same key never books twice."""

    key: str
    product: Product
    slot: SlotChoice
    people: dict[str, int]
    notes: str
    customer_id: str | None = None
    new_customer: NewCustomerForm | None = None
    notify_customer: bool = True


@dataclass(frozen=True)
class EditForm:
    """A change to `booking` (as it was read when the form was submitted)."""

    booking: Booking
    slot: SlotChoice
    people: dict[str, int]
    notes: str


@dataclass(frozen=True)
class CancelForm:
    booking_number: str
    reason: str
    notify_customer: bool
    apply_cancellation_policy: bool


@dataclass(frozen=True)
class PaymentForm:
    """A payment (a refund when the amount is negative). `key` identifies the form."""

    key: str
    booking_number: str
    payment: NewPayment

    @property
    def is_refund(self) -> bool:
        return self.payment.amount.amount < 0
