"""One `/bookeo` invocation as a subcommand's runner sees it: who asked, from where, and how
to answer them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor
from bot.slack.deps import Deps
from bot.slack.views.modals import ModalMeta


@dataclass(frozen=True)
class Where:
    """The fields of the slash-command payload a runner uses (read once, at the edge)."""

    channel_id: str
    trigger_id: str
    response_url: str | None

    @classmethod
    def of(cls, command: dict[str, Any]) -> Where:
        return cls(
            channel_id=str(command.get("channel_id") or ""),
            trigger_id=str(command.get("trigger_id") or ""),
            response_url=command.get("response_url"),
        )


@dataclass(frozen=True)
class Call:
    actor: Actor
    where: Where
    deps: Deps
    respond: AsyncRespond
    client: AsyncWebClient

    @property
    def channel_id(self) -> str:
        return self.where.channel_id

    def meta(self, booking: str | None = None) -> ModalMeta:
        """Where a modal opened by this command reports back."""
        if booking is None:
            return ModalMeta(channel=self.where.channel_id or None)
        return ModalMeta(
            booking=booking,
            channel=self.where.channel_id or None,
            response_url=self.where.response_url,
        )

    async def say(self, text: str, blocks: Sequence[Block] | None = None) -> None:
        """Answer the person (ephemerally), in a message of its own: a slash command's
        response_url replaces nothing (`replace_original` applies to a message whose button
        was pressed; see commands/handlers.py)."""
        await self.respond(
            replace_original=False,
            text=text,
            blocks=[b.to_dict() for b in blocks] if blocks is not None else None,
        )
