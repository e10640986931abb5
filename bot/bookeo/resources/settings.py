"""`/settings`: products, people categories, the business, the api key's permissions."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from bot.bookeo._pagination import AsyncPager
from bot.bookeo.errors import ResponseValidationError
from bot.bookeo.models import ApiKeyInfo, Business, PeopleCategory, Product, ProductType

from ._base import Resource, check_page_size, paged

_CATEGORIES = TypeAdapter(list[PeopleCategory])


class Settings(Resource):
    def products(
        self, *, type: ProductType | None = None, items_per_page: int = 100
    ) -> AsyncPager[Product]:
        """`GET /settings/products` (Bookeo asks apps to cache this for 10–15 minutes)."""
        check_page_size(items_per_page, 100)
        params: dict[str, str | int | bool | None] = {
            "type": type.value if type else None,
            "itemsPerPage": items_per_page,
        }
        return paged(self._client, "settings/products", Product, [params])

    async def people_categories(self) -> list[PeopleCategory]:
        """`GET /settings/peoplecategories`: `{categories: [...]}`, or a bare list (both seen)."""
        response = await self._client.request("GET", "settings/peoplecategories")
        try:
            payload = response.json()
            if isinstance(payload, dict):
                payload = payload.get("categories", payload.get("data", []))
            return _CATEGORIES.validate_python(payload)
        except (ValueError, ValidationError) as exc:
            raise ResponseValidationError(
                method="GET", path="settings/peoplecategories", detail=str(exc)[:300]
            ) from exc

    async def business(self) -> Business:
        return await self._client.get_model("settings/business", Business)

    async def api_key_info(self) -> ApiKeyInfo:
        """The account id and permissions of the configured api key."""
        return await self._client.get_model("settings/apikeyinfo", ApiKeyInfo)
