"""What to tell a person about an error: the wording, one place for every surface.

Listeners raise; they do not catch-and-log. The handler in bot.slack.runner turns any
exception into an ephemeral line (or a DM, for modal submissions) worded here — never a
stack trace, never silence.
"""

from __future__ import annotations

import logging
import secrets

from bot.bookeo import (
    BadRequest,
    BookeoConnectionError,
    BookeoError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ResponseValidationError,
    Unauthorized,
)
from bot.ops.errors import PermissionDenied, UserFacingError

__all__ = [
    "PermissionDenied",
    "UserFacingError",
    "user_message",
]

log = logging.getLogger("bot.slack.errors")


def user_message(error: BaseException, *, write: bool = False) -> str:
    """What to tell a person about `error`. `write` says whether a change was attempted."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, NotFound):
        return ":mag: Bookeo has no such booking or customer. Check the number and try again."
    if isinstance(error, RateLimited):
        wait = f" in {int(error.retry_after) + 1} s" if error.retry_after else " in a minute"
        return f":hourglass: Bookeo is busy right now (rate limit). Try again{wait}."
    if isinstance(error, BadRequest | Conflict):
        return f":no_entry: Bookeo refused: {error.message}"
    if isinstance(error, Forbidden | Unauthorized):
        return (
            ":lock: Bookeo refused the bot's API key for this. An admin can run "
            "`bookeo-bot check` to see which permission is missing."
        )
    if isinstance(error, BookeoConnectionError) and write and error.may_have_reached:
        return (
            ":warning: Bookeo did not answer, and the change *may* have been saved. "
            "Look the booking up before trying again."
        )
    if isinstance(error, BookeoError) and not isinstance(error, ResponseValidationError):
        saved = " Nothing was changed." if write else ""
        return f":cloud: Bookeo is not answering right now.{saved} Try again in a minute."
    reference = secrets.token_hex(4)
    log.error("unexpected error (ref %s)", reference, exc_info=error)
    return f":boom: Something went wrong on our side (ref `{reference}`). Please try again."
