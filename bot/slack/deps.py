"""What listeners need, built once by the composition root and handed over via Bolt's context
(a listener declares `deps: Deps` and Bolt injects it; see `register`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock
from bot.config import Settings
from bot.lookup import CustomerIndexer, Lookup
from bot.store import Store

if TYPE_CHECKING:
    from bot.metrics import Metrics
    from bot.relay.delivery import Delivery
    from bot.relay.intake import Intake

log = logging.getLogger("bot.slack")


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
    delivery: Delivery | None = None
    intake: Intake | None = None
    metrics: Metrics | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run `work` after the ack, keeping a reference so it is not garbage-collected and
        logging what it raises (listeners report their own user-facing errors)."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    async def drain(self) -> None:
        """Wait for background work (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())
