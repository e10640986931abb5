"""`/bookeo …`: parse, acknowledge at once, then run the subcommand after the ack.

Which subcommand does what is the registry's (`registry.SUBCOMMANDS`); this listener only
reads the text, acks (empty for a modal, whose trigger_id cannot wait), and hands the rest
to the entry: its permission check, then its runner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse

from bot.ops import Actor
from bot.slack.commands.call import Call, Where
from bot.slack.commands.lookups import respond_card
from bot.slack.commands.parser import UsageError
from bot.slack.commands.registry import resolve
from bot.slack.deps import Deps
from bot.slack.runner import after_ack
from bot.slack.text import escape

__all__ = ["on_bookeo", "respond_card"]
log = logging.getLogger(__name__)
# An answer slower than this gets a progress note first (an empty ack shows nothing); most
# lookups answer well within it.
SLOW_ANSWER = 2.0


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
    # The ack is empty, and the answer comes through `response_url`: Slack cannot replace or
    # delete a slash command's acknowledgement. `replace_original` replaces only a message
    # whose interactive element was used ("Updating messages using response_url",
    # https://docs.slack.dev/messaging/modifying-messages); on a command's response_url it
    # posts a second message (slackapi/bolt-js#2287, slackapi/bolt-python#1268). So a
    # "Looking up…" ack stayed above every answer. Now the person gets one message, and a
    # progress note only when the answer is slow (then it says what it is doing).
    await ack()
    answer = respond if subcommand.opens_modal else FirstAnswer(respond)
    call = Call(actor=actor, where=Where.of(command), deps=deps, respond=answer, client=client)
    work = _counted(subcommand.invoke(request, call), subcommand.name, deps)
    if isinstance(answer, FirstAnswer):
        work = _noted_when_slow(work, answer, subcommand.ack_text(request))
    after_ack(deps, client, command, work, name=f"bookeo {text[:20]}")


class FirstAnswer(AsyncRespond):
    """A command's `respond` that knows whether it answered yet, so a progress note never
    follows (or crosses) the answer."""

    def __init__(self, respond: AsyncRespond) -> None:
        super().__init__(response_url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl)
        self._lock = asyncio.Lock()
        self.answered = False

    async def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        async with self._lock:
            self.answered = True
            return await super().__call__(*args, **kwargs)

    async def note(self, text: str) -> None:
        """Say `text` unless the answer went first."""
        async with self._lock:
            if not self.answered:
                await super().__call__(text=text, response_type="ephemeral")


async def _noted_when_slow(
    work: Coroutine[Any, Any, None], answer: FirstAnswer, progress: str
) -> None:
    """Run `work`; if it has not answered within SLOW_ANSWER seconds, say it is under way."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=SLOW_ANSWER)
    if not done:
        try:
            await answer.note(progress)
        except Exception:  # a note is not worth failing the command for
            log.warning("could not post a progress note", exc_info=True)
    await task


async def _counted(work: Coroutine[Any, Any, None], name: str, deps: Deps) -> None:
    outcome = "failed"
    try:
        await work
        outcome = "ok"
    finally:
        if deps.metrics is not None:
            deps.metrics.commands.labels(name, outcome).inc()
