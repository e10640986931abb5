"""Telling the bot's admins (and whoever else must know) something went wrong: one place,
so every warning reaches each person once and one unreachable person does not stop the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.relay.notify")


class AdminNotifier:
    def __init__(self, slack: AsyncWebClient, admins: tuple[str, ...]) -> None:
        self._slack = slack
        self.admins = admins

    async def tell(self, text: str, *, also: Iterable[str] = ()) -> int:
        """DM `text` to every admin and to each of `also` (user ids), each once, in a stable
        order. Returns how many were reached."""
        reached = 0
        for person in sorted({*self.admins, *also}):
            try:
                await self._slack.chat_postMessage(channel=person, text=text)
                reached += 1
            except SlackApiError:
                log.warning("could not tell %s: %s", person, text[:80])
        return reached
