"""`POST /bookeo/webhooks/{domain}/{type}`: verify, store in the inbox, answer — nothing more.

The delivery is durable before Bookeo hears 2xx; Slack is never called here, so a slow or
down Slack cannot make Bookeo's 5 s run out. Bad signatures get 401 and are never stored;
verified bodies of an unexpected shape are kept as dead letters (with the reason) and
acknowledged, so Bookeo does not block the webhook over them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.bookeo import InvalidSignature, MalformedDelivery
from bot.bookeo.webhooks import HEADER_MESSAGE_ID, parse_event, verify_signature
from bot.clock import Clock
from bot.metrics import Metrics
from bot.relay.group_commit import InboxWriter
from bot.store import Received, Store, cannot_write_now

log = logging.getLogger("bot.relay.intake")
_BOOKING_IN_DESCRIPTION = re.compile(r"\bBooking\s+#?(\d+)", re.IGNORECASE)
# The inbox's column sizes (bot/store/tables.py InboxRow): PostgreSQL refuses longer values.
MESSAGE_ID_MAX = 128
NAME_MAX = 32  # a webhook's domain or type
BOOKING_NUMBER_MAX = 32


class Intake:
    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        secret_key: str,
        base_url: str,
        wake: Callable[[], None],
        # Told (with the last delivery received before it) when Bookeo says it dropped one.
        lost: Callable[[datetime | None], None],
        metrics: Metrics | None = None,
    ) -> None:
        self._store = store
        self.inbox = InboxWriter(store)
        self._clock = clock
        self._secret_key = secret_key
        self._base_url = base_url.rstrip("/")
        self._wake = wake
        self._lost = lost
        self._metrics = metrics
        self.counts: Counter[str] = Counter()

    def _count(self, result: str) -> None:
        self.counts[result] += 1
        if self._metrics is not None:
            self._metrics.webhooks.labels(result).inc()

    def url_for(self, domain: str, type: str) -> str:
        """The URL registered with Bookeo (and signed by it) for a domain and type."""
        return f"{self._base_url}/bookeo/webhooks/{domain}/{type}"

    async def handle(self, request: Request) -> Response:
        domain, type_ = request.path_params["domain"], request.path_params["type"]
        raw = await request.body()
        url = self.url_for(domain, type_) + (f"?{request.url.query}" if request.url.query else "")
        headers = dict(request.headers)
        try:
            verify_signature(secret_key=self._secret_key, headers=headers, url=url, body=raw)
        except InvalidSignature as refused:
            self._count("rejected")
            log.warning("webhook refused (%s) for %s/%s", refused.reason, domain, type_)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        message_id = headers.get(HEADER_MESSAGE_ID.lower(), "")
        if not 0 < len(message_id) <= MESSAGE_ID_MAX or max(len(domain), len(type_)) > NAME_MAX:
            # Not Bookeo's (its ids are UUIDs): nothing the inbox could key it by.
            self._count("malformed")
            return JSONResponse({"error": "bad message id or webhook name"}, status_code=400)
        dead_reason = None
        booking_number = None
        lost = False
        try:
            event = parse_event(raw, headers, domain=domain, type=type_)
            lost = event.previous_message_lost
            booking_number = booking_of(event.domain.value, event.item_id, event.item)
            if booking_number is not None and len(booking_number) > BOOKING_NUMBER_MAX:
                raise MalformedDelivery(f"booking number of {len(booking_number)} characters")
        except (MalformedDelivery, ValueError, RecursionError) as malformed:
            # ValueError: an integer of thousands of digits; RecursionError: JSON nested
            # deeper than Python parses. Kept as dead letters and answered, like the rest.
            dead_reason = getattr(malformed, "reason", None) or f"{type(malformed).__name__}"
            booking_number = None
            self._count("malformed")
        # What came before this delivery bounds what a lost one can have been.
        before = await self._store.relay.last_received() if lost else None
        received = Received(
            message_id=message_id,
            domain=domain,
            type=type_,
            booking_number=booking_number,
            # PostgreSQL text cannot hold NUL (JSON never needs a raw one).
            body=raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
            previous_lost=lost,
            at=self._clock.now(),
            dead_reason=dead_reason,
        )
        try:
            new = await self.inbox.store(received)
        except Exception as error:
            if not cannot_write_now(error):
                raise
            # The database refuses writes for now (a full disk): not stored, so not 2xx.
            # Bookeo sends it again later; one line, not a traceback per delivery.
            self._count("unavailable")
            log.warning("webhook not stored, the database cannot write: %s", type(error).__name__)
            return JSONResponse(
                {"error": "cannot store deliveries right now"},
                status_code=503,
                headers={"Retry-After": "60"},
            )
        self._count("duplicate" if not new else "accepted")
        if new and dead_reason is None:
            self._wake()
        if new and lost:
            self._count("previous_lost")
            self._lost(before)  # Bookeo dropped something before this one: resynchronise
        return JSONResponse({"ok": True, "duplicate": not new})


def booking_of(domain: str, item_id: str, item: object) -> str | None:
    """The booking a delivery is about: the item itself, or the booking a payment paid."""
    if domain == "bookings":
        return item_id
    description = getattr(item, "description", None)
    if domain == "payments" and isinstance(description, str):
        match = _BOOKING_IN_DESCRIPTION.search(description)
        return match.group(1) if match else None
    return None
