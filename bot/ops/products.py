"""A product named by a person: the catalogue's answer, or words that say what to type."""

from __future__ import annotations

from bot.bookeo.models import Product
from bot.catalog import AmbiguousProduct, Catalog, UnknownProduct
from bot.ops.errors import UserFacingError
from bot.wording import escape


async def product_named(catalog: Catalog, name: str | None) -> Product | None:
    """None when no product was named; the one product matching `name` otherwise."""
    if not name:
        return None
    try:
        return await catalog.match(name)
    except (AmbiguousProduct, UnknownProduct) as error:
        raise UserFacingError(f":grey_question: {escape(str(error))}") from None
