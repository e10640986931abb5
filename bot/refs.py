"""The external reference a booking made by the bot carries into Bookeo: how the bot finds a
booking again when Bookeo's answer to the create was lost, and how a card knows the reference
is the bot's own (not worth showing)."""

from __future__ import annotations

PREFIX = "slack-"
MAX_LENGTH = 64  # Bookeo's limit on externalRef


def bot_ref(form_key: str) -> str:
    """The reference for the create form whose idempotency key is `form_key`."""
    return f"{PREFIX}{form_key}"[:MAX_LENGTH]


def is_bot_ref(ref: str | None) -> bool:
    return bool(ref) and str(ref).startswith(PREFIX)
