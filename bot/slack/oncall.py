"""The Acknowledge button of an on-call page."""

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
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    await ack()
    work = _acknowledge(_page_id(body), actor, respond, client, deps)
    after_ack(deps, client, body, work, name="oncall ack")


def _page_id(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


async def _acknowledge(
    value: str, actor: Actor, respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    if not value.isdigit():
        raise UserFacingError("This page is not known any more.")
    done = await deps.channels.oncall.acknowledge(actor, int(value))
    page = done.page
    if not done.first:
        await respond(
            replace_original=True,
            text=f":white_check_mark: Already acknowledged by <@{page.acked_by}>.",
        )
        return
    at = (page.acked_at or deps.clock.now()).astimezone(deps.tz)
    await client.chat_postMessage(
        channel=page.channel_id,
        thread_ts=page.card_ts,
        text=f":white_check_mark: Acknowledged by <@{actor.user_id}> at {at:%H:%M}.",
    )
    await respond(
        replace_original=True,
        text=f":white_check_mark: You acknowledged booking {page.booking_number} at {at:%H:%M}.",
    )
