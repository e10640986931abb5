"""Who holds which role: granted by admins, listed for anyone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.errors import UserFacingError
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

    async def set(self, actor: Actor, user_id: str, role: Role, *, confirmed: bool = False) -> None:
        """Grant `role`. A BOT_ADMINS user stays admin whatever the store says, so demoting
        one is refused rather than recorded; the last admin demoting themself is warned
        first and goes ahead only when `confirmed`."""
        await self._access.require(actor, Permission.MANAGE_ROLES)
        if role is not Role.ADMIN and user_id in self._access.admins:
            if user_id == actor.user_id:  # said to the person themself
                raise UserFacingError(
                    ":information_source: You are an admin through the bot's BOT_ADMINS "
                    "setting, so you stay admin: `/bookeo role` cannot change that. Take "
                    "yourself out of BOT_ADMINS (and restart the bot) first."
                )
            raise UserFacingError(
                f":information_source: <@{user_id}> is an admin through the bot's BOT_ADMINS "
                f"setting, so they stay admin: `/bookeo role` cannot change that. Take them "
                "out of BOT_ADMINS (and restart the bot) first."
            )
        if role is not Role.ADMIN and user_id == actor.user_id and not confirmed:
            if await self._admins_besides(actor.team_id, user_id) == 0:
                raise UserFacingError(
                    ":warning: You are the last admin: after this nobody can grant roles or "
                    "manage channels until someone is added to BOT_ADMINS. To do it anyway: "
                    f"`/bookeo role @you {role.value} confirm`."
                )
        async with self._access.audited(actor, "set_role") as audit:
            await self._store.set_role(
                actor.team_id, user_id, role, granted_by=actor.user_id, at=self._clock.now()
            )
            audit.detail = f"{user_id} → {role.value}"

    async def _admins_besides(self, team_id: str, user_id: str) -> int:
        stored = {u for u, r in await self._store.roles(team_id) if r is Role.ADMIN}
        return len((stored | set(self._access.admins)) - {user_id})

    async def list(self, actor: Actor) -> RoleList:
        await self._access.require(actor, Permission.LOOKUP)
        return RoleList(await self._store.roles(actor.team_id), self._access.admins)
