"""Modals: open at once (loading view), fill in from Bookeo, validate inline, write, report."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor
from bot.slack.commands.parser import New, OnBooking
from bot.slack.deps import Deps
from bot.slack.modals.cancel import open_cancel
from bot.slack.modals.create import open_create
from bot.slack.modals.edit import open_edit
from bot.slack.modals.payment import open_payment
from bot.slack.views.modals import ModalMeta

__all__ = [
    "open_cancel",
    "open_create",
    "open_edit",
    "open_for_booking",
    "open_for_command",
    "open_payment",
]


async def open_for_command(
    parsed: New | OnBooking,
    *,
    command: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    trigger_id = command["trigger_id"]
    if isinstance(parsed, New):
        meta = ModalMeta(channel=command.get("channel_id"))
        await open_create(
            client, deps, actor=actor, trigger_id=trigger_id, meta=meta, product_hint=parsed.product
        )
        return
    meta = ModalMeta(
        booking=parsed.booking_number,
        channel=command.get("channel_id"),
        response_url=command.get("response_url"),
    )
    await open_for_booking(
        parsed.verb, client=client, deps=deps, actor=actor, trigger_id=trigger_id, meta=meta
    )


async def open_for_booking(
    verb: str,
    *,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
    trigger_id: str,
    meta: ModalMeta,
) -> None:
    opener = {"edit": open_edit, "cancel": open_cancel, "pay": open_payment}[verb]
    await opener(client, deps, actor=actor, trigger_id=trigger_id, meta=meta)
