"""The Bookeo sandbox: a stateful emulator of the API subset the bot uses (DESIGN.md §7)."""

from .app import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from .faults import Faults

__all__ = ["DEFAULT_API_KEY", "DEFAULT_SECRET_KEY", "Faults", "Sandbox"]
