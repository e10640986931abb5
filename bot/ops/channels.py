"""A channel's settings, managed from Slack: its subscriptions to booking changes, the relay's
status — and, through its parts, who is on call, its timed posts and the workspace's roles.

Subscribing is said out loud in the channel (`announce`); when the bot may not post there,
the subscription is undone and the person told how to invite it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.bookeo import BookeoClient, BookeoError
from bot.bookeo.models import Webhook
from bot.catalog import Catalog
from bot.clock import Clock
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.errors import UserFacingError
from bot.ops.oncall import OnCallOps
from bot.ops.products import product_named
from bot.ops.roles import RoleOps
from bot.ops.timed_posts import Announce, TimedPostOps, announced
from bot.permissions import Permission, Role
from bot.store import Store, Subscription


@dataclass(frozen=True)
class SubscriptionForm:
    """What a channel asks to hear about (see `/bookeo subscribe`)."""

    kinds: frozenset[str]
    product: str | None = None  # a product name as typed; matched against the catalogue
    within_hours: int | None = None
    quiet: str | None = None
    broadcast: bool = True
    urgent_hours: int | None = None  # None: the default; 0: never


class AlreadySubscribed(UserFacingError):
    """The channel already has a subscription to exactly this: nothing was written (a second
    click, or a replayed request, must not make a second one)."""

    def __init__(self, existing: Subscription) -> None:
        super().__init__(
            f":information_source: This channel is already subscribed to that (#{existing.id}); "
            "nothing changed. See `/bookeo subscriptions`."
        )
        self.existing = existing


def _same(sub: Subscription, form: SubscriptionForm, product_id: str | None) -> bool:
    return (
        sub.kinds == form.kinds
        and sub.product_id == product_id
        and sub.within_hours == form.within_hours
        and sub.quiet == form.quiet
        and sub.broadcast == form.broadcast
        and sub.urgent_hours == form.urgent_hours
    )


@dataclass(frozen=True)
class SubscriptionList:
    subscriptions: list[Subscription]
    workspace: bool  # True: every channel's (admins see them all); False: this channel's


@dataclass(frozen=True)
class Unsubscribed:
    removed: int  # how many of the channel's subscriptions went
    # The channel of the numbered subscription asked for, when it is another one's: it is
    # removed there (its people see the change), not from here.
    elsewhere: str | None = None


@dataclass(frozen=True)
class RelayStatus:
    last_received: datetime | None
    backlog: dict[str, int]
    dead: list[tuple[str, str, str]]  # (message id, kind, reason) of recent dead letters
    paused: list[Subscription]
    webhooks: list[Webhook] | None  # None: Bookeo could not be asked
    rejected: int  # webhook calls refused for a bad signature since start


class ChannelOps:
    def __init__(
        self,
        *,
        store: Store,
        bookeo: BookeoClient,
        catalog: Catalog,
        access: Access,
        clock: Clock,
        intake_counts: Mapping[str, int] | None = None,
    ) -> None:
        self._store = store
        self._bookeo = bookeo
        self._catalog = catalog
        self._access = access
        self._clock = clock
        self._intake_counts = intake_counts
        self.oncall = OnCallOps(store, access, clock)
        self.timed_posts = TimedPostOps(store, access, catalog, clock)
        self.roles = RoleOps(store, access, clock)

    async def subscribe(
        self,
        actor: Actor,
        channel_id: str,
        form: SubscriptionForm,
        *,
        announce: Announce[Subscription],
    ) -> Subscription:
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        product = await product_named(self._catalog, form.product)
        relay = self._store.relay
        product_id = product.product_id if product else None
        for existing in await relay.subscriptions(team_id=actor.team_id, channel_id=channel_id):
            if _same(existing, form, product_id):
                raise AlreadySubscribed(existing)
        async with self._access.audited(actor, "subscribe") as audit:
            sub = await relay.subscribe(
                team_id=actor.team_id,
                channel_id=channel_id,
                created_by=actor.user_id,
                at=self._clock.now(),
                kinds=form.kinds,
                product_id=product_id,
                product_name=product.name if product else None,
                within_hours=form.within_hours,
                quiet=form.quiet,
                broadcast=form.broadcast,
                urgent_hours=form.urgent_hours,
            )
            audit.detail = f"{channel_id}: #{sub.id} {','.join(sorted(sub.kinds))}" + (
                f" {sub.product_name}" if sub.product_name else ""
            )
            undo = partial(
                relay.unsubscribe,
                team_id=actor.team_id,
                channel_id=channel_id,
                subscription_id=sub.id,
            )
            await announced(announce, sub, undo=undo)
            await relay.resume(channel_id)  # a new subscription un-pauses the channel
        return sub

    async def unsubscribe(
        self, actor: Actor, channel_id: str, subscription_id: int | None = None
    ) -> Unsubscribed:
        """Remove the channel's subscription `subscription_id` (`None`: all of them)."""
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        async with self._access.audited(actor, "unsubscribe") as audit:
            removed = await self._store.relay.unsubscribe(
                team_id=actor.team_id, channel_id=channel_id, subscription_id=subscription_id
            )
            audit.detail = f"{channel_id} {subscription_id or 'all'}: {removed}"
        if removed or subscription_id is None:
            return Unsubscribed(removed)
        # An admin's list shows the whole workspace: the number may be another channel's.
        others = await self._store.relay.subscriptions(team_id=actor.team_id)
        there = next((s.channel_id for s in others if s.id == subscription_id), None)
        return Unsubscribed(0, elsewhere=there)

    async def subscriptions(self, actor: Actor, channel_id: str) -> SubscriptionList:
        """The channel's subscriptions; an admin sees the whole workspace's."""
        await self._access.require(actor, Permission.LOOKUP)
        workspace = actor.role is Role.ADMIN
        subs = await self._store.relay.subscriptions(
            team_id=actor.team_id, channel_id=None if workspace else channel_id
        )
        return SubscriptionList(subs, workspace)

    async def status(self, actor: Actor) -> RelayStatus:
        await self._access.require(actor, Permission.LOOKUP)
        relay = self._store.relay
        try:
            webhooks: list[Webhook] | None = await self._bookeo.webhooks.list()
        except BookeoError:
            webhooks = None
        subs = await relay.subscriptions(team_id=actor.team_id)
        return RelayStatus(
            last_received=await relay.last_received(),
            backlog=await relay.backlog(),
            dead=await relay.dead_letters(),
            paused=[s for s in subs if s.paused_reason],
            webhooks=webhooks,
            rejected=self._intake_counts.get("rejected", 0) if self._intake_counts else 0,
        )
