"""What the booking operations work with, built once by `BookingOps`."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock
from bot.lookup import CustomerIndexer
from bot.ops.access import Access
from bot.ops.idempotent import IdempotentWrite
from bot.store import Store


@dataclass(frozen=True)
class Services:
    bookeo: BookeoClient
    store: Store
    catalog: Catalog
    indexer: CustomerIndexer
    access: Access
    writes: IdempotentWrite
    clock: Clock
    tz: ZoneInfo
    locale: str  # LOCALE: how outcomes write amounts ("Refund of 5,00 USD" in de_DE)
