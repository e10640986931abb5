"""A channel's timed posts, set from Slack: the morning digest and the reminders before slots.

Setting one is said out loud in the channel (`announce`), which is also how the bot learns it
may post there: when it may not, the setting is undone and the person told how to invite it.
Stopping one is said there too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time
from functools import partial
from typing import TypeVar

from bot.catalog import Catalog
from bot.clock import Clock
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.errors import NotInChannel
from bot.ops.products import product_named
from bot.permissions import Permission
from bot.store import Digest, Reminder, Store

T = TypeVar("T")
# Post about a new setting in its channel; raises `NotInChannel` when the bot is not there.
Announce = Callable[[T], Awaitable[None]]


async def announced(
    announce: Announce[T], setting: T, *, undo: Callable[[], Awaitable[object]]
) -> None:
    """Announce a new setting in its channel; undo it when the bot may not post there."""
    try:
        await announce(setting)
    except NotInChannel:
        await undo()
        raise


async def stopped(announce: Announce[T], setting: T) -> None:
    """Announce a stopped setting in its channel; where the bot may no longer post, it is
    stopped all the same (nobody there would hear of it)."""
    try:
        await announce(setting)
    except NotInChannel:
        pass


class TimedPostOps:
    def __init__(self, store: Store, access: Access, catalog: Catalog, clock: Clock) -> None:
        self._store = store
        self._access = access
        self._catalog = catalog
        self._clock = clock

    async def digest(self, actor: Actor, channel_id: str) -> Digest | None:
        await self._access.require(actor, Permission.LOOKUP)
        digests = await self._store.timed_posts.digests(channel_id=channel_id)
        return digests[0] if digests else None

    async def reminder(self, actor: Actor, channel_id: str) -> Reminder | None:
        await self._access.require(actor, Permission.LOOKUP)
        reminders = await self._store.timed_posts.reminders(channel_id=channel_id)
        return reminders[0] if reminders else None

    async def set_digest(
        self,
        actor: Actor,
        channel_id: str,
        *,
        at: time,
        product: str | None,
        always: bool,
        announce: Announce[Digest],
    ) -> Digest:
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        chosen = await product_named(self._catalog, product)
        async with self._access.audited(actor, "digest") as audit:
            digest = await self._store.timed_posts.set_digest(
                team_id=actor.team_id,
                channel_id=channel_id,
                at=at,
                product_id=chosen.product_id if chosen else None,
                product_name=chosen.name if chosen else None,
                always=always,
                by=actor.user_id,
                now=self._clock.now(),
            )
            audit.detail = f"{channel_id}: {at:%H:%M} {digest.product_name or 'every product'}"
            undo = partial(self._store.timed_posts.digest_off, channel_id)
            await announced(announce, digest, undo=undo)
        return digest

    async def set_reminder(
        self,
        actor: Actor,
        channel_id: str,
        *,
        minutes: int,
        product: str | None,
        announce: Announce[Reminder],
    ) -> Reminder:
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        chosen = await product_named(self._catalog, product)
        async with self._access.audited(actor, "remind") as audit:
            reminder = await self._store.timed_posts.set_reminder(
                team_id=actor.team_id,
                channel_id=channel_id,
                minutes=minutes,
                product_id=chosen.product_id if chosen else None,
                product_name=chosen.name if chosen else None,
                by=actor.user_id,
                now=self._clock.now(),
            )
            audit.detail = f"{channel_id}: {minutes} min {reminder.product_name or 'every product'}"
            undo = partial(self._store.timed_posts.reminder_off, channel_id)
            await announced(announce, reminder, undo=undo)
        return reminder

    async def digest_off(
        self, actor: Actor, channel_id: str, *, announce: Announce[Digest] | None = None
    ) -> bool:
        """Whether there was a digest to stop; `announce` says which in the channel, as
        setting it did."""
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        current = await self._store.timed_posts.digests(channel_id=channel_id)
        async with self._access.audited(actor, "digest_off") as audit:
            audit.detail = channel_id
            removed = await self._store.timed_posts.digest_off(channel_id)
        if removed and current and announce is not None:
            await stopped(announce, current[0])
        return removed

    async def reminders_off(
        self, actor: Actor, channel_id: str, *, announce: Announce[Reminder] | None = None
    ) -> bool:
        """Whether there were reminders to stop; `announce` says which in the channel."""
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        current = await self._store.timed_posts.reminders(channel_id=channel_id)
        async with self._access.audited(actor, "reminders_off") as audit:
            audit.detail = channel_id
            removed = await self._store.timed_posts.reminder_off(channel_id)
        if removed and current and announce is not None:
            await stopped(announce, current[0])
        return removed
