"""Who holds which role: granted by admins, listed for anyone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.permissions import Permission, Role
from bot.store import Store


@dataclass(frozen=True)
class RoleList:
    assigned: list[tuple[str, Role]]  # (user id, role) granted in the workspace
    bootstrap_admins: tuple[str, ...]  # BOT_ADMINS: admins whatever the store says


class RoleOps:
    def __init__(self, store: Store, access: Access, clock: Clock) -> None:
        self._store = store
        self._access = access
        self._clock = clock

    async def set(self, actor: Actor, user_id: str, role: Role) -> None:
        await self._access.require(actor, Permission.MANAGE_ROLES)
        async with self._access.audited(actor, "set_role") as audit:
            await self._store.set_role(
                actor.team_id, user_id, role, granted_by=actor.user_id, at=self._clock.now()
            )
            audit.detail = f"{user_id} → {role.value}"

    async def list(self, actor: Actor) -> RoleList:
        await self._access.require(actor, Permission.LOOKUP)
        return RoleList(await self._store.roles(actor.team_id), self._access.admins)
