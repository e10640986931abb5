"""`/payments`: payments received across all bookings."""

from __future__ import annotations

from datetime import datetime

from bot.bookeo._pagination import AsyncPager
from bot.bookeo.models import Payment, PaymentMethod

from ._base import Resource, check_page_size, check_pair, format_time, paged, path_id, windows


class Payments(Resource):
    def list(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        payment_method: PaymentMethod | None = None,
        payment_method_other: str | None = None,
        items_per_page: int = 300,
    ) -> AsyncPager[Payment]:
        """`GET /payments` received in [start, end] (split into 31-day windows)."""
        check_page_size(items_per_page, 300)
        base: dict[str, str | int | bool | None] = {
            "paymentMethod": payment_method.value if payment_method else None,
            "paymentMethodOther": payment_method_other,
            "itemsPerPage": items_per_page,
        }
        if check_pair(start, end, "start", "end"):
            assert start is not None
            assert end is not None
            requests = [
                {**base, "startTime": format_time(a), "endTime": format_time(b)}
                for a, b in windows(start, end)
            ]
        else:
            requests = [base]
        return paged(self._client, "payments", Payment, requests, key=lambda p: p.id)

    async def get(self, payment_id: str) -> Payment:
        """`GET /payments/{id}`."""
        return await self._client.get_model(
            f"payments/{path_id(payment_id, 'payment_id')}", Payment
        )
