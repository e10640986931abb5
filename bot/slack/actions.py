"""Buttons on cards and lists: show, show more, edit, cancel, pay, customer, share, open in
Bookeo.

Each acknowledges at once and does its work after the ack (`after_ack`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops import Actor, UserFacingError
from bot.permissions import Permission
from bot.slack.commands.handlers import respond_card
from bot.slack.commands.lookups import customer_page, find_page, read_more
from bot.slack.deps import Deps
from bot.slack.modals import open_for_booking
from bot.slack.modals.common import course_ids, meta_from_action
from bot.slack.runner import after_ack
from bot.slack.text import escape

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
    after_ack(deps, client, body, _show(_value(body), respond, deps, actor), name="show")


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
    after_ack(deps, client, body, _more(_value(body), respond, deps, actor), name="more")


async def _more(value: str, respond: AsyncRespond, deps: Deps, actor: Actor) -> None:
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
    await respond(replace_original=True, text=text, blocks=[b.to_dict() for b in blocks])


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
