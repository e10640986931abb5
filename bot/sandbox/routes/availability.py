"""`/v2/availability`: the slots of fixed products, and slots that can take a party."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.availability import matching_slots
from bot.sandbox.errors import bad_request
from bot.sandbox.http import Row, created, json_response, paged, query_int, query_window, read_body
from bot.sandbox.paging import PageStore, page_size
from bot.sandbox.render import Json
from bot.sandbox.state import BusinessState


class AvailabilityRoutes:
    def __init__(self, state: BusinessState, pages: PageStore) -> None:
        self.state = state
        self.pages = pages

    def rows(self) -> list[Row]:
        return [
            ("/availability/slots", "GET", self.slots),
            ("/availability/matchingslots", "POST", self.matching_slots),
            ("/availability/matchingslots/{token}", "GET", self.matching_slots_page),
        ]

    async def slots(self, request: Request) -> Response:
        token = request.query_params.get("pageNavigationToken")
        window = query_window(request, "startTime", "endTime", self.state.tz)
        if window is None and not token:
            raise bad_request("startTime and endTime are required")
        product_id = request.query_params.get("productId")
        if product_id is not None:
            product = self.state.products.get(product_id)
            if product is None:
                raise bad_request(f"Unknown productId {product_id!r}")
            if product.type == "flexibleTime":
                raise bad_request("Use /availability/matchingslots for flexibleTime products")

        def items() -> list[Json]:
            assert window is not None
            found = [
                e
                for e in self.state.events.values()
                if (product_id is None or e.product_id == product_id)
                and window[0] <= e.start <= window[1]
            ]
            found.sort(key=lambda e: (e.start, e.event_id))
            return [self.state.slot_json(e) for e in found]

        return paged(request, self.pages, items, 300)

    async def matching_slots(self, request: Request) -> Response:
        body = await read_body(request)
        results = matching_slots(self.state, body)
        size = page_size(request.query_params.get("itemsPerPage"), 300)
        # The Location names the result set, also when it fits on one page, and a GET of it
        # answers (API.md §4.4).
        envelope, token = self.pages.first_page(results, size, keep=True)
        return created(request, envelope, f"availability/matchingslots/{token}")

    async def matching_slots_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        return json_response(self.pages.page(token, query_int(request, "pageNumber", 1)))
