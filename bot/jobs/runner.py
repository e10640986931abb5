"""The APScheduler 3 scheduler, run only while this replica holds the scheduler lock."""

from __future__ import annotations

import asyncio
import logging
from datetime import tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock

from .deps import JobDeps
from .leader import Leadership
from .table import JOBS, JobSpec

log = logging.getLogger("bot.jobs")
TRY_LOCK_EVERY = 5.0  # seconds: a replica takes over within this of the holder's death
JOB_DEFAULTS = {
    "coalesce": True,  # runs missed while busy collapse into one
    "max_instances": 1,  # a slow run is never overlapped by the next
    "misfire_grace_time": 30,  # seconds late a run may still start
}


def build_scheduler(tz: tzinfo) -> AsyncIOScheduler:
    # A memory job store: jobs are made from code (JOBS) and their state lives in our tables.
    return AsyncIOScheduler(timezone=tz, job_defaults=JOB_DEFAULTS)


class JobRunner:
    def __init__(self, deps: JobDeps, leadership: Leadership, clock: Clock) -> None:
        self.deps = deps
        self._leadership = leadership
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self.runs: dict[str, int] = {}  # job id → runs finished, for tests and /metrics

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._lead(), name="job-runner")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._stop_scheduler()
        await self._leadership.release()

    async def run_now(self, spec: JobSpec) -> int:
        """Run one job at once, as the scheduler would (with the clock's now)."""
        result = await spec.run(self.deps, self._clock.now())
        self.runs[spec.id] = self.runs.get(spec.id, 0) + 1
        return result

    async def _lead(self) -> None:
        while True:
            try:
                if self._scheduler is None:
                    if await self._leadership.try_acquire():
                        self._start_scheduler()
                elif not await self._leadership.still_held():
                    self._stop_scheduler()
            except Exception:
                log.warning("scheduler lock check failed; trying again", exc_info=True)
            await asyncio.sleep(TRY_LOCK_EVERY)

    def _start_scheduler(self) -> None:
        scheduler = build_scheduler(self.deps.tz)
        for spec in JOBS:
            scheduler.add_job(
                self._fire, spec.trigger(self.deps.tz), args=[spec], id=spec.id, name=spec.id
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("this replica runs the timed jobs: %s", ", ".join(s.id for s in JOBS))

    def _stop_scheduler(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            log.info("this replica no longer runs the timed jobs")

    async def _fire(self, spec: JobSpec) -> None:
        try:
            await self.run_now(spec)
        except Exception:
            log.exception("job %s failed; its next run tries again", spec.id)
