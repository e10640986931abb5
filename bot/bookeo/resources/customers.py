"""`/customers`: search, get, create, update, delete, and a customer's bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from bot.bookeo._pagination import AsyncPager
from bot.bookeo.models import Booking, Customer, NewCustomer

from ._base import (
    Resource,
    check_page_size,
    check_pair,
    format_date,
    format_time,
    paged,
    path_id,
)

SearchField = Literal["name", "firstName", "lastName", "emailAddress"]


class Customers(Resource):
    def list(
        self,
        *,
        search_text: str | None = None,
        search_field: SearchField | None = None,
        created_since: datetime | None = None,
        current_members: bool | None = None,
        current_non_members: bool | None = None,
        items_per_page: int = 100,
    ) -> AsyncPager[Customer]:
        """`GET /customers`, optionally searching one field (Bookeo's default: name)."""
        check_page_size(items_per_page, 100)
        params: dict[str, str | int | bool | None] = {
            "searchText": search_text,
            "searchField": search_field,
            "createdSince": format_time(created_since) if created_since else None,
            "currentMembers": current_members,
            "currentNonMembers": current_non_members,
            "itemsPerPage": items_per_page,
        }
        return paged(self._client, "customers", Customer, [params])

    def search(self, text: str, *, field: SearchField = "name") -> AsyncPager[Customer]:
        """Customers whose `field` matches `text` (an email goes in `emailAddress`)."""
        if not text.strip():
            raise ValueError("search text must not be empty")
        return self.list(search_text=text.strip(), search_field=field)

    async def get(self, customer_id: str) -> Customer:
        """`GET /customers/{id}`."""
        return await self._client.get_model(
            f"customers/{path_id(customer_id, 'customer_id')}", Customer
        )

    async def create(self, customer: NewCustomer) -> Customer:
        """`POST /customers`. Never retried once it may have reached Bookeo."""
        response = await self._client.request("POST", "customers", body=customer)
        return await self._created(response, Customer, self.get)

    async def update(self, customer_id: str, customer: Customer) -> Customer:
        """`PUT /customers/{id}`: full replacement of the customer's writable fields."""
        path = f"customers/{path_id(customer_id, 'customer_id')}"
        response = await self._client.request("PUT", path, body=customer)
        if response.content.strip():
            return self._client.parse(response, Customer)
        return await self.get(customer_id)

    async def delete(self, customer_id: str) -> None:
        """`DELETE /customers/{id}`; Bookeo refuses while future bookings exist."""
        await self._client.request("DELETE", f"customers/{path_id(customer_id, 'customer_id')}")

    def bookings(
        self,
        customer_id: str,
        *,
        begin_date: date | None = None,
        end_date: date | None = None,
        expand_participants: bool = False,
        items_per_page: int = 100,
    ) -> AsyncPager[Booking]:
        """`GET /customers/{id}/bookings`, optionally between two dates (inclusive)."""
        check_pair(begin_date, end_date, "begin_date", "end_date")
        check_page_size(items_per_page, 100)
        params: dict[str, str | int | bool | None] = {
            "beginDate": format_date(begin_date) if begin_date else None,
            "endDate": format_date(end_date) if end_date else None,
            "expandParticipants": expand_participants,
            "itemsPerPage": items_per_page,
        }
        path = f"customers/{path_id(customer_id, 'customer_id')}/bookings"
        return paged(self._client, path, Booking, [params])
