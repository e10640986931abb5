"""The bot's persistence: SQLAlchemy 2 async (SQLite by default, PostgreSQL to scale out)."""

from bot.records import Digest, Reminder, Subscription

from .engine import async_url, make_engine
from .oncall import Page
from .relay import InboxItem, Received
from .repository import AuditEntry, PendingWrite, Store, WriteClaim, cannot_write_now

__all__ = [
    "AuditEntry",
    "Digest",
    "InboxItem",
    "Page",
    "PendingWrite",
    "Received",
    "Reminder",
    "Store",
    "Subscription",
    "WriteClaim",
    "async_url",
    "cannot_write_now",
    "make_engine",
]
