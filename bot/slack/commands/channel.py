"""Saying a channel setting out loud in that channel — which is also how the bot learns
whether it may post there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.errors import UserFacingError

NOT_THERE = frozenset({"not_in_channel", "channel_not_found"})


async def announce(
    client: AsyncWebClient, channel: str, text: str, *, undo: Callable[[], Awaitable[object]]
) -> None:
    """Post `text` in `channel`; when the bot is not there, `undo()` the setting and tell the
    person how to invite it."""
    try:
        await client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:
        if error.response.get("error") in NOT_THERE:
            await undo()
            raise UserFacingError(
                ":wave: I'm not in this channel, so I can't post here. Invite me with "
                "`/invite @Bookeo`, then run the command again."
            ) from None
        raise
