"""The bot's operations: what a person can ask of it, independent of where they ask (a Slack
listener, the shell, a job, a test). Operations take an `Actor` and typed input, check the
role, write through an idempotent protocol, audit, and return a typed outcome; they never
talk to Slack."""

from bot.ops.access import Access, Audit
from bot.ops.actor import Actor
from bot.ops.bookings import BookingOps
from bot.ops.errors import PermissionDenied, UserFacingError
from bot.ops.idempotent import IdempotentWrite

__all__ = [
    "Access",
    "Actor",
    "Audit",
    "BookingOps",
    "IdempotentWrite",
    "PermissionDenied",
    "UserFacingError",
]
