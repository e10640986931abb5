"""Saying a channel setting out loud in that channel — which is also how the bot learns
whether it may post there (the operation undoes the setting when it may not)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops.errors import NotInChannel

NOT_THERE = frozenset({"not_in_channel", "channel_not_found"})
T = TypeVar("T")


def announcer(
    client: AsyncWebClient, channel: str, words: Callable[[T], str]
) -> Callable[[T], Awaitable[None]]:
    """What an operation calls to announce a new setting: posts `words(setting)` in
    `channel`, or raises `NotInChannel` when the bot is not there."""

    async def announce(setting: T) -> None:
        try:
            await client.chat_postMessage(channel=channel, text=words(setting))
        except SlackApiError as error:
            if error.response.get("error") in NOT_THERE:
                raise NotInChannel() from None
            raise

    return announce
