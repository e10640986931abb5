"""Products and people categories, cached (Bookeo asks apps to cache them 10–15 minutes)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.bookeo import BookeoClient
from bot.bookeo.models import PeopleCategory, Product, ProductType

CACHE_SECONDS = 600.0


class AmbiguousProduct(ValueError):
    def __init__(self, text: str, matches: list[Product]) -> None:
        names = ", ".join(p.name for p in matches[:5])
        super().__init__(f"'{text}' matches several products: {names}")
        self.matches = matches


class UnknownProduct(ValueError):
    def __init__(self, text: str, known: list[Product]) -> None:
        names = ", ".join(p.name for p in known[:8])
        super().__init__(f"No product matches '{text}'. Products: {names}")


class Catalog:
    def __init__(
        self, bookeo: BookeoClient, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._bookeo = bookeo
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._loaded_at: float | None = None
        self._products: list[Product] = []
        self._categories: list[PeopleCategory] = []

    async def products(self) -> list[Product]:
        await self._refresh()
        return self._products

    async def categories(self) -> dict[str, PeopleCategory]:
        await self._refresh()
        return {c.id: c for c in self._categories}

    async def category_names(self) -> dict[str, str]:
        """People category id → name, for rendering."""
        return {c.id: c.name for c in (await self.categories()).values()}

    async def course_ids(self) -> frozenset[str]:
        """The fixedCourse products: their bookings read as sessions, not one long block."""
        products = await self.products()
        return frozenset(p.product_id for p in products if p.type == ProductType.FIXED_COURSE)

    async def product(self, product_id: str) -> Product | None:
        return next((p for p in await self.products() if p.product_id == product_id), None)

    async def match(self, text: str) -> Product:
        """The one product whose name contains `text` (case-insensitive), or raise."""
        products = await self.products()
        needle = text.strip().casefold()
        exact = [p for p in products if p.name.casefold() == needle]
        if exact:
            return exact[0]
        found = [p for p in products if needle in p.name.casefold()]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousProduct(text, found)
        raise UnknownProduct(text, products)

    async def _refresh(self) -> None:
        async with self._lock:
            now = self._monotonic()
            if self._loaded_at is not None and now - self._loaded_at < CACHE_SECONDS:
                return
            self._products = await self._bookeo.settings.products().to_list()
            self._categories = await self._bookeo.settings.people_categories()
            self._loaded_at = now
