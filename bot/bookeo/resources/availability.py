"""`/availability`: seats per slot, and slots that fit a party (any product type)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.bookeo._pagination import AsyncPager, Page
from bot.bookeo.models import MatchingSlot, MatchingSlotsSearch, Slot

from ._base import (
    Resource,
    check_page_size,
    format_time,
    id_from_location,
    paged,
    path_id,
    windows,
)


class Availability(Resource):
    def slots(
        self,
        *,
        start: datetime,
        end: datetime,
        product_id: str | None = None,
        mode: Literal["backend"] | None = None,
        items_per_page: int = 300,
    ) -> AsyncPager[Slot]:
        """`GET /availability/slots`: fixed / fixedCourse slots starting in [start, end]
        with the seats left (not for flexibleTime products: use `matching_slots`)."""
        check_page_size(items_per_page, 300)
        requests: list[dict[str, str | int | bool | None]] = [
            {
                "productId": product_id,
                "startTime": format_time(a),
                "endTime": format_time(b),
                "mode": mode,
                "itemsPerPage": items_per_page,
            }
            for a, b in windows(start, end)
        ]
        return paged(self._client, "availability/slots", Slot, requests, key=lambda s: s.event_id)

    def matching_slots(
        self,
        search: MatchingSlotsSearch,
        *,
        mode: Literal["backend"] | None = None,
        items_per_page: int = 300,
    ) -> AsyncPager[MatchingSlot]:
        """`POST /availability/matchingslots`: the slots that can take this party, with a
        display price. Later pages are read from `GET /availability/matchingslots/{token}`."""
        check_page_size(items_per_page, 300)
        client = self._client

        def first(part: MatchingSlotsSearch):  # type: ignore[no-untyped-def]
            async def run() -> Page[MatchingSlot]:
                response = await client.request(
                    "POST",
                    "availability/matchingslots",
                    params={"itemsPerPage": items_per_page, "mode": mode},
                    body=part,
                    idempotent=True,  # a search changes nothing
                )
                page = client.parse_page(response, MatchingSlot)
                if page.info.page_navigation_token is None and page.info.total_pages > 1:
                    # Some readings put the token only in Location (…/matchingslots/{token}).
                    token = id_from_location(response)
                    info = page.info.model_copy(update={"page_navigation_token": token})
                    page = Page(items=page.items, info=info)
                return page

            return run

        async def next_page(token: str, number: int) -> Page[MatchingSlot]:
            return await client.get_page(
                f"availability/matchingslots/{path_id(token, 'token')}",
                MatchingSlot,
                {"pageNumber": number},
            )

        parts = [
            search.model_copy(update={"start_time": a, "end_time": b})
            for a, b in windows(search.start_time, search.end_time)
        ]
        return AsyncPager(
            first_pages=[first(p) for p in parts],
            next_page=next_page,
            key=lambda s: f"{s.event_id}|{s.start_time.isoformat()}",
        )
