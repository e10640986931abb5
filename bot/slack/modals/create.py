"""`/bookeo new`: the create modal. Submitting twice never makes two bookings (the form's key
goes with every submission; `deps.bookings` keeps it to one create)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoError
from bot.catalog import AmbiguousProduct, UnknownProduct
from bot.ops import Actor
from bot.ops.forms import CreateForm
from bot.ops.outcomes import Created
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, UserFacingError, user_message
from bot.slack.ids import Block as B
from bot.slack.modals.common import OpenModal, card_options
from bot.slack.modals.form import read_create, read_state
from bot.slack.runner import after_ack
from bot.slack.text import clip, escape
from bot.slack.views.booking_form import FormState, create_view, product_options
from bot.slack.views.cards import CardOptions
from bot.slack.views.modals import ModalMeta, message_view
from bot.slack.views.outcomes import CREATE_TITLE as TITLE
from bot.slack.views.outcomes import STILL_CHECKING, create_repeat_ack, create_result

OPTIONS_BUDGET = 2.0  # seconds: Slack waits 3 s for an options load
SLOW_SEARCH = [
    {"text": {"type": "plain_text", "text": "Bookeo is slow; keep typing…"}, "value": "retry"}
]


async def initial_state(deps: Deps) -> FormState:
    products = [p for p in await deps.catalog.products() if p.api_bookings_allowed]
    return FormState(
        products=products,
        categories=await deps.catalog.categories(),
        day=deps.today(),
        tz=deps.tz,
        locale=deps.locale,
    )


async def open_create(
    client: AsyncWebClient,
    deps: Deps,
    *,
    actor: Actor,
    trigger_id: str,
    meta: ModalMeta,
    product_hint: str | None = None,
) -> None:
    modal = await OpenModal.open(client, trigger_id, TITLE)
    try:
        await deps.access.require(actor, Permission.CREATE)
        state = await initial_state(deps)
        if product_hint:
            try:
                product = await deps.catalog.match(product_hint)
            except (AmbiguousProduct, UnknownProduct) as error:
                raise UserFacingError(escape(str(error))) from None
            found = await deps.bookings.first_day_with_times(product, state.day, state.people)
            state = replace(state, product=product, day=found.day, slots=found.slots)
        await modal.show(create_view(state, replace(meta, key=secrets.token_hex(16))))
    except Exception as error:
        await modal.fail(TITLE, error)


async def create_state(view: dict[str, Any], deps: Deps) -> FormState:
    """The form as it stands, with the times reloaded for its product and date."""
    state = read_state(view, await initial_state(deps))
    if state.product is not None:
        times = await deps.bookings.day_times(state.product, state.day, state.people)
        state = replace(state, slots=times.slots, party_error=times.party_error)
    return state


async def create_form(view: dict[str, Any], deps: Deps, meta: ModalMeta) -> View:
    return create_view(await create_state(view, deps), meta)


async def on_product_options(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Products whose name holds what is typed (the select is external past 100 products)."""
    query = str(body.get("value") or "")
    products = [p for p in await deps.catalog.products() if p.api_bookings_allowed]
    await ack(options=[o.to_dict() for o in product_options(products, query)])


async def on_customer_options(
    ack: AsyncAck, body: dict[str, Any], deps: Deps, actor: Actor
) -> None:
    """Customers matching what is typed, within Slack's 3 s budget."""
    query = str(body.get("value") or "").strip()
    if len(query) < 2:
        await ack(options=[])
        return
    try:
        customers = await deps.bookings.search_customers(actor, query, budget=OPTIONS_BUDGET)
    except PermissionDenied:  # audited; only a hand-made request gets here (see open_create)
        await ack(options=[])
        return
    if customers is None:
        await ack(options=SLOW_SEARCH)
        return
    options = []
    for customer in customers:
        if customer.id is None:
            continue
        label = customer.full_name + (
            f" · {customer.email_address}" if customer.email_address else ""
        )
        options.append(
            {"text": {"type": "plain_text", "text": clip(label, 75)}, "value": customer.id[:150]}
        )
    await ack(options=options)


async def on_create_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    actor: Actor,
) -> None:
    meta = ModalMeta.load(view.get("private_metadata"))
    key = meta.key or secrets.token_hex(16)
    try:
        # A double click or a retry: never a second booking (checked before validating, as
        # the first submission's booking changes what the form would now accept).
        earlier = await deps.bookings.earlier_create(actor, key)
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={B.PRODUCT: denied.message[:150]})
        return
    if earlier is not None:
        await ack(**create_repeat_ack(earlier))
        return
    try:
        state = await create_state(view, deps)
    except BookeoError as error:
        await ack(response_action="update", view=message_view(TITLE, user_message(error)))
        return
    form, errors = read_create(
        view, state, key=key, today=deps.today(), now=deps.clock.now(), region=deps.region
    )
    if errors or form is None:
        await ack(response_action="errors", errors=errors)
        return
    repeat = await deps.bookings.claim_create(actor, form, view_id=view["id"])
    if repeat is not None:  # lost a race with a second submission
        await ack(**create_repeat_ack(repeat))
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Creating the booking in Bookeo…"),
    )
    work = _create(form, view_id=view["id"], client=client, deps=deps, actor=actor)
    after_ack(deps, client, body, work, name="create")


async def _create(
    form: CreateForm, *, view_id: str, client: AsyncWebClient, deps: Deps, actor: Actor
) -> None:
    async def checking() -> None:
        text = STILL_CHECKING.format(what="booking")
        await OpenModal(client, view_id, None).show(message_view(TITLE, text))

    outcome = await deps.bookings.create(actor, form, checking=checking)
    # Only a booking made has a card to show (and only then is the catalog asked).
    options = (
        await card_options(deps, actor, in_channel=False, booking=outcome.booking)
        if isinstance(outcome, Created)
        else CardOptions(deps.tz, locale=deps.locale)
    )
    await OpenModal(client, view_id, None).show(create_result(outcome, options))
