"""What listeners need, built once by the composition root and handed over via Bolt's context
(a listener declares `deps: Deps` and Bolt injects it; see `register`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.background import Background
from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock
from bot.config import Settings
from bot.lookup import CustomerIndexer, Lookup
from bot.ops import Access, BookingOps
from bot.ops.channels import ChannelOps
from bot.ops.lookups import Lookups
from bot.store import Store

if TYPE_CHECKING:
    from bot.metrics import Metrics
    from bot.relay.delivery import Delivery
    from bot.relay.intake import Intake


@dataclass
class Deps:
    settings: Settings
    bookeo: BookeoClient
    store: Store
    catalog: Catalog
    lookup: Lookup
    indexer: CustomerIndexer
    clock: Clock
    tz: ZoneInfo
    on_sandbox: bool
    background: Background
    access: Access
    bookings: BookingOps
    channels: ChannelOps
    lookups: Lookups
    delivery: Delivery | None = None
    intake: Intake | None = None
    metrics: Metrics | None = None

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()
