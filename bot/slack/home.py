"""App Home: published when a person opens it; New and Find buttons."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.ops import Actor
from bot.permissions import Permission
from bot.slack.commands.lookups import find_page
from bot.slack.deps import Deps
from bot.slack.errors import user_message
from bot.slack.ids import Block as B
from bot.slack.modals.common import booking_card_options, course_ids, field
from bot.slack.modals.create import open_create
from bot.slack.runner import after_ack
from bot.slack.text import escape
from bot.slack.views.cards import booking_card
from bot.slack.views.home import find_view, found_view, home_view
from bot.slack.views.modals import ModalMeta, message_view

DAY_LABELS = ("Today", "Tomorrow")


async def on_home_opened(
    event: dict[str, Any], client: AsyncWebClient, deps: Deps, actor: Actor
) -> None:
    if event.get("tab") not in (None, "home"):
        return
    after_ack(
        deps,
        client,
        {"user": {"id": event["user"]}},
        _publish_home(actor, client, deps),
        name="home",
    )


async def _publish_home(actor: Actor, client: AsyncWebClient, deps: Deps) -> None:
    home = await deps.lookups.home(actor)
    days = [
        (f"{label} · {roster.first_day:%a %d %b}", roster.groups)
        for label, roster in zip(DAY_LABELS, home.days, strict=False)
    ]
    error = user_message(home.error) if home.error is not None else None
    await client.views_publish(
        user_id=actor.user_id,
        view=home_view(
            role=actor.role, days=days, tz=deps.tz, on_sandbox=deps.on_sandbox, error=error
        ),
    )


async def on_new(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, actor: Actor
) -> None:
    await ack()
    work = open_create(client, deps, actor=actor, trigger_id=body["trigger_id"], meta=ModalMeta())
    after_ack(deps, client, body, work, name="home new")


async def on_find(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps) -> None:
    await ack()
    opening = client.views_open(trigger_id=body["trigger_id"], view=find_view())
    after_ack(deps, client, body, opening, name="home find")


async def on_find_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    query = (field(view, B.QUERY) or "").strip()
    if not query:
        await ack(response_action="errors", errors={B.QUERY: "Type something to look for."})
        return
    await ack(
        response_action="update",
        view=message_view("Find a booking", f":mag: Looking up {escape(query)}…"),
    )
    work = _find(query, actor, view["id"], client, deps)
    after_ack(deps, client, body, work, name="find")


async def _find(query: str, actor: Actor, view_id: str, client: AsyncWebClient, deps: Deps) -> None:
    try:
        result = await deps.lookups.find(actor, query)
    except Exception as error:
        await client.views_update(
            view_id=view_id, view=message_view("Find a booking", user_message(error))
        )
        return
    if not result.bookings:
        shown = message_view("Find a booking", f":mag: No booking matches *{escape(query)}*.")
    elif result.total == 1:
        shown = found_view(await card_in_modal(result.bookings[0], actor, deps))
    else:
        # As `/bookeo find` does: today's and the nearest first, ten at a time, "N more" and
        # Show more (actions.on_more puts the next page in this modal's place).
        _, blocks = find_page(result, query, deps, await course_ids(deps))
        shown = found_view(blocks)
    await client.views_update(view_id=view_id, view=shown)


async def card_in_modal(booking: Booking, actor: Actor, deps: Deps) -> list[Block]:
    """A booking's card as a modal shows it: without the buttons that answer a message."""
    options = await booking_card_options(
        deps, booking, show_contacts=actor.may(Permission.SEE_CONTACTS), shareable=False
    )
    return booking_card(booking, replace(options, actions=False))
