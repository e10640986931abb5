"""The bot's persistence: SQLAlchemy 2 async (SQLite by default, PostgreSQL to scale out)."""

from .engine import async_url, make_engine
from .oncall import Page
from .relay import InboxItem, Received, Subscription
from .repository import AuditEntry, CreateClaim, Store
from .timed_posts import Digest, Reminder

__all__ = [
    "AuditEntry",
    "CreateClaim",
    "Digest",
    "InboxItem",
    "Page",
    "Received",
    "Reminder",
    "Store",
    "Subscription",
    "async_url",
    "make_engine",
]
