"""The trigger table: every timed job, when it runs, and what it does — the one place that
knows triggers (`bookeo-bot jobs` prints it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from . import digest, relay, reminders
from .deps import JobDeps

Run = Callable[[JobDeps, datetime], Awaitable[int]]


@dataclass(frozen=True)
class JobSpec:
    id: str
    every: str  # in words, for `bookeo-bot jobs`
    summary: str
    run: Run
    trigger: Callable[[tzinfo], BaseTrigger]


def _every_minute(tz: tzinfo) -> BaseTrigger:
    # On the minute, so a digest set for 08:00 goes out at 08:00:00.
    return CronTrigger(second=0, timezone=tz)


def _every(minutes: int) -> Callable[[tzinfo], BaseTrigger]:
    def trigger(tz: tzinfo) -> BaseTrigger:
        return IntervalTrigger(minutes=minutes, timezone=tz)

    return trigger


JOBS: tuple[JobSpec, ...] = (
    JobSpec("digests", "every minute", "post each channel's morning digest at its time",
            digest.run, _every_minute),
    JobSpec("reminders", "every minute", "remind channels of slots about to start",
            reminders.run, _every_minute),
    JobSpec("escalation", "every minute", "escalate unacked pages once per booking, tell admins",
            relay.escalation, _every_minute),
    JobSpec("inbox", "every minute", "retry deliveries after their back-off; prune old ones",
            relay.inbox, _every_minute),
    JobSpec("reconcile", "every 30 minutes", "ask Bookeo what changed; deliver what was missed",
            relay.reconcile, _every(30)),
    JobSpec("webhook-health", "every 30 minutes", "re-register missing or blocked webhooks",
            relay.webhook_health, _every(30)),
)  # fmt: skip


def next_runs(now: datetime, tz: tzinfo) -> list[tuple[JobSpec, datetime | None]]:
    """When each job would next run if the scheduler started `now`."""
    return [(spec, spec.trigger(tz).get_next_fire_time(None, now)) for spec in JOBS]
