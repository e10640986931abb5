"""The relay's timed work: reconciliation, webhook health, on-call escalation, inbox upkeep."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.relay.oncall import escalate

from .deps import JobDeps

KEEP_DELIVERED = timedelta(days=7)
KEEP_POSTED = timedelta(days=3)


async def reconcile(deps: JobDeps, _now: datetime) -> int:
    """Ask Bookeo what changed lately and deliver what no webhook brought (low frequency:
    Bookeo asks apps not to poll)."""
    return await deps.relay.resync()


async def webhook_health(deps: JobDeps, _now: datetime) -> int:
    """Re-register missing webhooks and repair blocked ones (people are told)."""
    if not deps.relay.webhooks_enabled:
        return 0
    return len(await deps.relay.ensure_webhooks())


async def escalation(deps: JobDeps, now: datetime) -> int:
    """Escalate, once per booking, the pages nobody acknowledged, and tell the admins."""
    return len(await escalate(store=deps.store, slack=deps.slack, notifier=deps.notifier, now=now))


async def inbox(deps: JobDeps, now: datetime) -> int:
    """Retry deliveries whose back-off has passed, and prune what no longer needs keeping."""
    deps.relay.wake()
    pruned = await deps.store.relay.prune(before=now - KEEP_DELIVERED)
    pruned += await deps.store.timed_posts.forget_posts(before=now - KEEP_POSTED)
    return pruned
