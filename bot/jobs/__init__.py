"""Timed jobs (APScheduler 3): digests, reminders, and the relay's periodic work.

Each job is `async def run(deps, now) -> int` (tested with a fixed `now`); `table.JOBS` is the
one trigger table; `JobRunner` runs them on the one replica holding the scheduler lock.
"""

from .deps import JobDeps, RelayWork
from .leader import Leadership
from .runner import JobRunner, build_scheduler
from .table import JOBS, JobSpec, next_runs

__all__ = [
    "JOBS",
    "JobDeps",
    "JobRunner",
    "JobSpec",
    "Leadership",
    "RelayWork",
    "build_scheduler",
    "next_runs",
]
