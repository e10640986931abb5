"""Webhook registrations and the notification Bookeo POSTs to them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ._base import BookeoModel, OpenEnum, Time


class WebhookDomain(StrEnum):
    BOOKINGS = "bookings"
    SEAT_BLOCKS = "seatblocks"
    RESOURCE_BLOCKS = "resourceblocks"
    CUSTOMERS = "customers"
    PAYMENTS = "payments"


class WebhookType(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class Webhook(BookeoModel):
    id: str
    url: str
    domain: OpenEnum[WebhookDomain]
    type: OpenEnum[WebhookType]
    blocked_time: Time | None = None
    blocked_reason: str | None = None

    @property
    def blocked(self) -> bool:
        return self.blocked_time is not None


class NewWebhook(BookeoModel):
    """The body of `POST /webhooks`; the URL must be https and may carry a query string."""

    url: str
    domain: WebhookDomain
    type: WebhookType


class WebhookNotification(BookeoModel):
    """The body of a delivery: `{itemId, item, timestamp}` (API.md §6.2).

    `item` is kept as raw JSON here; `bot.bookeo.webhooks.parse_event` types it by the
    domain the receiving URL names, because the body does not say which domain fired.
    """

    item_id: str
    item: dict[str, Any] | None = None
    timestamp: str | int | None = None
