"""Who may do what (DESIGN.md §5): roles viewer < staff < cashier < admin.

Pure rules, shared by the Slack layer (which checks) and the store (which keeps roles).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    STAFF = "staff"
    CASHIER = "cashier"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_ORDER = [Role.VIEWER, Role.STAFF, Role.CASHIER, Role.ADMIN]


class Permission(StrEnum):
    """Every action the bot can be asked to take, named for the audit log."""

    LOOKUP = "lookup"
    CREATE = "create"
    EDIT = "edit"
    CANCEL = "cancel"
    PAY = "pay"
    REFUND = "refund"
    MANAGE_ROLES = "manage_roles"
    # A channel's settings: subscriptions, digests, reminders and who is on call. Admins hold
    # both today, but granting one is not granting the other.
    MANAGE_CHANNELS = "manage_channels"
    SEE_CONTACTS = "see_contacts"


REQUIRED: dict[Permission, Role] = {
    Permission.LOOKUP: Role.VIEWER,
    Permission.SEE_CONTACTS: Role.STAFF,
    Permission.CREATE: Role.STAFF,
    Permission.EDIT: Role.STAFF,
    Permission.CANCEL: Role.STAFF,
    Permission.PAY: Role.CASHIER,
    Permission.REFUND: Role.CASHIER,
    Permission.MANAGE_ROLES: Role.ADMIN,
    Permission.MANAGE_CHANNELS: Role.ADMIN,
}

# Anyone in the workspace can look bookings up; writes need a role granted by an admin.
DEFAULT_ROLE = Role.VIEWER


def allows(role: Role, permission: Permission) -> bool:
    return role.at_least(REQUIRED[permission])
