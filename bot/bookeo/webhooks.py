"""Webhook deliveries from Bookeo: signature, replay protection, typed events.

The signature (API.md §6.3; what every public verifier does identically):

    message   = X-Bookeo-Timestamp + X-Bookeo-MessageId + <registered URL> + <raw body>
    signature = lowercase hex HMAC-SHA256(key = the application secret key, data = message)

valid when it matches in constant time (case-insensitively) and the timestamp (Unix ms) is
within 120 s of now. The URL is the one registered with Bookeo, verbatim, query string
included — not the URL the request appears to arrive at behind a proxy.

Neither the body nor the headers say which domain/type fired, so the receiving URL encodes
it (`/bookeo/webhooks/{domain}/{type}`) and the caller passes it to `parse_event`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .errors import InvalidSignature, MalformedDelivery
from .models import Booking, Customer, Payment, WebhookDomain, WebhookNotification, WebhookType

HEADER_MESSAGE_ID = "X-Bookeo-MessageId"
HEADER_TIMESTAMP = "X-Bookeo-Timestamp"
HEADER_SIGNATURE = "X-Bookeo-Signature"
HEADER_PREVIOUS_LOST = "X-Bookeo-PreviousMessageLost"
DEFAULT_TOLERANCE_MS = 120_000
TIMESTAMP = re.compile(r"[0-9]{1,15}")


def compute_signature(
    secret_key: str, *, timestamp_ms: str, message_id: str, url: str, body: bytes
) -> str:
    """The lowercase hex signature Bookeo sends for a delivery."""
    data = (timestamp_ms + message_id + url).encode("utf-8") + body
    return hmac.new(secret_key.encode("utf-8"), data, hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def verify_signature(
    *,
    secret_key: str,
    headers: Mapping[str, str],
    url: str,
    body: bytes,
    now_ms: int | None = None,
    tolerance_ms: int = DEFAULT_TOLERANCE_MS,
) -> None:
    """Raise `InvalidSignature` unless the delivery is signed by Bookeo and recent."""
    timestamp = _header(headers, HEADER_TIMESTAMP)
    message_id = _header(headers, HEADER_MESSAGE_ID)
    signature = _header(headers, HEADER_SIGNATURE)
    if not timestamp or not message_id or not signature:
        raise InvalidSignature("missing signature headers")
    # ASCII digits only, and no more than a millisecond clock needs: `str.isdigit()` also
    # takes "²³" (which int() then refuses), and int() of 5,000 digits is refused too.
    if not TIMESTAMP.fullmatch(timestamp):
        raise InvalidSignature("malformed timestamp")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now - int(timestamp)) > tolerance_ms:
        raise InvalidSignature("timestamp outside the allowed window")
    expected = compute_signature(
        secret_key, timestamp_ms=timestamp, message_id=message_id, url=url, body=body
    )
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise InvalidSignature("signature mismatch")


class ReplayGuard:
    """Remembers message ids seen within the tolerance window, so a captured delivery cannot
    be replayed inside it (outside it, the timestamp check refuses it). In-process only: a
    shared store (the relay's inbox, unique on message id) does this across replicas."""

    def __init__(self, *, tolerance_ms: int = DEFAULT_TOLERANCE_MS, max_size: int = 100_000):
        self._tolerance_ms = tolerance_ms
        self._max_size = max_size
        self._seen: OrderedDict[str, int] = OrderedDict()

    def check(self, message_id: str, *, now_ms: int | None = None) -> None:
        """Raise `InvalidSignature` when `message_id` was seen within the window; else note it."""
        now = int(time.time() * 1000) if now_ms is None else now_ms
        horizon = now - 2 * self._tolerance_ms
        while self._seen:
            oldest_id, seen_at = next(iter(self._seen.items()))
            if seen_at >= horizon and len(self._seen) < self._max_size:
                break
            del self._seen[oldest_id]
        if message_id in self._seen:
            raise InvalidSignature("message id already received (replay)")
        self._seen[message_id] = now


Item = Booking | Payment | Customer | dict[str, Any]


@dataclass(frozen=True)
class WebhookEvent:
    """One verified delivery, typed by the domain and type its URL names."""

    domain: WebhookDomain
    type: WebhookType
    message_id: str
    timestamp_ms: int
    previous_message_lost: bool
    item_id: str
    # Booking / Payment / Customer for those domains; raw JSON for the others; None when the
    # delivery had no item (possible for `deleted`, unconfirmed).
    item: Item | None

    @property
    def booking(self) -> Booking | None:
        return self.item if isinstance(self.item, Booking) else None

    @property
    def payment(self) -> Payment | None:
        return self.item if isinstance(self.item, Payment) else None


_ITEM_MODELS: dict[WebhookDomain, type[Booking] | type[Payment] | type[Customer]] = {
    WebhookDomain.BOOKINGS: Booking,
    WebhookDomain.PAYMENTS: Payment,
    WebhookDomain.CUSTOMERS: Customer,
}


def parse_event(body: bytes, headers: Mapping[str, str], *, domain: str, type: str) -> WebhookEvent:
    """Type a delivery; raise `MalformedDelivery` (with the reason) when it does not fit."""
    try:
        event_domain = WebhookDomain(domain)
        event_type = WebhookType(type)
    except ValueError:
        raise MalformedDelivery(f"unknown webhook {domain}/{type}") from None
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDelivery(f"body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise MalformedDelivery("body is not a JSON object")
    # Tolerate a numeric itemId (the spec says string).
    if isinstance(payload.get("itemId"), int):
        payload["itemId"] = str(payload["itemId"])
    try:
        notification = WebhookNotification.model_validate(payload)
    except ValidationError as exc:
        raise MalformedDelivery(f"unexpected body: {_first_error(exc)}") from None
    item: Item | None = notification.item
    model = _ITEM_MODELS.get(event_domain)
    if model is not None and notification.item is not None:
        try:
            item = model.model_validate(notification.item)
        except ValidationError as exc:
            raise MalformedDelivery(f"unexpected {domain} item: {_first_error(exc)}") from None
    timestamp = _header(headers, HEADER_TIMESTAMP) or ""
    lost = (_header(headers, HEADER_PREVIOUS_LOST) or "").strip().lower() == "true"
    return WebhookEvent(
        domain=event_domain,
        type=event_type,
        message_id=_header(headers, HEADER_MESSAGE_ID) or "",
        timestamp_ms=int(timestamp) if timestamp.isdigit() else 0,
        previous_message_lost=lost,
        item_id=notification.item_id,
        item=item,
    )


def unwrap(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secret_key: str,
    url: str,
    domain: str,
    type: str,
    now_ms: int | None = None,
    replay_guard: ReplayGuard | None = None,
) -> WebhookEvent:
    """Verify, check for replay, then parse: the one call a receiver needs."""
    verify_signature(secret_key=secret_key, headers=headers, url=url, body=body, now_ms=now_ms)
    if replay_guard is not None:
        replay_guard.check(_header(headers, HEADER_MESSAGE_ID) or "", now_ms=now_ms)
    return parse_event(body, headers, domain=domain, type=type)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))
