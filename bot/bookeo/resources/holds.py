"""`/holds`: reserve seats for a few minutes while a booking is being completed."""

from __future__ import annotations

from bot.bookeo.models import Hold, NewBooking

from ._base import Resource, path_id


class Holds(Resource):
    async def create(
        self,
        booking: NewBooking,
        *,
        hold_duration_seconds: int | None = None,
        previous_hold_id: str | None = None,
    ) -> Hold:
        """`POST /holds`: re-checks the booking, reserves its seats, returns the final price."""
        if hold_duration_seconds is not None and not 1 <= hold_duration_seconds <= 600:
            raise ValueError("hold_duration_seconds must be 1..600")
        response = await self._client.request(
            "POST",
            "holds",
            params={
                "holdDurationSeconds": hold_duration_seconds,
                "previousHoldId": previous_hold_id,
            },
            body=booking,
        )
        return await self._created(response, Hold, self.get)

    async def get(self, hold_id: str) -> Hold:
        return await self._client.get_model(f"holds/{path_id(hold_id, 'hold_id')}", Hold)

    async def delete(self, hold_id: str) -> None:
        """Release a hold (404 once it expired or was consumed by a booking)."""
        await self._client.request("DELETE", f"holds/{path_id(hold_id, 'hold_id')}")
