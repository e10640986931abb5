"""`/v2/bookings`: list, create, read, change and cancel bookings; a booking's customer and
payments."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.errors import bad_request
from bot.sandbox.http import (
    Row,
    created,
    json_response,
    no_content,
    paged,
    query_bool,
    query_window,
    read_body,
)
from bot.sandbox.paging import PageStore
from bot.sandbox.records import BookingRecord
from bot.sandbox.render import Json
from bot.sandbox.state import API_AGENT, BusinessState


class BookingRoutes:
    def __init__(self, state: BusinessState, pages: PageStore) -> None:
        self.state = state
        self.pages = pages

    def rows(self) -> list[Row]:
        return [
            ("/bookings", "GET", self.list_bookings),
            ("/bookings", "POST", self.create_booking),
            ("/bookings/{number}", "GET", self.get_booking),
            ("/bookings/{number}", "PUT", self.update_booking),
            ("/bookings/{number}", "DELETE", self.cancel_booking),
            ("/bookings/{number}/customer", "GET", self.booking_customer),
            ("/bookings/{number}/payments", "GET", self.booking_payments),
            ("/bookings/{number}/payments", "POST", self.add_payment),
        ]

    async def list_bookings(self, request: Request) -> Response:
        tz = self.state.tz
        by_start = query_window(request, "startTime", "endTime", tz)
        by_update = query_window(request, "lastUpdatedStartTime", "lastUpdatedEndTime", tz)
        if not request.query_params.get("pageNavigationToken") and not (by_start or by_update):
            raise bad_request("Give startTime/endTime or lastUpdatedStartTime/lastUpdatedEndTime")
        product_id = request.query_params.get("productId")
        include_canceled = query_bool(request, "includeCanceled")
        expand_customer = query_bool(request, "expandCustomer")
        expand_participants = query_bool(request, "expandParticipants")

        def items() -> list[Json]:
            found: list[BookingRecord] = []
            for b in self.state.bookings.values():
                if b.canceled and not include_canceled:
                    continue
                if product_id and b.product_id != product_id:
                    continue
                if by_start and not by_start[0] <= b.start <= by_start[1]:
                    continue
                if by_update and not by_update[0] <= b.updated_at <= by_update[1]:
                    continue
                found.append(b)
            found.sort(key=lambda b: (b.start, int(b.number)))
            return [
                self.state.booking_json(
                    b, expand_customer=expand_customer, expand_participants=expand_participants
                )
                for b in found
            ]

        return paged(request, self.pages, items, 100)

    async def create_booking(self, request: Request) -> Response:
        body = await read_body(request)
        booking = self.state.create_booking(
            body,
            agent=API_AGENT,
            backend=request.query_params.get("mode") == "backend",
            previous_hold_id=request.query_params.get("previousHoldId"),
        )
        return created(request, self.state.booking_json(booking), f"bookings/{booking.number}")

    async def get_booking(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])
        return json_response(
            self.state.booking_json(
                booking,
                expand_customer=query_bool(request, "expandCustomer"),
                expand_participants=query_bool(request, "expandParticipants"),
            )
        )

    async def update_booking(self, request: Request) -> Response:
        body = await read_body(request)
        booking = self.state.update_booking(
            request.path_params["number"],
            body,
            agent=API_AGENT,
            backend=request.query_params.get("mode") == "backend",
        )
        return json_response(self.state.booking_json(booking))

    async def cancel_booking(self, request: Request) -> Response:
        self.state.cancel_booking(
            request.path_params["number"],
            agent=API_AGENT,
            reason=request.query_params.get("reason"),
        )
        return no_content()

    async def booking_customer(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])
        customer = self.state.get_customer(booking.customer_id)
        return json_response(self.state.customer_json(customer))

    async def booking_payments(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])

        def items() -> list[Json]:
            found = [p for p in self.state.payments.values() if p.booking_number == booking.number]
            found.sort(key=lambda p: (p.received_time, p.id))
            return [self.state.payment_json(p) for p in found]

        return paged(request, self.pages, items, 100)

    async def add_payment(self, request: Request) -> Response:
        body = await read_body(request)
        payment = self.state.add_payment(request.path_params["number"], body, agent=API_AGENT)
        return created(request, self.state.payment_json(payment), f"payments/{payment.id}")
