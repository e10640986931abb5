"""Cancel: a confirmation modal with the summary, a reason, notify and policy choices."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Booking
from bot.ops import Actor
from bot.ops.forms import CancelForm
from bot.ops.outcomes import Canceled
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied
from bot.slack.ids import Block
from bot.slack.modals.common import (
    OpenModal,
    field,
    open_booking_modal,
    refresh_card,
    result_options,
)
from bot.slack.runner import after_ack
from bot.slack.views.modals import ModalMeta, cancel_view, message_view
from bot.slack.views.outcomes import CANCEL_TITLE as TITLE
from bot.slack.views.outcomes import cancel_line, cancel_result


async def open_cancel(
    client: AsyncWebClient, deps: Deps, *, actor: Actor, trigger_id: str, meta: ModalMeta
) -> None:
    async def build(booking: Booking) -> View:
        categories = await deps.catalog.category_names()
        return cancel_view(booking, meta, tz=deps.tz, categories=categories, locale=deps.locale)

    await open_booking_modal(
        client,
        deps,
        actor=actor,
        trigger_id=trigger_id,
        meta=meta,
        title=TITLE,
        permission=Permission.CANCEL,
        build=build,
    )


def read_cancel(view: dict[str, Any], booking_number: str) -> CancelForm:
    options = field(view, Block.NOTIFY) or []
    return CancelForm(
        booking_number=booking_number,
        reason=(field(view, Block.REASON) or "").strip(),
        notify_customer="notify" in options,
        apply_cancellation_policy="policy" in options,
    )


async def on_cancel_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    meta = ModalMeta.load(view.get("private_metadata"))
    if meta.booking is None:
        await ack(
            response_action="update",
            view=message_view(TITLE, "This form lost its booking; open it again."),
        )
        return
    try:
        await deps.access.require(actor, Permission.CANCEL, booking_number=meta.booking)
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={Block.REASON: denied.message[:150]})
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Canceling in Bookeo…"),
    )
    form = read_cancel(view, meta.booking)
    work = _cancel(form, meta, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="cancel")


async def _cancel(
    form: CancelForm,
    meta: ModalMeta,
    *,
    view_id: str,
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    outcome = await deps.bookings.cancel(actor, form)
    if isinstance(outcome, Canceled):
        await refresh_card(
            client,
            deps,
            meta,
            outcome.booking,
            actor=actor,
            line=cancel_line(outcome, actor.user_id),
            cancel_reason=outcome.reason or None,
            kind="canceled",
        )
    booking = outcome.booking if isinstance(outcome, Canceled) else None
    options = await result_options(deps, actor, booking)
    await OpenModal(client, view_id, None).show(cancel_result(outcome, options))
