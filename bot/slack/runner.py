"""Work after the ack, and the one error handler: whatever fails, the person is told.

Listeners ack, then hand the rest to `after_ack`; any exception ends in `tell`, worded by
`bot.slack.errors.user_message`.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.errors import user_message

if TYPE_CHECKING:
    from bot.slack.deps import Deps

__all__ = ["after_ack", "install_error_handler", "tell"]

log = logging.getLogger("bot.slack.runner")


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
