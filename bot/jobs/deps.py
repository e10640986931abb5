"""What the timed jobs work with, handed to each `run(deps, now)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.relay.notify import AdminNotifier
from bot.store import Store


class RelayWork(Protocol):
    """The relay's operations the jobs run (bot.relay.service.Relay), so a job and a lost
    delivery resync the same way."""

    @property
    def webhooks_enabled(self) -> bool: ...

    async def resync(self) -> int: ...

    async def ensure_webhooks(self) -> list[str]: ...

    def wake(self) -> None: ...


@dataclass(frozen=True)
class JobDeps:
    store: Store
    bookeo: BookeoClient
    catalog: Catalog
    slack: AsyncWebClient
    tz: ZoneInfo
    notifier: AdminNotifier
    relay: RelayWork
    locale: str  # LOCALE: how digests and reminders write amounts (`1.250,00 USD` in de_DE)
