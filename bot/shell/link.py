"""The bot as the shell reaches it: signed requests to its real `/slack/events`, in-process."""

from __future__ import annotations

import asyncio

import httpx

from bot.app import BotApp
from bot.shell.slack_requests import FORM, SlackRequests


class BotLink:
    def __init__(self, bot: BotApp, slack: SlackRequests) -> None:
        self.bot = bot
        self.slack = slack

    async def post(self, body: str, content_type: str = FORM) -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.bot.asgi), base_url="http://bot"
        ) as http:
            return await http.post(
                "/slack/events",
                content=body,
                headers=self.slack.headers(body, content_type=content_type),
            )

    async def settle(self) -> None:
        """Wait until the bot, the sandbox and the relay have nothing left to do."""
        bot = self.bot
        for _ in range(100):
            await bot.deps.background.drain()
            if bot.sandbox is not None:
                await bot.sandbox.drain_webhooks()
            await asyncio.sleep(0.05)
            pending = (await bot.store.relay.backlog()).get("pending", 0)
            if not pending and not bot.deps.background.busy:
                return
