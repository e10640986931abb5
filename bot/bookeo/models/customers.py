"""Customers and the people linked to them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ._base import BookeoModel, OpenEnum, Time
from .common import CustomField, Money, PhoneNumber, StreetAddress


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class PersonFields(BookeoModel):
    """Fields a customer shares with a linked person."""

    id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_numbers: list[PhoneNumber] | None = None
    street_address: StreetAddress | None = None
    creation_time: Time | None = None
    start_time_of_next_booking: Time | None = None
    start_time_of_previous_booking: Time | None = None
    date_of_birth: dt.date | None = None
    custom_fields: list[CustomField] | None = None
    gender: OpenEnum[Gender] | None = None

    @property
    def full_name(self) -> str:
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(part for part in parts if part) or "(no name)"


class LinkedPerson(PersonFields):
    customer_id: str | None = None


class Customer(PersonFields):
    """A Bookeo customer. `id` is absent only on a customer we are about to create."""

    facebook_id: str | None = None
    credit: Money | None = None
    language_code: str | None = None
    accept_sms_reminders: bool | None = None
    num_bookings: int | None = None
    num_cancelations: int | None = None
    num_no_shows: int | None = None
    member: bool | None = None
    membership_end: dt.date | None = None


class NewCustomer(BookeoModel):
    """The request body of `POST /customers`, and the inline customer of a new booking."""

    first_name: str
    last_name: str
    email_address: str | None = None
    phone_numbers: list[PhoneNumber] | None = None
    street_address: StreetAddress | None = None
    language_code: str | None = None
    accept_sms_reminders: bool | None = None
