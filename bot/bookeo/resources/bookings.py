"""`/bookings`: list, get, create, update, cancel; a booking's customer and payments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import httpx

from bot.bookeo._pagination import AsyncPager
from bot.bookeo.models import Booking, BookingUpdate, Customer, NewBooking, NewPayment, Payment

from ._base import (
    MAX_WINDOW,
    QueryParams,
    Resource,
    check_page_size,
    check_pair,
    format_time,
    id_from_location,
    paged,
    path_id,
    windows,
)


class Bookings(Resource):
    def list(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        last_updated_start: datetime | None = None,
        last_updated_end: datetime | None = None,
        product_id: str | None = None,
        include_canceled: bool = False,
        expand_customer: bool = False,
        expand_participants: bool = False,
        items_per_page: int = 100,
    ) -> AsyncPager[Booking]:
        """`GET /bookings`: bookings starting in [start, end] and/or created or changed in
        [last_updated_start, last_updated_end]. One window longer than 31 days is split into
        several requests; the pager walks them and yields each booking once."""
        by_start = check_pair(start, end, "start", "end")
        by_update = check_pair(
            last_updated_start, last_updated_end, "last_updated_start", "last_updated_end"
        )
        if not (by_start or by_update):
            raise ValueError("give start/end, last_updated_start/last_updated_end, or both")
        check_page_size(items_per_page, 100)
        common: QueryParams = {
            "productId": product_id,
            "includeCanceled": include_canceled,
            "expandCustomer": expand_customer,
            "expandParticipants": expand_participants,
            "itemsPerPage": items_per_page,
        }
        split: list[tuple[str, str, datetime, datetime]] = []
        if start is not None and end is not None:
            split.append(("startTime", "endTime", start, end))
        if last_updated_start is not None and last_updated_end is not None:
            split.append(
                ("lastUpdatedStartTime", "lastUpdatedEndTime", last_updated_start, last_updated_end)
            )
        if len(split) == 2:
            # Splitting two windows at once would need every pair of pieces; refuse instead.
            if any(hi - lo > MAX_WINDOW for *_, lo, hi in split):
                raise ValueError("combine the two windows only when each is at most 31 days")
            params = dict(common)
            for lo_name, hi_name, lo, hi in split:
                params[lo_name], params[hi_name] = format_time(lo), format_time(hi)
            requests = [params]
        else:
            lo_name, hi_name, lo, hi = split[0]
            requests = [
                {**common, lo_name: format_time(a), hi_name: format_time(b)}
                for a, b in windows(lo, hi)
            ]
        return paged(self._client, "bookings", Booking, requests, key=lambda b: b.booking_number)

    async def find_by_external_ref(
        self, external_ref: str, *, changed_since: datetime, until: datetime
    ) -> Booking | None:
        """The booking created (or changed) in [changed_since, until] that carries
        `external_ref`: how an app learns whether a create whose answer was lost was made."""
        async for booking in self.list(
            last_updated_start=changed_since, last_updated_end=until, include_canceled=True
        ):
            if booking.external_ref == external_ref:
                return booking
        return None

    async def get(
        self,
        booking_number: str,
        *,
        expand_customer: bool = False,
        expand_participants: bool = False,
    ) -> Booking:
        """`GET /bookings/{bookingNumber}` (canceled bookings are returned too)."""
        number = path_id(booking_number, "booking_number")
        return await self._client.get_model(
            f"bookings/{number}",
            Booking,
            params={"expandCustomer": expand_customer, "expandParticipants": expand_participants},
        )

    async def create(
        self,
        booking: NewBooking,
        *,
        notify_users: bool | None = None,
        notify_customer: bool | None = None,
        send_customer_reminders: bool | None = None,
        send_customer_thankyou: bool | None = None,
        mode: Literal["backend"] | None = None,
        previous_hold_id: str | None = None,
    ) -> Booking:
        """`POST /bookings`. Never retried once it may have reached Bookeo."""
        response = await self._client.request(
            "POST",
            "bookings",
            params={
                "notifyUsers": notify_users,
                "notifyCustomer": notify_customer,
                "sendCustomerReminders": send_customer_reminders,
                "sendCustomerThankyou": send_customer_thankyou,
                "mode": mode,
                "previousHoldId": previous_hold_id,
            },
            body=booking,
        )
        return await self._created(response, Booking, self.get)

    async def update(
        self,
        booking_number: str,
        booking: BookingUpdate,
        *,
        notify_users: bool | None = None,
        notify_customer: bool | None = None,
        mode: Literal["backend"] | None = None,
    ) -> Booking:
        """`PUT /bookings/{n}`: a full replacement. Read the booking, `to_update()`, apply
        the change, send; unknown fields ride along untouched."""
        number = path_id(booking_number, "booking_number")
        response = await self._client.request(
            "PUT",
            f"bookings/{number}",
            params={"notifyUsers": notify_users, "notifyCustomer": notify_customer, "mode": mode},
            body=booking,
        )
        if response.content.strip():
            return self._client.parse(response, Booking)
        return await self.get(booking_number)

    async def cancel(
        self,
        booking_number: str,
        *,
        notify_users: bool | None = None,
        notify_customer: bool | None = None,
        apply_cancellation_policy: bool | None = None,
        track_in_customer_history: bool | None = None,
        cancel_remaining_series: bool | None = None,
        reason: str | None = None,
    ) -> None:
        """`DELETE /bookings/{n}`: cancels (the booking stays readable with canceled=true)."""
        number = path_id(booking_number, "booking_number")
        await self._client.request(
            "DELETE",
            f"bookings/{number}",
            params={
                "notifyUsers": notify_users,
                "notifyCustomer": notify_customer,
                "applyCancellationPolicy": apply_cancellation_policy,
                "trackInCustomerHistory": track_in_customer_history,
                "cancelRemainingSeries": cancel_remaining_series,
                "reason": reason,
            },
        )

    async def customer(self, booking_number: str) -> Customer:
        """`GET /bookings/{n}/customer`."""
        number = path_id(booking_number, "booking_number")
        return await self._client.get_model(f"bookings/{number}/customer", Customer)

    def payments(self, booking_number: str, *, items_per_page: int = 100) -> AsyncPager[Payment]:
        """`GET /bookings/{n}/payments` (refunds are negative amounts)."""
        number = path_id(booking_number, "booking_number")
        check_page_size(items_per_page, 100)
        return paged(
            self._client,
            f"bookings/{number}/payments",
            Payment,
            [{"itemsPerPage": items_per_page}],
        )

    async def add_payment(self, booking_number: str, payment: NewPayment) -> Payment | None:
        """`POST /bookings/{n}/payments`. Returns the payment when Bookeo sends it back or
        names it in `Location` (both unconfirmed), else None. Never retried after sending."""
        number = path_id(booking_number, "booking_number")
        response: httpx.Response = await self._client.request(
            "POST", f"bookings/{number}/payments", body=payment
        )
        if response.content.strip():
            return self._client.parse(response, Payment)
        payment_id = id_from_location(response)
        if payment_id is None:
            return None
        return await self._client.payments.get(payment_id)
