"""Roles and the audit log: who an actor is, whether they may, and the row that says they did.

Every operation checks through `Access.require` and records through `Access.audited`, so a
denial is always audited and a write cannot forget its audit row."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.clock import Clock
from bot.ops.actor import Actor
from bot.ops.errors import PermissionDenied
from bot.permissions import DEFAULT_ROLE, REQUIRED, Permission, Role
from bot.store import AuditEntry, Store


@dataclass
class Audit:
    """What an audited operation says of itself before it ends; `detail` goes in the row."""

    detail: str = ""
    booking_number: str | None = None
    failure: BaseException | None = None
    """Set when the operation failed without raising (it returns an outcome that says so)."""


class Access:
    def __init__(self, store: Store, clock: Clock, admins: tuple[str, ...]) -> None:
        self.store = store
        self.clock = clock
        self.admins = admins

    async def role_of(self, team_id: str, user_id: str) -> Role:
        if user_id in self.admins:
            return Role.ADMIN
        return await self.store.role_of(team_id, user_id) or DEFAULT_ROLE

    async def actor(self, team_id: str, user_id: str) -> Actor:
        return Actor(team_id=team_id, user_id=user_id, role=await self.role_of(team_id, user_id))

    async def require(
        self, actor: Actor, permission: Permission, *, booking_number: str | None = None
    ) -> None:
        """Nothing, or `PermissionDenied` (audited) when the actor's role is not enough."""
        if actor.may(permission):
            return
        await self.audit(
            actor,
            action=permission.value,
            booking_number=booking_number,
            outcome="denied",
            detail=f"role {actor.role.value}",
        )
        needed = REQUIRED[permission]
        raise PermissionDenied(
            f":lock: You need the *{needed.value}* role to {permission.value.replace('_', ' ')} "
            f"(you are *{actor.role.value}*). Ask an admin: `/bookeo role @you {needed.value}`."
        )

    async def audit(
        self,
        actor: Actor,
        *,
        action: str,
        booking_number: str | None,
        outcome: str,
        detail: str = "",
    ) -> None:
        await self.store.audit(
            AuditEntry(
                at=self.clock.now(),
                team_id=actor.team_id,
                user_id=actor.user_id,
                action=action,
                booking_number=booking_number,
                outcome=outcome,
                detail=detail,
            )
        )

    async def announce(
        self,
        actor: Actor,
        action: str,
        booking_number: str | None = None,
        *,
        external_ref: str | None = None,
        detail: str = "",
    ) -> int:
        """Write a write's row "pending" before Bookeo is called, keyed by the booking number
        or, for a create, the `external_ref` it sends; pass its id to `audited` as `ahead`.
        A webhook Bookeo sends before its answer reaches the bot then already finds who made
        the change. Raises when the row cannot be written: the write must not be made."""
        return await self.store.audit(
            AuditEntry(
                at=self.clock.now(),
                team_id=actor.team_id,
                user_id=actor.user_id,
                action=action,
                booking_number=booking_number,
                outcome="pending",
                detail=detail,
                external_ref=external_ref,
            )
        )

    @asynccontextmanager
    async def audited(
        self,
        actor: Actor,
        action: str,
        booking_number: str | None = None,
        *,
        ahead: int | None = None,
        detail: str = "",
    ) -> AsyncIterator[Audit]:
        """Run an operation and record it: "ok" when the block ends, "failed" (with the error)
        when it raises or sets `failure`. The block may fill in the detail and the booking number
        it learned. `ahead`: the row `announce` wrote, finished in place."""
        row = Audit(booking_number=booking_number, detail=detail)
        try:
            yield row
        except Exception as error:
            await self._end(actor, action, ahead, row, "failed", str(error)[:500])
            raise
        if row.failure is not None:
            await self._end(actor, action, ahead, row, "failed", str(row.failure)[:500])
        else:
            await self._end(actor, action, ahead, row, "ok", row.detail)

    async def _end(
        self, actor: Actor, action: str, ahead: int | None, row: Audit, outcome: str, detail: str
    ) -> None:
        if ahead is None:
            await self.audit(
                actor,
                action=action,
                booking_number=row.booking_number,
                outcome=outcome,
                detail=detail,
            )
            return
        await self.store.finish_audit(
            ahead, outcome=outcome, booking_number=row.booking_number, detail=detail
        )
