"""What listeners need, built once by the composition root and handed over via Bolt's context
(a listener declares `deps: Deps` and Bolt injects it; see `register`).

Listeners reach the store and Bookeo only through the operations here, never directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.background import Background
from bot.catalog import Catalog
from bot.clock import Clock
from bot.ops import Access, BookingOps
from bot.ops.channels import ChannelOps
from bot.ops.lookups import Lookups
from bot.relay.sharing import Sharing

if TYPE_CHECKING:
    from bot.metrics import Metrics


@dataclass
class Deps:
    catalog: Catalog
    clock: Clock
    tz: ZoneInfo
    on_sandbox: bool
    background: Background
    access: Access
    bookings: BookingOps
    channels: ChannelOps
    lookups: Lookups
    sharing: Sharing  # "Share in channel": cards the relay then keeps current
    metrics: Metrics | None = None
    # LOCALE (Settings.business_locale): how amounts are read in the modals and written on
    # every card, list and line a listener renders.
    locale: str = field(kw_only=True)
    # REGION (Settings.phone_region): how a phone number typed without its country is read.
    region: str = field(kw_only=True, default="US")

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()
