"""What every modal does: open at once with a loading view, fill in, read values, and after a
write, refresh the card that launched it and say who did what in its thread."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.bookeo.models import Booking, ProductType
from bot.ops import Actor
from bot.permissions import Permission
from bot.relay.actors import attributed
from bot.relay.plan import Card
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError, user_message
from bot.slack.text import escape
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.modals import ModalMeta, loading_view, message_view

log = logging.getLogger("bot.slack.modals")


class OpenModal:
    """A modal opened with its loading view; `show` replaces what it displays."""

    def __init__(self, client: AsyncWebClient, view_id: str, view_hash: str | None) -> None:
        self.client = client
        self.view_id = view_id
        self.hash = view_hash

    @classmethod
    async def open(cls, client: AsyncWebClient, trigger_id: str, title: str) -> OpenModal:
        response = await client.views_open(trigger_id=trigger_id, view=loading_view(title))
        view = response["view"]
        return cls(client, view["id"], view.get("hash"))

    async def show(self, view: View) -> None:
        try:
            response = await self.client.views_update(
                view_id=self.view_id, hash=self.hash, view=view
            )
            self.hash = response["view"].get("hash")
        except SlackApiError as error:
            # The person closed the modal, or changed it meanwhile: nothing left to show.
            log.info("views.update skipped: %s", error.response.get("error"))

    async def fail(self, title: str, error: BaseException, *, write: bool = False) -> None:
        await self.show(message_view(title, user_message(error, write=write)))


async def open_booking_modal(
    client: AsyncWebClient,
    deps: Deps,
    *,
    actor: Actor,
    trigger_id: str,
    meta: ModalMeta,
    title: str,
    permission: Permission,
    build: Callable[[Booking], Awaitable[View]],
    allow_canceled: bool = False,
) -> None:
    """Open at once, then check the role, read the booking and show the form (or why not)."""
    modal = await OpenModal.open(client, trigger_id, title)
    try:
        await deps.access.require(actor, permission, booking_number=meta.booking)
        if meta.booking is None:
            raise UserFacingError("No booking was given.")
        booking = await deps.bookings.get(meta.booking)
        if booking.canceled and not allow_canceled:
            raise UserFacingError(f"Booking {escape(booking.booking_number)} is canceled.")
        await modal.show(await build(booking))
    except Exception as error:  # shown in the modal; the person can close and retry
        await modal.fail(title, error)


def meta_from_action(body: dict[str, Any], booking_number: str) -> ModalMeta:
    """Where the button was: a channel message (update it) or an ephemeral result."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    if container.get("type") == "message" and not container.get("is_ephemeral"):
        return ModalMeta(
            booking=booking_number, channel=channel, message_ts=container.get("message_ts")
        )
    return ModalMeta(booking=booking_number, channel=channel, response_url=body.get("response_url"))


def field(view: dict[str, Any], block_id: str) -> Any:
    """The value of the input `block_id` (its element's action_id is always `value`)."""
    state = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element: Any = state.get("value") or next(iter(state.values()), None) if state else None
    if not isinstance(element, dict):
        return None
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = element.get("selected_option")
        return option.get("value") if isinstance(option, dict) else None
    if kind == "checkboxes":
        return [
            o.get("value") for o in element.get("selected_options") or [] if isinstance(o, dict)
        ]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "datetimepicker":
        return element.get("selected_date_time")
    return without_nul(element.get("value"))


def without_nul(value: Any) -> Any:
    """Typed text without NUL characters: PostgreSQL refuses them in text columns, so a
    reason or note holding one would lose its audit row or note after Bookeo took it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


async def card_options(
    deps: Deps, actor: Actor, *, in_channel: bool, booking: Booking | None = None
) -> CardOptions:
    """How a card shows `booking` to `actor`, in a channel or only to them."""
    return await booking_card_options(
        deps,
        booking,
        # Contact details never go into a channel post; ephemerally, to staff and above only.
        show_contacts=not in_channel and actor.may(Permission.SEE_CONTACTS),
        shareable=not in_channel,
    )


async def booking_card_options(
    deps: Deps, booking: Booking | None, *, show_contacts: bool, shareable: bool
) -> CardOptions:
    """The account's category names, courses as sessions, the booking's notes (not contact
    data, so channel cards show them too), and who booked, changed or canceled it from Slack
    and why (from the audit rows, as the relay's cards say it)."""
    categories = await deps.catalog.category_names()
    options = CardOptions(
        tz=deps.tz,
        categories=categories,
        show_contacts=show_contacts,
        shareable=shareable,
        notes=await deps.bookings.note(booking.booking_number) if booking else None,
        courses=await course_ids(deps),
        locale=deps.locale,
    )
    if booking is None:
        return options
    return attributed(options, booking, await deps.bookings.history(booking))


async def course_ids(deps: Deps) -> frozenset[str]:
    """The fixedCourse products: their bookings read as sessions, not one long block."""
    products = await deps.catalog.products()
    return frozenset(p.product_id for p in products if p.type == ProductType.FIXED_COURSE)


async def result_options(deps: Deps, actor: Actor, booking: Booking | None) -> CardOptions:
    """The options of the card a modal shows after a write (a plain one without a booking)."""
    if booking is None:
        return CardOptions(tz=deps.tz, locale=deps.locale)
    return await card_options(deps, actor, in_channel=False, booking=booking)


async def refresh_card(
    client: AsyncWebClient,
    deps: Deps,
    meta: ModalMeta,
    booking: Booking | None,
    *,
    actor: Actor,
    line: str,
    cancel_reason: str | None = None,
    kind: str = "changed",
) -> None:
    """Update the card that launched the modal, in place, with the booking as re-read after
    the write (None: Bookeo could not say, so the card stays as it was); `kind` is the
    subscription kind of the change (changed, canceled, payments)."""
    if booking is None:
        return
    in_channel = bool(meta.channel and meta.message_ts)
    options = await card_options(deps, actor, in_channel=in_channel, booking=booking)
    if cancel_reason:
        options = replace(options, cancel_reason=cancel_reason)
    blocks = [b.to_dict() for b in booking_card(booking, options)]
    try:
        if in_channel and meta.channel and meta.message_ts:
            kept = await deps.sharing.kept(booking, meta.channel, meta.message_ts, kind)
            if kept is not None and kept.shared_by is not None:
                blocks = Card(blocks, "").shared(kept.shared_by).blocks
            await client.chat_update(
                channel=meta.channel,
                ts=meta.message_ts,
                blocks=blocks,
                text=card_text(booking, options),
            )
            # A card the relay keeps gets its thread line from the relay (once per change
            # per channel), when the change's webhook arrives.
            if kept is None or not kept.tells:
                await client.chat_postMessage(
                    channel=meta.channel, thread_ts=meta.message_ts, text=line
                )
        elif meta.response_url:
            await AsyncWebhookClient(meta.response_url).send(
                replace_original=True, blocks=blocks, text=card_text(booking, options)
            )
    except Exception:  # the write succeeded; a stale card must not hide that
        log.warning(
            "could not refresh the card of booking %s", booking.booking_number, exc_info=True
        )
