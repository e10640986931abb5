"""The Acknowledge button of an on-call page."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.runner import after_ack


async def on_acknowledge(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    await ack()
    after_ack(deps, client, body, _acknowledge(body, respond, client, deps), name="oncall ack")


async def _acknowledge(
    body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    user = body["user"]["id"]
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    if not value.isdigit():
        raise UserFacingError("This page is not known any more.")
    now = deps.clock.now()
    page = await deps.store.oncall.acknowledge(int(value), by=user, at=now)
    if page is None:
        raise UserFacingError("This page is not known any more.")
    if page.acked_by != user or page.acked_at != now:
        await respond(
            replace_original=True,
            text=f":white_check_mark: Already acknowledged by <@{page.acked_by}>.",
        )
        return
    at = now.astimezone(deps.tz)
    await client.chat_postMessage(
        channel=page.channel_id,
        thread_ts=page.card_ts,
        text=f":white_check_mark: Acknowledged by <@{user}> at {at:%H:%M}.",
    )
    await respond(
        replace_original=True,
        text=f":white_check_mark: You acknowledged booking {page.booking_number} at {at:%H:%M}.",
    )
