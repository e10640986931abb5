"""Account settings: products, people categories, the business, the api key."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ._base import BookeoModel, OpenEnum, Time
from .common import Image, Money, PhoneNumber, StreetAddress


class ProductType(StrEnum):
    FIXED = "fixed"
    FIXED_COURSE = "fixedCourse"
    FLEXIBLE_TIME = "flexibleTime"


class Duration(BookeoModel):
    days: int = 0
    hours: int = 0
    minutes: int = 0


class BookingLimit(BookeoModel):
    people_category_id: str | None = None
    min: int = 0
    max: int


class PriceRate(BookeoModel):
    """A default rate; no category means a price per booking."""

    people_category_id: str | None = None
    price: Money


class Product(BookeoModel):
    name: str
    description: str | None = None
    images: list[Image] | None = None
    product_id: str
    product_code: str | None = None
    booking_limits: list[BookingLimit] = Field(default_factory=list)
    default_rates: list[PriceRate] | None = None
    duration: Duration = Field(default_factory=Duration)
    type: OpenEnum[ProductType]
    members_only: bool = False
    prepaid_only: bool = False
    accept_deny: bool = False
    api_bookings_allowed: bool = True
    drop_in_only: bool | None = None
    allow_private_events: bool | None = None


class PeopleCategory(BookeoModel):
    id: str
    name: str
    num_seats: int = 1


class Business(BookeoModel):
    id: str
    name: str
    legal_identifiers: str | None = None
    phone_numbers: list[PhoneNumber] = Field(default_factory=list)
    website_url: str | None = Field(default=None, alias="websiteURL")
    email_address: str | None = None
    street_address: StreetAddress | None = None
    logo: Image | None = None
    description: str | None = None


class ApiKeyInfo(BookeoModel):
    account_id: str
    permissions: list[str] = Field(default_factory=list)
    creation_time: Time | None = None
