"""Buttons on cards and lists: show, edit, cancel, pay, customer, share, open in Bookeo.

Each acknowledges at once and does its work after the ack (`after_ack`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.permissions import Permission, allows
from bot.slack.commands.handlers import respond_card
from bot.slack.deps import Deps
from bot.slack.errors import after_ack
from bot.slack.modals import open_for_booking
from bot.slack.modals.common import meta_from_action
from bot.slack.permissions import role_of
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.lists import customer_view

Listener = Callable[..., Awaitable[None]]


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _who(body: dict[str, Any]) -> tuple[str, str]:
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return team, body["user"]["id"]


async def on_show(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    await ack()
    after_ack(deps, client, body, _show(body, respond, deps), name="show")


async def _show(body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    team, user = _who(body)
    role = await role_of(deps, team, user)
    booking = await deps.bookeo.bookings.get(_value(body), expand_customer=True)
    await respond_card(
        booking, respond=respond, deps=deps, show_contacts=allows(role, Permission.SEE_CONTACTS)
    )


async def on_customer(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    await ack()
    after_ack(deps, client, body, _customer(body, respond, deps), name="customer")


async def _customer(body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    team, user = _who(body)
    role = await role_of(deps, team, user)
    customer = await deps.bookeo.bookings.customer(_value(body))
    bookings = await deps.lookup.bookings_of(customer, today=deps.today())
    blocks = customer_view(
        customer, bookings, tz=deps.tz, show_contacts=allows(role, Permission.SEE_CONTACTS)
    )
    await respond(
        replace_original=False,
        response_type="ephemeral",
        text=customer.full_name,
        blocks=[b.to_dict() for b in blocks],
    )


async def on_share(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    await ack()
    after_ack(deps, client, body, _share(body, respond, deps), name="share")


async def _share(body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    _, user = _who(body)
    booking = await deps.bookeo.bookings.get(_value(body), expand_customer=True)
    categories = await deps.catalog.category_names()
    # A channel post: never contact details; the card keeps its buttons.
    options = CardOptions(tz=deps.tz, categories=categories, show_contacts=False, shareable=False)
    blocks = [b.to_dict() for b in booking_card(booking, options)]
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Shared by <@{user}>"}]}
    )
    await respond(
        response_type="in_channel",
        replace_original=False,
        text=card_text(booking, options),
        blocks=blocks,
    )


def _opener(verb: str) -> Listener:
    async def on_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps
    ) -> None:
        await ack()
        team, user = _who(body)
        work = open_for_booking(
            verb,
            client=client,
            deps=deps,
            meta=meta_from_action(body, _value(body)),
            trigger_id=body["trigger_id"],
            team_id=team,
            user_id=user,
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
