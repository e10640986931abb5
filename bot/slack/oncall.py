"""The Acknowledge button of an on-call page.

The page is a DM the bot posted. The answer replaces it through the `response_url` Slack
sends with a message's button; a payload without one (Bolt then gives no `respond`) gets
the same answer by `chat.update` on the message the button was in.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.runner import after_ack


async def on_acknowledge(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond | None,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    await ack()
    reply = _Reply(body, respond, client)
    work = _acknowledge(_page_id(body), actor, reply, client, deps)
    after_ack(deps, client, body, work, name="oncall ack")


def _page_id(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


class _Reply:
    """Replace the page the button was in: by its response_url, or else by chat.update."""

    def __init__(
        self, body: dict[str, Any], respond: AsyncRespond | None, client: AsyncWebClient
    ) -> None:
        container = body.get("container") or {}
        self._respond = respond if body.get("response_url") else None
        self._client = client
        self._channel = str(container.get("channel_id") or "")
        self._ts = str(container.get("message_ts") or "")

    async def __call__(self, text: str) -> None:
        if self._respond is not None:
            await self._respond(replace_original=True, text=text)
        elif self._channel and self._ts:
            await self._client.chat_update(channel=self._channel, ts=self._ts, text=text, blocks=[])


async def _acknowledge(
    value: str, actor: Actor, respond: _Reply, client: AsyncWebClient, deps: Deps
) -> None:
    if not value.isdigit():
        raise UserFacingError("This page is not known any more.")
    done = await deps.channels.oncall.acknowledge(actor, int(value))
    page = done.page
    if not done.first:
        await respond(f":white_check_mark: Already acknowledged by <@{page.acked_by}>.")
        return
    at = (page.acked_at or deps.clock.now()).astimezone(deps.tz)
    await client.chat_postMessage(
        channel=page.channel_id,
        thread_ts=page.card_ts,
        text=f":white_check_mark: Acknowledged by <@{actor.user_id}> at {at:%H:%M}.",
    )
    await respond(
        f":white_check_mark: You acknowledged booking {page.booking_number} at {at:%H:%M}."
    )
