"""The role check before every write, and the audit row after it (kept for listeners that
still take ids; new code takes an `Actor` from the context and calls `deps.access`)."""

from __future__ import annotations

from bot.permissions import Permission, Role
from bot.slack.deps import Deps


async def role_of(deps: Deps, team_id: str, user_id: str) -> Role:
    return await deps.access.role_of(team_id, user_id)


async def require(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    permission: Permission,
    booking_number: str | None = None,
) -> Role:
    """The caller's role, or `PermissionDenied` (audited) when it is not enough."""
    actor = await deps.access.actor(team_id, user_id)
    await deps.access.require(actor, permission, booking_number=booking_number)
    return actor.role


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
    actor = await deps.access.actor(team_id, user_id)
    await deps.access.audit(
        actor, action=action, booking_number=booking_number, outcome=outcome, detail=detail
    )
