"""Errors an operation raises for the person who asked: their message is meant to be shown."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is meant for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(UserFacingError):
    """The actor's role does not allow what they asked (already audited when raised)."""


class NotInChannel(UserFacingError):
    """The bot cannot post in the channel a setting is for (it was not invited there)."""

    def __init__(self) -> None:
        super().__init__(
            ":wave: I'm not in this channel, so I can't post here. Invite me with "
            "`/invite @Bookeo`, then run the command again."
        )
