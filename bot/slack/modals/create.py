"""`/bookeo new`: the create modal. Submitting twice never makes two bookings."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoError
from bot.bookeo.models import (
    Booking,
    NewBooking,
    NewCustomer,
    Participants,
    PeopleNumber,
    PhoneNumber,
)
from bot.catalog import AmbiguousProduct, UnknownProduct
from bot.permissions import Permission
from bot.slack.deps import Deps
from bot.slack.errors import PermissionDenied, UserFacingError, after_ack, user_message
from bot.slack.ids import Block as B
from bot.slack.modals.common import OpenModal, card_options, field
from bot.slack.modals.form import load_slots, read_new_customer, read_state, validate_booking
from bot.slack.permissions import audit, require
from bot.slack.text import clip, escape
from bot.slack.views.booking_form import FormState, create_view
from bot.slack.views.modals import ModalMeta, message_view, result_view
from bot.store import CreateClaim

log = logging.getLogger("bot.slack.create")
TITLE = "New booking"
OPTIONS_BUDGET = 2.0  # seconds: Slack waits 3 s for an options load


async def initial_state(deps: Deps) -> FormState:
    products = [p for p in await deps.catalog.products() if p.api_bookings_allowed]
    return FormState(
        products=products, categories=await deps.catalog.categories(), day=deps.today(), tz=deps.tz
    )


async def open_create(
    client: AsyncWebClient,
    deps: Deps,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    meta: ModalMeta,
    product_hint: str | None = None,
) -> None:
    modal = await OpenModal.open(client, trigger_id, TITLE)
    try:
        await require(deps, team_id=team_id, user_id=user_id, permission=Permission.CREATE)
        state = await initial_state(deps)
        if product_hint:
            try:
                product = await deps.catalog.match(product_hint)
            except (AmbiguousProduct, UnknownProduct) as error:
                raise UserFacingError(str(error)) from None
            state = await first_day_with_times(deps, replace(state, product=product))
        await modal.show(create_view(state, replace(meta, key=secrets.token_hex(16))))
    except Exception as error:
        await modal.fail(TITLE, error)


async def first_day_with_times(deps: Deps, state: FormState, *, look_ahead: int = 7) -> FormState:
    """The form on the first of the next days that has a free time (today if none has)."""
    assert state.product is not None
    for offset in range(look_ahead):
        day = state.day + timedelta(days=offset)
        slots = await load_slots(deps, state.product, day, state.people)
        if slots:
            return replace(state, day=day, slots=slots)
    return replace(state, slots=[])


async def create_state(view: dict[str, Any], deps: Deps) -> FormState:
    """The form as it stands, with the times reloaded for its product and date."""
    state = read_state(view, await initial_state(deps))
    if state.product is not None:
        slots = await load_slots(deps, state.product, state.day, state.people)
        state = replace(state, slots=slots)
    return state


async def create_form(view: dict[str, Any], deps: Deps, meta: ModalMeta) -> View:
    return create_view(await create_state(view, deps), meta)


async def on_customer_options(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Customers matching what is typed, within Slack's 3 s budget."""
    query = str(body.get("value") or "").strip()
    if len(query) < 2:
        await ack(options=[])
        return
    search = (
        deps.bookeo.customers.search(query, field="emailAddress")
        if "@" in query
        else deps.bookeo.customers.search(query)
    )
    try:
        customers = await asyncio.wait_for(search.to_list(limit=20), OPTIONS_BUDGET)
    except (TimeoutError, BookeoError):
        await ack(
            options=[
                {
                    "text": {"type": "plain_text", "text": "Bookeo is slow; keep typing…"},
                    "value": "retry",
                }
            ]
        )
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
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    meta = ModalMeta.load(view.get("private_metadata"))
    try:
        await require(deps, team_id=team_id, user_id=user_id, permission=Permission.CREATE)
    except PermissionDenied as denied:
        await ack(response_action="errors", errors={B.PRODUCT: denied.message[:150]})
        return
    key = f"create:{meta.key or secrets.token_hex(16)}"
    earlier = await deps.store.peek_create(key)
    if earlier is not None and earlier.state == "unknown":
        earlier = await _settle_unknown(deps, key, earlier)  # None: it was not made; go on
    if earlier is not None:  # a double click or a retry: never a second booking
        await _answer_repeat(ack, earlier)
        return
    try:
        state = await create_state(view, deps)
    except BookeoError as error:
        await ack(response_action="update", view=message_view(TITLE, user_message(error)))
        return
    chosen, errors = validate_booking(state, today=deps.today(), now=deps.clock.now())
    customer_id = field(view, B.CUSTOMER)
    customer_id = None if customer_id in (None, "retry") else customer_id
    new_customer, customer_errors = read_new_customer(view)
    errors.update(customer_errors)
    if customer_id and new_customer:
        errors[B.CUSTOMER] = "Pick an existing customer or fill in a new one, not both."
    elif not customer_id and not new_customer:
        errors[B.CUSTOMER] = "Pick a customer, or fill in a new one below."
    if errors or chosen is None:
        await ack(response_action="errors", errors=errors)
        return
    claim = await deps.store.claim_create(key, at=deps.clock.now())
    if not claim.fresh:  # lost a race with a second submission
        await _answer_repeat(ack, claim)
        return
    await ack(
        response_action="update",
        view=message_view(TITLE, ":hourglass_flowing_sand: Creating the booking in Bookeo…"),
    )

    async def rest() -> None:
        notify = "notify" in (field(view, B.NOTIFY) or [])
        request = NewBooking(
            product_id=chosen.product.product_id,
            event_id=chosen.slot.value[2:] if chosen.slot.value.startswith("e:") else None,
            start_time=datetime.fromisoformat(chosen.slot.value[2:])
            if chosen.slot.value.startswith("t:")
            else None,
            participants=Participants(
                numbers=[
                    PeopleNumber(people_category_id=c, number=n) for c, n in chosen.people.items()
                ]
            ),
            customer_id=customer_id,
            customer=NewCustomer(
                first_name=new_customer["first"],
                last_name=new_customer["last"],
                email_address=new_customer["email"] or None,
                phone_numbers=[PhoneNumber(number=new_customer["phone"])]
                if new_customer["phone"]
                else None,
            )
            if new_customer
            else None,
            external_ref=external_ref(key),
        )
        modal = OpenModal(client, view["id"], None)
        ids = (team_id, user_id)
        started = deps.clock.now()
        try:
            booking = await deps.bookeo.bookings.create(
                request, notify_customer=notify, notify_users=False
            )
        except Exception as error:
            reached = getattr(error, "may_have_reached", False)
            found: Booking | None = None
            checked = False
            if reached:
                # The answer was lost, not necessarily the booking: ask Bookeo for it.
                try:
                    found = await made_with(deps, key, since=started)
                    checked = True
                except BookeoError:
                    log.warning("could not check whether create %s reached Bookeo", key)
            if found is not None:
                booking = found
            else:
                await _failed(deps, modal, key, error, unknown=reached and not checked, ids=ids)
                return
        number = booking.booking_number
        await deps.store.finish_create(
            key, state="done", booking_number=number, at=deps.clock.now()
        )
        if chosen.notes:
            await deps.store.set_note(number, chosen.notes, by=user_id, at=deps.clock.now())
        await audit(
            deps,
            team_id=team_id,
            user_id=user_id,
            action="create",
            booking_number=number,
            outcome="ok",
            detail=f"{chosen.product.name} {chosen.slot.start.isoformat()}",
        )
        try:
            booking = await deps.bookeo.bookings.get(number, expand_customer=True)
            if booking.customer is not None:
                await deps.indexer.index(booking.customer)
        except BookeoError:
            log.warning("created booking %s but could not re-read it", number)
        options = await card_options(deps, team_id, user_id, in_channel=False)
        options = replace(options, notes=chosen.notes or None)
        await modal.show(
            result_view(
                TITLE, f":white_check_mark: Booking *{escape(number)}* created.", booking, options
            )
        )

    after_ack(deps, client, body, rest(), name="create")


