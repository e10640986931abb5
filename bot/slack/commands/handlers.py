"""`/bookeo …`: parse, acknowledge at once, then run the subcommand after the ack.

Which subcommand does what is the registry's (`registry.SUBCOMMANDS`); this listener only
reads the text, acks (empty for a modal, whose trigger_id cannot wait), and hands the rest
to the entry: its permission check, then its runner.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor
from bot.slack.commands.call import Call, Where
from bot.slack.commands.lookups import respond_card
from bot.slack.commands.parser import UsageError
from bot.slack.commands.registry import resolve
from bot.slack.deps import Deps
from bot.slack.runner import after_ack
from bot.slack.text import escape

__all__ = ["on_bookeo", "respond_card"]


async def on_bookeo(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    """Every `/bookeo` invocation. The ack goes out before any Bookeo or database call."""
    text = command.get("text") or ""
    try:
        subcommand, request = resolve(text)
    except UsageError as error:
        # The message may quote what was typed: escaped, so it reads literally.
        usage = f"\nUsage: `{escape(error.usage)}`" if error.usage else "\nSee `/bookeo help`."
        await ack(response_type="ephemeral", text=f"{escape(error.message)}{usage}")
        if deps.metrics is not None:
            deps.metrics.commands.labels("unknown", "usage_error").inc()
        return
    if subcommand.opens_modal:
        await ack()
    else:
        await ack(response_type="ephemeral", text=subcommand.ack_text(request))
    call = Call(actor=actor, where=Where.of(command), deps=deps, respond=respond, client=client)
    work = _counted(subcommand.invoke(request, call), subcommand.name, deps)
    after_ack(deps, client, command, work, name=f"bookeo {text[:20]}")


async def _counted(work: Coroutine[Any, Any, None], name: str, deps: Deps) -> None:
    outcome = "failed"
    try:
        await work
        outcome = "ok"
    finally:
        if deps.metrics is not None:
            deps.metrics.commands.labels(name, outcome).inc()
