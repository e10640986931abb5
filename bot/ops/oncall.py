"""Who is paged for urgent changes in a workspace, and acknowledging a page."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.errors import UserFacingError
from bot.permissions import Permission
from bot.store import Store
from bot.store.oncall import Page


@dataclass(frozen=True)
class Acknowledged:
    page: Page
    first: bool  # False: someone (maybe the actor) had acknowledged it already


class OnCallOps:
    def __init__(self, store: Store, access: Access, clock: Clock) -> None:
        self._store = store
        self._access = access
        self._clock = clock

    async def target(self, actor: Actor) -> str | None:
        """The user (U…) or user group (S…) on call, if anyone is."""
        await self._access.require(actor, Permission.LOOKUP)
        return await self._store.oncall.target(actor.team_id)

    async def set(self, actor: Actor, target: str) -> None:
        await self._access.require(actor, Permission.MANAGE_CHANNELS)
        async with self._access.audited(actor, "oncall") as audit:
            audit.detail = target
            await self._store.oncall.set_target(
                actor.team_id, target, by=actor.user_id, at=self._clock.now()
            )

    async def acknowledge(self, actor: Actor, page_id: int) -> Acknowledged:
        """Whoever was paged (or anyone who sees the page) acknowledges it; the first one
        counts."""
        await self._access.require(actor, Permission.LOOKUP)
        async with self._access.audited(actor, "oncall_ack") as audit:
            now = self._clock.now()
            page = await self._store.oncall.acknowledge(page_id, by=actor.user_id, at=now)
            if page is None:
                raise UserFacingError("This page is not known any more.")
            audit.booking_number = page.booking_number
            first = page.acked_by == actor.user_id and page.acked_at == now
            audit.detail = f"page {page_id}" + ("" if first else f" (already by {page.acked_by})")
            return Acknowledged(page, first)
