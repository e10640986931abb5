"""Catching what was missed: list bookings changed since a point in time and feed them
through the inbox like deliveries, so the worker treats them exactly the same way.

Triggered when a delivery says `X-Bookeo-PreviousMessageLost: true`, and periodically at low
frequency (Bookeo asks apps not to poll). A synthetic message id of booking number +
lastChangeTime makes a change that was already delivered, or already resynced, a no-op.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from bot.bookeo import BookeoClient
from bot.clock import Clock
from bot.store import Store

log = logging.getLogger("bot.relay.reconcile")
DEFAULT_LOOKBACK = timedelta(hours=2)


async def reconcile(
    *, bookeo: BookeoClient, store: Store, clock: Clock, since: datetime | None = None
) -> int:
    """Queue every booking changed since `since`; returns how many were new to the inbox."""
    now = clock.now()
    start = since or now - DEFAULT_LOOKBACK
    queued = 0
    # Bookeo takes whole seconds: end a little ahead so a change made this second is included.
    end = now + timedelta(minutes=1)
    async for booking in bookeo.bookings.list(
        last_updated_start=start, last_updated_end=end, include_canceled=True, expand_customer=True
    ):
        changed = booking.last_change_time or booking.cancelation_time or booking.creation_time
        stamp = changed.isoformat() if changed else "unknown"
        body = json.dumps({"itemId": booking.booking_number, "item": booking.to_json_dict()})
        new = await store.relay.receive(
            message_id=f"resync:{booking.booking_number}:{stamp}",
            domain="bookings",
            type="deleted" if booking.canceled else "updated",
            booking_number=booking.booking_number,
            body=body,
            previous_lost=False,
            at=now,
        )
        queued += new
    if queued:
        log.info("reconciliation queued %d changed bookings since %s", queued, start.isoformat())
    return queued
