"""`/v2/payments`: payments across bookings, by received time and method."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.errors import ApiError
from bot.sandbox.http import Row, json_response, paged, query_window
from bot.sandbox.paging import PageStore
from bot.sandbox.render import Json
from bot.sandbox.state import BusinessState


class PaymentRoutes:
    def __init__(self, state: BusinessState, pages: PageStore) -> None:
        self.state = state
        self.pages = pages

    def rows(self) -> list[Row]:
        return [
            ("/payments", "GET", self.list_payments),
            ("/payments/{id}", "GET", self.get_payment),
        ]

    async def list_payments(self, request: Request) -> Response:
        window = query_window(request, "startTime", "endTime", self.state.tz)
        method = request.query_params.get("paymentMethod")

        def items() -> list[Json]:
            found = [
                p
                for p in self.state.payments.values()
                if (window is None or window[0] <= p.received_time <= window[1])
                and (method is None or p.method == method)
            ]
            found.sort(key=lambda p: (p.received_time, p.id))
            return [self.state.payment_json(p) for p in found]

        return paged(request, self.pages, items, 300)

    async def get_payment(self, request: Request) -> Response:
        payment = self.state.payments.get(request.path_params["id"])
        if payment is None:
            raise ApiError(404, "Payment not found")
        return json_response(self.state.payment_json(payment))
