"""The one host for work that runs after an answer has gone out: built once by the
composition root and handed to whoever spawns (listeners after their ack, the relay's
start-up work), so shutdown and tests can wait for all of it in one place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("bot.background")


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run `work` in its own task, keeping a reference so it is not garbage-collected and
        logging what it raises (listeners report their own user-facing errors)."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    @property
    def busy(self) -> bool:
        """Whether any spawned work is still running."""
        return bool(self._tasks)

    async def drain(self) -> None:
        """Wait for every spawned task, including those spawned meanwhile (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())
