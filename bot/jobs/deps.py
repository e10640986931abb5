"""What the timed jobs work with, handed to each `run(deps, now)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.store import Store


@dataclass(frozen=True)
class JobDeps:
    store: Store
    bookeo: BookeoClient
    catalog: Catalog
    slack: AsyncWebClient
    tz: ZoneInfo
    admins: tuple[str, ...]
    # The relay's own operations, so a job and a lost delivery resync the same way.
    resync: Callable[[], Awaitable[int]]
    check_webhooks: Callable[[], Awaitable[list[str]]]
    wake_delivery: Callable[[], None]
    webhooks_enabled: bool
