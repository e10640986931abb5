"""Value types shared by several resources: Money, pagination info, phone numbers, addresses."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from ._base import BookeoModel, OpenEnum


def _to_decimal(value: Any) -> Any:
    # Bookeo sends amounts as JSON strings ("85"); the 2015 spec said float. Accept both, and
    # go through str() for floats so 0.1 stays 0.1 rather than its binary expansion.
    if isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return value.strip()
    return value


def _amount_text(value: Decimal) -> str:
    # Emit strings, as Bookeo does; fixed-point (never "1E+2").
    return format(value, "f")


Amount = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(allow_inf_nan=False),
    PlainSerializer(_amount_text, return_type=str, when_used="json"),
]


class Money(BookeoModel):
    """`{amount, currency}`; amount is a `Decimal`, negative for refunds."""

    amount: Amount
    currency: str

    def __str__(self) -> str:
        return f"{_amount_text(self.amount)} {self.currency}"


class PageInfo(BookeoModel):
    """`info` of a list envelope. The token is present only when there is more than one page."""

    total_items: int = 0
    total_pages: int = 1
    current_page: int = 1
    page_navigation_token: str | None = None


class PhoneType(StrEnum):
    MOBILE = "mobile"
    WORK = "work"
    HOME = "home"
    FAX = "fax"


class PhoneNumber(BookeoModel):
    number: str
    type: OpenEnum[PhoneType] = PhoneType.MOBILE


class StreetAddress(BookeoModel):
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    country_code: str | None = None
    state: str | None = None
    postcode: str | None = None


class Image(BookeoModel):
    url: str


class Resource(BookeoModel):
    id: str
    name: str | None = None


class CustomField(BookeoModel):
    id: str | None = None
    name: str | None = None
    value: str


class PeopleNumber(BookeoModel):
    """How many people of one category: `{peopleCategoryId, number}`."""

    people_category_id: str
    number: int = Field(ge=0)
