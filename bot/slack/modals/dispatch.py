"""Listeners of the create and edit forms: field changes, customer search, submissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import Deps
from bot.slack.ids import Action, Callback
from bot.slack.modals.common import OpenModal
from bot.slack.modals.create import (
    create_form,
    on_create_submit,
    on_customer_options,
    on_product_options,
)
from bot.slack.modals.edit import edit_form, on_edit_submit
from bot.slack.runner import after_ack
from bot.slack.views.modals import ModalMeta

if TYPE_CHECKING:
    from bot.slack import Binder


def register(bind: Binder) -> None:
    for action in (
        Action.CREATE_PRODUCT,
        Action.CREATE_DATE,
        Action.CREATE_PEOPLE,
        Action.EDIT_DATE,
    ):
        bind.action(action, on_form_change)
    bind.options(Action.CREATE_CUSTOMER, on_customer_options)
    bind.options(Action.CREATE_PRODUCT, on_product_options)
    bind.view(Callback.CREATE, on_create_submit)
    bind.view(Callback.EDIT, on_edit_submit)


async def on_form_change(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Product, date or party changed: reload the times and the price, keep what was typed."""
    await ack()

    async def rest() -> None:
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata"))
        modal = OpenModal(client, view["id"], view.get("hash"))
        editing = view.get("callback_id") == Callback.EDIT
        try:
            form = await (edit_form(view, deps, meta) if editing else create_form(view, deps, meta))
        except Exception as error:
            await modal.fail("Edit booking" if editing else "New booking", error)
            return
        await modal.show(form)

    after_ack(deps, client, body, rest(), name="form change")
