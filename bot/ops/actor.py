"""Who is asking: a person in a Slack workspace, with the role they hold right now."""

from __future__ import annotations

from dataclasses import dataclass

from bot.permissions import Permission, Role, allows


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)
