"""Cancel: a confirmation modal with the summary, a reason, notify and policy choices."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, after_ack, user_message
from bot.slack.ids import Block
from bot.slack.modals.common import OpenModal, field, open_booking_modal, refresh_card
from bot.slack.permissions import audit, require
from bot.slack.text import escape
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import ModalMeta, cancel_view, message_view, result_view

TITLE = "Cancel booking"


async def open_cancel(
    client: AsyncWebClient,
    deps: Deps,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    meta: ModalMeta,
) -> None:
    async def build(booking: Booking) -> View:
        categories = await deps.catalog.category_names()
        return cancel_view(booking, meta, tz=deps.tz, categories=categories)

    await open_booking_modal(
        client,
        deps,
        trigger_id=trigger_id,
        team_id=team_id,
        user_id=user_id,
        meta=meta,
        title=TITLE,
        permission=Permission.CANCEL,
        build=build,
    )


async def on_cancel_submit(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    meta = ModalMeta.load(view.get("private_metadata"))
    reason = (field(view, Block.REASON) or "").strip()
    options = field(view, Block.NOTIFY) or []
    if meta.booking is None:
        await ack(
            response_action="update",
            view=message_view(TITLE, "This form lost its booking; open it again."),
        )
        return
    try:
        await require(
            deps,
            team_id=team_id,
            user_id=user_id,
            permission=Permission.CANCEL,
            booking_number=meta.booking,
        )
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={Block.REASON: denied.message[:150]})
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Canceling in Bookeo…"),
    )

    number = meta.booking

    async def rest() -> None:
        modal = OpenModal(client, view["id"], None)
        try:
            await deps.bookeo.bookings.cancel(
                number,
                reason=reason or None,
                notify_customer="notify" in options,
                apply_cancellation_policy="policy" in options,
            )
        except Exception as error:
            await audit(
                deps,
                team_id=team_id,
                user_id=user_id,
                action="cancel",
                booking_number=number,
                outcome="failed",
                detail=str(error)[:500],
            )
            await modal.show(message_view(TITLE, user_message(error, write=True)))
            return
        await audit(
            deps,
            team_id=team_id,
            user_id=user_id,
            action="cancel",
            booking_number=number,
            outcome="ok",
            detail=reason,
        )
        said = f" — “{escape(reason)}”" if reason else ""
        booking = await refresh_card(
            client,
            deps,
            meta,
            team_id=team_id,
            user_id=user_id,
            line=f":no_entry: <@{user_id}> canceled this booking{said}.",
            cancel_reason=reason or None,
        )
        text = f":white_check_mark: Booking {escape(number)} is canceled."
        if booking is None:
            await modal.show(message_view(TITLE, text))
        else:
            await modal.show(result_view(TITLE, text, booking, CardOptions(tz=deps.tz)))

    after_ack(deps, client, body, rest(), name="cancel")
