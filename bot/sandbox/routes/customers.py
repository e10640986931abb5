"""`/v2/customers`: search, create, read, change and delete customers; a customer's bookings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.errors import bad_request
from bot.sandbox.http import Row, created, json_response, no_content, paged, query_bool, read_body
from bot.sandbox.paging import PageStore
from bot.sandbox.parsing import parse_day, parse_time
from bot.sandbox.render import Json
from bot.sandbox.state import BusinessState

SEARCH_FIELDS = ("name", "firstName", "lastName", "emailAddress")


class CustomerRoutes:
    def __init__(self, state: BusinessState, pages: PageStore) -> None:
        self.state = state
        self.pages = pages

    def rows(self) -> list[Row]:
        return [
            ("/customers", "GET", self.list_customers),
            ("/customers", "POST", self.create_customer),
            ("/customers/{id}", "GET", self.get_customer),
            ("/customers/{id}", "PUT", self.update_customer),
            ("/customers/{id}", "DELETE", self.delete_customer),
            ("/customers/{id}/bookings", "GET", self.customer_bookings),
        ]

    async def list_customers(self, request: Request) -> Response:
        field = request.query_params.get("searchField", "name")
        if field not in SEARCH_FIELDS:
            raise bad_request("searchField must be name, firstName, lastName or emailAddress")
        text = request.query_params.get("searchText")
        since_raw = request.query_params.get("createdSince")
        since = parse_time(since_raw, self.state.tz, "createdSince") if since_raw else None

        def items() -> list[Json]:
            found = self.state.search_customers(text, field)
            if since is not None:
                found = [c for c in found if c.creation_time >= since]
            return [self.state.customer_json(c) for c in found]

        return paged(request, self.pages, items, 100)

    async def create_customer(self, request: Request) -> Response:
        customer = self.state.create_customer(await read_body(request))
        return created(request, self.state.customer_json(customer), f"customers/{customer.id}")

    async def get_customer(self, request: Request) -> Response:
        customer = self.state.get_customer(request.path_params["id"])
        return json_response(self.state.customer_json(customer))

    async def update_customer(self, request: Request) -> Response:
        customer = self.state.update_customer(request.path_params["id"], await read_body(request))
        return json_response(self.state.customer_json(customer))

    async def delete_customer(self, request: Request) -> Response:
        self.state.delete_customer(request.path_params["id"])
        return no_content()

    async def customer_bookings(self, request: Request) -> Response:
        customer = self.state.get_customer(request.path_params["id"])
        tz = self.state.tz
        begin_raw = request.query_params.get("beginDate")
        end_raw = request.query_params.get("endDate")
        begin = parse_day(begin_raw, tz, "beginDate", end=False) if begin_raw else None
        end = parse_day(end_raw, tz, "endDate", end=True) if end_raw else None
        expand = query_bool(request, "expandParticipants")

        def items() -> list[Json]:
            found = [
                b
                for b in self.state.bookings.values()
                if b.customer_id == customer.id
                and (begin is None or b.start >= begin)
                and (end is None or b.start <= end)
            ]
            found.sort(key=lambda b: (b.start, int(b.number)))
            return [self.state.booking_json(b, expand_participants=expand) for b in found]

        return paged(request, self.pages, items, 100)