UNKNOWN_CHECK_SECONDS = 2.0  # a view submission must be acknowledged within 3 s
NOT_MADE = (
    ":cloud: Bookeo did not answer, and no booking was made (the bot checked). "
    "Try again in a minute."
)


def external_ref(key: str) -> str:
    """The reference a create carries into Bookeo, so the bot can find it again."""
    return f"slack-{key.removeprefix('create:')}"[:64]


async def made_with(deps: Deps, key: str, *, since: datetime) -> Booking | None:
    """The booking an earlier try of this form made, if any (raises if Bookeo cannot say)."""
    return await deps.bookeo.bookings.find_by_external_ref(
        external_ref(key),
        changed_since=since - timedelta(minutes=1),
        until=deps.clock.now() + timedelta(minutes=1),
    )


async def _failed(
    deps: Deps,
    modal: OpenModal,
    key: str,
    error: Exception,
    *,
    unknown: bool,
    ids: tuple[str, str],
) -> None:
    """A create that did not happen (or may have: `unknown`), recorded and told."""
    await deps.store.finish_create(
        key, state="unknown" if unknown else "failed", booking_number=None, at=deps.clock.now()
    )
    team_id, user_id = ids
    await audit(
        deps,
        team_id=team_id,
        user_id=user_id,
        action="create",
        booking_number=None,
        outcome="failed",
        detail=str(error)[:500],
    )
    reached = getattr(error, "may_have_reached", False)
    text = NOT_MADE if reached and not unknown else user_message(error, write=True)
    await modal.show(message_view(TITLE, text))


async def _settle_unknown(deps: Deps, key: str, earlier: CreateClaim) -> CreateClaim | None:
    """An earlier try whose answer was lost, submitted again: ask Bookeo (within the ack's
    time) whether it made the booking. Made: the claim is done. Not made: the key is freed
    and this submission goes ahead. Bookeo cannot say: still unknown."""
    since = earlier.claimed_at or deps.clock.now() - timedelta(hours=1)
    try:
        async with asyncio.timeout(UNKNOWN_CHECK_SECONDS):
            found = await made_with(deps, key, since=since)
    except (BookeoError, TimeoutError):
        return earlier
    if found is None:
        await deps.store.finish_create(key, state="failed", booking_number=None, at=since)
        return None
    number = found.booking_number
    await deps.store.finish_create(key, state="done", booking_number=number, at=deps.clock.now())
    return CreateClaim(fresh=False, state="done", booking_number=number)


async def _answer_repeat(ack: AsyncAck, claim: CreateClaim) -> None:
    """The answer to a form submitted again: what became of the first submission."""
    if claim.state == "done" and claim.booking_number:
        await ack(
            response_action="update",
            view=message_view(
                TITLE, f"This booking was already created: *{escape(claim.booking_number)}*."
            ),
        )
    elif claim.state == "pending":
        await ack(response_action="errors", errors={B.PRODUCT: "Already creating this booking…"})
    else:
        await ack(
            response_action="update",
            view=message_view(
                TITLE,
                ":warning: An earlier try may have created this booking. "
                "Look it up with `/bookeo find <customer>` before trying again.",
            ),
        )
