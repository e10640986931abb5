"""The sandbox's holds: seats kept for a while before a booking takes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .booking_input import BookingInput
from .errors import not_found
from .records import Hold, Ids
from .render import Json
from .seats import price


class Holds:
    def __init__(
        self,
        *,
        holds: dict[str, Hold],
        booking_input: BookingInput,
        ids: Ids,
        now: Callable[[], datetime],
    ) -> None:
        self._holds = holds
        self._input = booking_input
        self._ids = ids
        self._now = now

    def create(self, body: Json, *, seconds: int, previous_hold_id: str | None) -> Hold:
        if previous_hold_id is not None:
            self.release(previous_hold_id)
        wanted = self._input.resolve(body, backend=False)
        hold = Hold(
            id=self._ids.new("HO"),
            product_id=wanted.product.product_id,
            event_id=wanted.event.event_id if wanted.event else None,
            start=wanted.start,
            end=wanted.end,
            numbers=wanted.numbers,
            gross=price(wanted.product, wanted.numbers),
            expiration=self._now() + timedelta(seconds=seconds),
        )
        self._holds[hold.id] = hold
        return hold

    def get(self, hold_id: str) -> Hold:
        """A live hold; an expired one is gone (404), as in Bookeo."""
        hold = self._holds.get(hold_id)
        if hold is None or hold.expiration <= self._now():
            self._holds.pop(hold_id, None)
            raise not_found("Hold")
        return hold

    def release(self, hold_id: str) -> None:
        """Let a hold's seats go (a booking replacing it, or a new hold); unknown ids are fine."""
        self._holds.pop(hold_id, None)
