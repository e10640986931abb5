"""Buttons on cards and lists: show, show more, edit, cancel, pay, customer, share, open in
Bookeo.

Each acknowledges at once and does its work after the ack (`after_ack`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor, UserFacingError
from bot.permissions import Permission
from bot.slack.commands.handlers import respond_card
from bot.slack.commands.lookups import customer_page, find_page, read_more
from bot.slack.deps import Deps
from bot.slack.errors import user_message
from bot.slack.home import card_in_modal
from bot.slack.modals import open_for_booking
from bot.slack.modals.common import course_ids, meta_from_action
from bot.slack.runner import after_ack
from bot.slack.text import escape
from bot.slack.views.home import found_view
from bot.slack.views.modals import loading_view, message_view

Listener = Callable[..., Awaitable[None]]
log = logging.getLogger(__name__)


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


async def on_show(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    await ack()
    if _in_modal(body):  # a pick-list in the App Home find modal: the card opens over it
        work = _show_over(_value(body), body["trigger_id"], client, deps, actor)
        after_ack(deps, client, body, work, name="show")
        return
    after_ack(deps, client, body, _show(_value(body), respond, deps, actor), name="show")


def _in_modal(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view" and bool(body.get("view"))


async def _show_over(
    booking_number: str, trigger_id: str, client: AsyncWebClient, deps: Deps, actor: Actor
) -> None:
    # Pushed at once, before Bookeo answers: the trigger is good for 3 seconds only.
    pushed = await client.views_push(trigger_id=trigger_id, view=loading_view("Find a booking"))
    try:
        booking = await deps.lookups.booking(actor, booking_number)
        shown = found_view(await card_in_modal(booking, actor, deps))
    except Exception as error:  # said in the modal, where the person is looking
        shown = message_view("Find a booking", user_message(error))
    await client.views_update(view_id=pushed["view"]["id"], view=shown)


async def _show(booking_number: str, respond: AsyncRespond, deps: Deps, actor: Actor) -> None:
    booking = await deps.bookings.get(booking_number)
    await respond_card(
        booking, respond=respond, deps=deps, show_contacts=actor.may(Permission.SEE_CONTACTS)
    )


async def on_customer(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    await ack()
    work = _customer(_value(body), respond, deps, actor)
    after_ack(deps, client, body, work, name="customer")


async def _customer(booking_number: str, respond: AsyncRespond, deps: Deps, actor: Actor) -> None:
    found = await deps.lookups.customer(actor, booking_number)
    if found is None:  # a booking always has its customer; an email may match nobody
        raise UserFacingError(":mag: Bookeo has no customer for that booking.")
    blocks = customer_page(found, booking_number, deps, actor, await course_ids(deps))
    await respond(
        replace_original=False,
        response_type="ephemeral",
        text=found.customer.full_name,
        blocks=[b.to_dict() for b in blocks],
    )


async def on_more(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    """Show more: the next page of a pick-list, in place of the page shown."""
    await ack()
    page = _more(_value(body), deps, actor)
    if _in_modal(body):  # the App Home find modal: the next page in its place
        view = body["view"]
        work = _more_in_modal(page, view["id"], view.get("hash"), client)
    else:
        work = _more_in_message(page, respond)
    after_ack(deps, client, body, work, name="more")


async def _more_in_message(
    page: Coroutine[Any, Any, tuple[str, list[Block]]], respond: AsyncRespond
) -> None:
    text, blocks = await page
    await respond(replace_original=True, text=text, blocks=[b.to_dict() for b in blocks])


async def _more_in_modal(
    page: Coroutine[Any, Any, tuple[str, list[Block]]],
    view_id: str,
    view_hash: str | None,
    client: AsyncWebClient,
) -> None:
    try:
        _, blocks = await page
        shown = found_view(blocks)
    except Exception as error:  # said in the modal, where the person is looking
        shown = message_view("Find a booking", user_message(error))
    # The hash: a modal the person changed meanwhile is not overwritten with a stale page.
    await client.views_update(view_id=view_id, hash=view_hash, view=shown)


async def _more(value: str, deps: Deps, actor: Actor) -> tuple[str, list[Block]]:
    """The page a Show more button asks for: its text and blocks."""
    wanted = read_more(value)
    if wanted is None:
        raise UserFacingError("That list is out of date: run the search again.")
    kind, query, offset = wanted
    courses = await course_ids(deps)
    if kind == "find":
        result = await deps.lookups.find(actor, query, offset=offset)
        text, blocks = find_page(result, query, deps, courses)
    else:
        found = await deps.lookups.customer(actor, query, offset=offset)
        if found is None:
            raise UserFacingError(f":mag: No customer has the email {escape(query)}.")
        text, blocks = found.customer.full_name, customer_page(found, query, deps, actor, courses)
    return text, blocks


async def on_share(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    await ack()
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    work = _share(_value(body), channel, respond, deps, actor)
    after_ack(deps, client, body, work, name="share")


async def _share(
    booking_number: str, channel: str | None, respond: AsyncRespond, deps: Deps, actor: Actor
) -> None:
    """Share the card in the channel: the relay posts it as the bot and keeps it current
    (bot/relay/sharing.py). Where the bot cannot post, it goes through `response_url`, as a
    card nobody can keep current."""
    shared = await deps.sharing.share(booking_number, channel, user_id=actor.user_id)
    if shared.ts is None:
        card = shared.card
        await respond(
            response_type="in_channel", replace_original=False, text=card.text, blocks=card.blocks
        )


def _opener(verb: str) -> Listener:
    async def on_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, actor: Actor
    ) -> None:
        await ack()
        work = open_for_booking(
            verb,
            client=client,
            deps=deps,
            actor=actor,
            trigger_id=body["trigger_id"],
            meta=meta_from_action(body, _value(body)),
        )
        after_ack(deps, client, body, work, name=f"open {verb}")

    on_button.__name__ = f"on_{verb}_button"
    return on_button


on_edit = _opener("edit")
on_cancel = _opener("cancel")
on_pay = _opener("pay")


async def on_open_in_bookeo(ack: AsyncAck) -> None:
    """A URL button: Slack opens the link; the click still arrives and must be acknowledged."""
    await ack()
