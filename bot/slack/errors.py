"""Errors a person can act on, and the one handler that tells them.

Listeners raise; they do not catch-and-log. `install_error_handler` turns any exception into
an ephemeral line (or a DM, for modal submissions) — never a stack trace, never silence.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.bookeo import (
    BadRequest,
    BookeoConnectionError,
    BookeoError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ResponseValidationError,
    Unauthorized,
)
from bot.ops.errors import PermissionDenied, UserFacingError

__all__ = [
    "PermissionDenied",
    "UserFacingError",
    "after_ack",
    "install_error_handler",
    "user_message",
]

if TYPE_CHECKING:
    from bot.slack.deps import Deps

log = logging.getLogger("bot.slack.errors")


def user_message(error: BaseException, *, write: bool = False) -> str:
    """What to tell a person about `error`. `write` says whether a change was attempted."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, NotFound):
        return ":mag: Bookeo has no such booking or customer. Check the number and try again."
    if isinstance(error, RateLimited):
        wait = f" in {int(error.retry_after) + 1} s" if error.retry_after else " in a minute"
        return f":hourglass: Bookeo is busy right now (rate limit). Try again{wait}."
    if isinstance(error, BadRequest | Conflict):
        return f":no_entry: Bookeo refused: {error.message}"
    if isinstance(error, Forbidden | Unauthorized):
        return (
            ":lock: Bookeo refused the bot's API key for this. An admin can run "
            "`bookeo-bot check` to see which permission is missing."
        )
    if isinstance(error, BookeoConnectionError) and write and error.may_have_reached:
        return (
            ":warning: Bookeo did not answer, and the change *may* have been saved. "
            "Look the booking up before trying again."
        )
    if isinstance(error, BookeoError) and not isinstance(error, ResponseValidationError):
        saved = " Nothing was changed." if write else ""
        return f":cloud: Bookeo is not answering right now.{saved} Try again in a minute."
    reference = secrets.token_hex(4)
    log.error("unexpected error (ref %s)", reference, exc_info=error)
    return f":boom: Something went wrong on our side (ref `{reference}`). Please try again."


def install_error_handler(app: AsyncApp) -> None:
    @app.error
    async def on_error(error: Exception, body: dict[str, Any], client: AsyncWebClient) -> None:
        # Unexpected errors are logged with a reference inside user_message.
        await tell(client, body, user_message(error))


def after_ack(
    deps: Deps,
    client: AsyncWebClient,
    body: dict[str, Any],
    work: Coroutine[Any, Any, Any],
    *,
    name: str,
) -> None:
    """Run `work` after the ack, as its own task, telling the user about any failure.

    Not left to Bolt: Bolt answers Slack when the listener returns (process_before_response),
    so work left in the listener would hold the answer back, and an exception raised after
    `ack()` would turn the answer into an error.
    """

    async def guarded() -> None:
        try:
            await work
        except Exception as error:
            await tell(client, body, user_message(error))

    deps.background.spawn(guarded(), name=name)


async def tell(client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    """An ephemeral note to whoever sent `body`, on the surface they used."""
    user = _id_of(body.get("user")) or body.get("user_id")
    channel = _id_of(body.get("channel")) or body.get("channel_id")
    response_url = body.get("response_url")
    try:
        if response_url:
            await AsyncWebhookClient(response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
        elif channel and user:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
        elif user:
            await client.chat_postMessage(channel=user, text=text)
    except Exception:  # the last resort must not raise
        log.exception("could not tell the user about an error")


def _id_of(value: Any) -> str | None:
    """`{"id": …}` as Slack sends it; anything else has no id."""
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None
