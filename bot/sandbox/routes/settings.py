"""`/v2/settings`: products, the business, the API key's permissions, people categories."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.errors import bad_request
from bot.sandbox.http import Row, json_response, paged
from bot.sandbox.paging import PageStore
from bot.sandbox.render import Json
from bot.sandbox.state import BusinessState

PRODUCT_TYPES = ("fixed", "fixedCourse", "flexibleTime")
PERMISSIONS = (
    "bookings_rw_all",
    "customers_rw_all",
    "availability_r",
    "payments_rw_all",
    "settings_r",
)


class SettingsRoutes:
    def __init__(self, state: BusinessState, pages: PageStore) -> None:
        self.state = state
        self.pages = pages

    def rows(self) -> list[Row]:
        return [
            ("/settings/products", "GET", self.products),
            ("/settings/business", "GET", self.business),
            ("/settings/apikeyinfo", "GET", self.api_key_info),
            ("/settings/peoplecategories", "GET", self.people_categories),
        ]

    async def products(self, request: Request) -> Response:
        kind = request.query_params.get("type")
        if kind is not None and kind not in PRODUCT_TYPES:
            raise bad_request("type must be fixed, fixedCourse or flexibleTime")

        def items() -> list[Json]:
            return [
                p.to_json(self.state.currency)
                for p in self.state.products.values()
                if kind is None or p.type == kind
            ]

        return paged(request, self.pages, items, 100)

    async def business(self, request: Request) -> Response:
        return json_response(self.state.business_json())

    async def api_key_info(self, request: Request) -> Response:
        return json_response(
            {
                "accountId": self.state.account_id,
                "permissions": list(PERMISSIONS),
                "creationTime": self.state.local(self.state.created),
            }
        )

    async def people_categories(self, request: Request) -> Response:
        categories = [
            {"id": c.id, "name": c.name, "numSeats": c.num_seats}
            for c in self.state.categories.values()
        ]
        return json_response({"categories": categories})
