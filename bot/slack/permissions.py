"""The role check before every write, and the audit row after it."""

from __future__ import annotations

from bot.permissions import DEFAULT_ROLE, REQUIRED, Permission, Role, allows
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied
from bot.store import AuditEntry


async def role_of(deps: Deps, team_id: str, user_id: str) -> Role:
    if user_id in deps.settings.bot_admins:
        return Role.ADMIN
    return await deps.store.role_of(team_id, user_id) or DEFAULT_ROLE


async def require(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    permission: Permission,
    booking_number: str | None = None,
) -> Role:
    """The caller's role, or `PermissionDenied` (audited) when it is not enough."""
    role = await role_of(deps, team_id, user_id)
    if allows(role, permission):
        return role
    await audit(
        deps,
        team_id=team_id,
        user_id=user_id,
        action=permission.value,
        booking_number=booking_number,
        outcome="denied",
        detail=f"role {role.value}",
    )
    needed = REQUIRED[permission]
    raise PermissionDenied(
        f":lock: You need the *{needed.value}* role to {permission.value.replace('_', ' ')} "
        f"(you are *{role.value}*). Ask an admin: `/bookeo role @you {needed.value}`."
    )


async def audit(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    action: str,
    booking_number: str | None,
    outcome: str,
    detail: str = "",
) -> None:
    await deps.store.audit(
        AuditEntry(
            at=deps.clock.now(),
            team_id=team_id,
            user_id=user_id,
            action=action,
            booking_number=booking_number,
            outcome=outcome,
            detail=detail,
        )
    )
