"""Modals: open at once (loading view), fill in from Bookeo, validate inline, write, report."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor
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
    "open_payment",
]


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
