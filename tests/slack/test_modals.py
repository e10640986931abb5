"""Modals end to end: open (loading first), fill, validate inline, write to the sandbox."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    block_action,
    checkboxes,
    date_value,
    datetime_value,
    dispatch_action,
    number,
    select,
    signed_headers,
    slash_command,
    text_input,
    view_submission,
)
from tests.slack.conftest import ADMIN, CASHIER, STAFF, VIEWER, post, texts

pytestmark = pytest.mark.asyncio


async def shown(slack: FakeSlackAPI, updates: int) -> dict[str, Any]:
    """The view the bot showed in its `updates`-th views.update, ready to be submitted."""
    calls = await slack.wait_for("views.update", updates)
    call = calls[updates - 1]
    view = dict(call["view"] if isinstance(call["view"], dict) else json.loads(call["view"]))
    view["id"] = call["view_id"]
    return view


async def command_modal(
    bot: BotApp, slack: FakeSlackAPI, text: str, *, user: str
) -> dict[str, Any]:
    opens, updates = len(slack.of("views.open")), len(slack.of("views.update"))
    response = await post(
        bot, slash_command(text, user=user, response_url=slack.response_url("cmd"))
    )
    assert response.status_code == 200
    opened = (await slack.wait_for("views.open", opens + 1))[-1]
    assert "Loading from Bookeo" in texts(opened["view"])  # the modal opened before Bookeo answered
    return await shown(slack, updates + 1)


def upcoming_booking(
    sandbox: Sandbox, *, kind: str = "fixed", min_free: int = 0, min_due: Decimal = Decimal(25)
):
    """A live booking a few hours ahead with at least `min_due` left to pay. The seed is laid
    out around today, so which bookings are paid in full changes from day to day: a test that
    records a payment must not depend on the day it runs."""
    now = datetime.now(UTC) + timedelta(hours=3)
    for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start):
        product = sandbox.state.products[b.product_id]
        if b.canceled or b.start < now or product.type != kind:
            continue
        if b.gross - sandbox.state.paid(b.number) < min_due:
            continue
        if (
            b.event_id
            and sandbox.state.seats_available(sandbox.state.events[b.event_id]) < min_free
        ):
            continue
        return b
    raise AssertionError("no upcoming booking")


async def submit(
    bot: BotApp, view: dict[str, Any], values: dict[str, Any], *, user: str
) -> dict[str, Any]:
    response = await post(bot, view_submission(view, values, user=user))
    assert response.status_code == 200, response.text
    return response.json() if response.content else {}


async def test_cancel_from_a_command(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    assert view["callback_id"] == "booking_cancel_modal"
    assert f"Booking {booking.number}" in texts(view)
    ack = await submit(
        bot,
        view,
        {B.REASON: text_input("Storm warning"), B.NOTIFY: checkboxes("notify")},
        user=STAFF,
    )
    assert ack["response_action"] == "update" and "Canceling" in texts(ack)
    result = await shown(fake_slack, 2)
    assert "is canceled" in texts(result)
    assert sandbox.state.bookings[booking.number].canceled
    assert sandbox.state.bookings[booking.number].cancelation_reason == "Storm warning"
    [card] = await fake_slack.wait_for("respond:cmd")  # the ephemeral card is replaced in place
    assert card["replace_original"] and "Canceled" in texts(card) and "Storm warning" in texts(card)
    audit = await bot.store.audit_log(booking_number=booking.number)
    assert [(a.user_id, a.action, a.outcome) for a in audit] == [(STAFF, "cancel", "ok")]


async def test_viewers_cannot_cancel(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=VIEWER)
    assert "You need the *staff* role" in texts(view)
    # A forged submission of the real form is refused too, inline.
    reason = {  # the real form's input, as Slack would only send a view it showed
        "type": "input",
        "block_id": B.REASON,
        "label": {"type": "plain_text", "text": "Reason"},
        "element": {"type": "plain_text_input", "action_id": "value"},
    }
    forged = {
        **view,
        "blocks": [*view["blocks"], reason],
        "callback_id": "booking_cancel_modal",
        "private_metadata": json.dumps({"booking": booking.number}),
    }
    ack = await submit(bot, forged, {B.REASON: text_input("x")}, user=VIEWER)
    assert ack["response_action"] == "errors" and "staff" in ack["errors"][B.REASON]
    assert not sandbox.state.bookings[booking.number].canceled
    outcomes = [a.outcome for a in await bot.store.audit_log(booking_number=booking.number)]
    assert outcomes == ["denied", "denied"]


async def test_the_modal_opens_while_bookeo_is_slow(fake_slack: FakeSlackAPI, tmp_path) -> None:
    from bot.app import build_app
    from bot.config import Settings
    from tests.fakes.slack_requests import SIGNING_SECRET

    slow = Sandbox(seed=1, timezone="Australia/Sydney")
    slow.faults.update({"latency_ms": 1500})
    app = build_app(
        Settings(
            _env_file=None,
            slack_bot_token="xoxb",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake_slack.base_url,
            database_url=f"sqlite:///{tmp_path}/s.db",
            business_timezone="Australia/Sydney",
            bot_admins=ADMIN,
        ),
        sandbox=slow,
    )
    await app.start()
    started = time.perf_counter()
    response = await post(
        app, slash_command("new", user=ADMIN, response_url=fake_slack.response_url())
    )
    assert response.status_code == 200
    await fake_slack.wait_for("views.open", within=2)
    opened_after = time.perf_counter() - started
    assert opened_after < 0.5, f"views.open after {opened_after:.2f}s"
    # Measured: Bookeo may speed up now, so the rest (the answer, the start-up work the
    # stop waits for) does not sit through 1.5 s per call.
    slow.faults.update({"latency_ms": 0})
    form = (
        await shown(fake_slack, 1) if await fake_slack.wait_for("views.update", within=10) else None
    )
    assert form is not None and form["callback_id"] == "booking_create_modal"
    await app.stop()


async def test_payment_and_a_confirmed_refund(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    due = booking.gross - before
    if due > 0:
        assert format(due.quantize(Decimal("0.01")), "f") in texts(
            view
        )  # prefilled with the balance
    values = {
        B.AMOUNT: text_input("20.50"),
        B.METHOD: select("cash"),
        B.REASON: text_input("Deposit"),
        B.RECEIVED: datetime_value(int(time.time()) - 60),
    }
    ack = await submit(bot, view, values, user=CASHIER)
    assert ack["response_action"] == "update"
    result = await shown(fake_slack, 2)
    assert "recorded" in texts(result)
    assert sandbox.state.paid(booking.number) == before + Decimal("20.50")
    # The same form submitted again records nothing more.
    await submit(bot, view, values, user=CASHIER)
    again = await shown(fake_slack, 3)
    assert "already submitted" in texts(again)
    assert sandbox.state.paid(booking.number) == before + Decimal("20.50")

    refund_form = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(bot, refund_form, {**values, B.AMOUNT: text_input("-5")}, user=CASHIER)
    assert ack["response_action"] == "push"
    confirm = ack["view"]
    assert confirm["callback_id"] == "booking_refund_confirm_modal" and "refund of 5.00" in texts(
        confirm
    )
    assert sandbox.state.paid(booking.number) == before + Decimal("20.50")  # not yet
    confirm["id"] = "VPUSHED"
    ack = await submit(bot, confirm, {}, user=CASHIER)
    assert ack["response_action"] == "update"
    await fake_slack.wait_for("views.update", len(fake_slack.of("views.update")) + 1)
    await bot.deps.background.drain()
    assert sandbox.state.paid(booking.number) == before + Decimal("15.50")
    actions = [
        (a.action, a.outcome) for a in await bot.store.audit_log(booking_number=booking.number)
    ]
    assert actions == [("payment", "ok"), ("refund", "ok")]


async def test_payment_form_is_validated_inline(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    ack = await submit(
        bot,
        view,
        {
            B.AMOUNT: text_input("twenty"),
            B.METHOD: select("other"),
            B.REASON: text_input(""),
            B.RECEIVED: datetime_value(int(time.time()) + 86400),
        },
        user=CASHIER,
    )
    assert ack["response_action"] == "errors"
    # An empty Reason is no error: it is recorded as Payment, or Refund for a negative amount.
    assert set(ack["errors"]) == {B.AMOUNT, B.METHOD_OTHER, B.RECEIVED}
    staff_ack = await submit(
        bot,
        view,
        {B.AMOUNT: text_input("5"), B.METHOD: select("cash"), B.REASON: text_input("x")},
        user=STAFF,
    )
    assert staff_ack["response_action"] == "errors" and "cashier" in staff_ack["errors"][B.AMOUNT]


async def test_create_a_booking_step_by_step(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await command_modal(bot, fake_slack, "new", user=STAFF)
    assert form["callback_id"] == "booking_create_modal"
    kayak = next(p for p in sandbox.state.products.values() if p.name == "Sunset Kayak Tour")
    tomorrow = (datetime.now(sandbox.tz) + timedelta(days=1)).date()
    event = next(
        e
        for e in sandbox.state.events.values()
        if e.product_id == kayak.product_id and e.start.astimezone(sandbox.tz).date() == tomorrow
    )
    free = sandbox.state.seats_available(event)
    assert free >= 2, "the seed leaves room on tomorrow's kayak tour"
    values = {B.PRODUCT: select(kayak.product_id), B.DATE: date_value(tomorrow.isoformat())}
    await post(bot, dispatch_action(form, values, user=STAFF, action_id=Action.CREATE_PRODUCT))
    form = await shown(fake_slack, 2)
    slot_block = next(b for b in form["blocks"] if b.get("block_id") == B.SLOT)
    assert f"e:{event.event_id}" in texts(slot_block) and f"{free} seats left" in texts(slot_block)
    assert any(b.get("block_id") == f"{B.PEOPLE_PREFIX}Cadults" for b in form["blocks"])

    customer = next(iter(sandbox.state.customers.values()))
    bad = await submit(bot, form, {**values, B.SLOT: select(f"e:{event.event_id}")}, user=STAFF)
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {f"{B.PEOPLE_PREFIX}Cadults", B.CUSTOMER}
    too_many = await submit(
        bot,
        form,
        {
            **values,
            B.SLOT: select(f"e:{event.event_id}"),
            f"{B.PEOPLE_PREFIX}Cadults": number(free + 1),
            B.CUSTOMER: select(customer.id, "external_select"),
        },
        user=STAFF,
    )
    assert "only" in too_many["errors"][f"{B.PEOPLE_PREFIX}Cadults"]

    good = {
        **values,
        B.SLOT: select(f"e:{event.event_id}"),
        f"{B.PEOPLE_PREFIX}Cadults": number(2),
        B.CUSTOMER: select(customer.id, "external_select"),
        B.NOTES: text_input("Window seat please"),
        B.NOTIFY: checkboxes("notify"),
    }
    before = set(sandbox.state.bookings)
    ack = await submit(bot, form, good, user=STAFF)
    assert ack["response_action"] == "update" and "Creating" in texts(ack)
    result = await shown(fake_slack, 3)
    [number_] = set(sandbox.state.bookings) - before
    made = sandbox.state.bookings[number_]
    assert made.event_id == event.event_id and made.numbers == {"Cadults": 2}
    assert made.customer_id == customer.id and (made.external_ref or "").startswith("slack-")
    assert f"Booking *{number_}* created" in texts(result) and "Window seat please" in texts(result)
    assert await bot.store.note(number_) == "Window seat please"
    # Submitting the same form again (a retry, a double click) makes no second booking.
    again = await submit(bot, form, good, user=STAFF)
    assert "already created" in texts(again) and number_ in texts(again)
    assert set(sandbox.state.bookings) - before == {number_}


async def test_create_with_a_new_customer(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await command_modal(bot, fake_slack, "new charter", user=ADMIN)
    charter = next(p for p in sandbox.state.products.values() if p.type == "flexibleTime")
    assert f'"{charter.product_id}"' in texts(form)  # preselected from the command
    slot = next(b for b in form["blocks"] if b.get("block_id") == B.SLOT)
    first_time = slot["element"]["options"][0]["value"]
    day = next(b for b in form["blocks"] if b.get("block_id") == B.DATE)["element"]["initial_date"]
    values = {
        B.PRODUCT: select(charter.product_id),
        B.DATE: date_value(day),
        B.SLOT: select(first_time),
        f"{B.PEOPLE_PREFIX}Cadults": number(3),
        B.FIRST_NAME: text_input("Grace"),
        B.LAST_NAME: text_input("Hopper"),
        B.EMAIL: text_input("not-an-email"),
    }
    bad = await submit(bot, form, values, user=ADMIN)
    assert bad["errors"] == {B.EMAIL: "That is not an email address."}
    values[B.EMAIL] = text_input("grace@example.com")
    values[B.PHONE] = text_input("+1 555 0177")
    ack = await submit(bot, form, values, user=ADMIN)
    assert ack["response_action"] == "update"
    await shown(fake_slack, 2)
    made = max(sandbox.state.bookings.values(), key=lambda b: int(b.number))
    assert sandbox.state.customers[made.customer_id].email == "grace@example.com"
    assert made.start.isoformat() == datetime.fromisoformat(first_time[2:]).isoformat()
    assert await bot.store.customers_by_phone("555 0177")  # indexed for phone search


async def test_a_new_customers_local_phone_is_kept_in_its_international_form(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """`0400 123 456` typed at a Sydney front desk (REGION AU, from the time zone) is
    +61 400 123 456 in Bookeo and on every card, not the digits as typed."""
    form = await command_modal(bot, fake_slack, "new charter", user=ADMIN)
    charter = next(p for p in sandbox.state.products.values() if p.type == "flexibleTime")
    slot = next(b for b in form["blocks"] if b.get("block_id") == B.SLOT)
    day = next(b for b in form["blocks"] if b.get("block_id") == B.DATE)["element"]["initial_date"]
    values = {
        B.PRODUCT: select(charter.product_id),
        B.DATE: date_value(day),
        B.SLOT: select(slot["element"]["options"][0]["value"]),
        f"{B.PEOPLE_PREFIX}Cadults": number(2),
        B.FIRST_NAME: text_input("Ada"),
        B.LAST_NAME: text_input("Lovelace"),
        B.PHONE: text_input("0400 123 456"),
    }
    ack = await submit(bot, form, values, user=ADMIN)
    assert ack["response_action"] == "update", ack
    await shown(fake_slack, 2)
    made = max(sandbox.state.bookings.values(), key=lambda b: int(b.number))
    assert sandbox.state.customers[made.customer_id].phone == "+61 400 123 456"


async def test_edit_moves_resizes_and_annotates(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    party = sum(booking.numbers.values())
    other = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.product_id == booking.product_id
        and e.event_id != booking.event_id
        and e.start > booking.start
        and sandbox.state.seats_available(e) >= party + 1
    )
    view = await command_modal(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    assert view["callback_id"] == "booking_edit_modal"
    people = {f"{B.PEOPLE_PREFIX}{c}": number(n) for c, n in booking.numbers.items()}
    adults = booking.numbers.get("Cadults", 0) + 1
    people[f"{B.PEOPLE_PREFIX}Cadults"] = number(adults)
    values = {
        B.DATE: date_value(other.start.astimezone(sandbox.tz).date().isoformat()),
        B.SLOT: select(f"e:{other.event_id}"),
        **people,
        B.NOTES: text_input("VIP"),
    }
    ack = await submit(bot, view, values, user=STAFF)
    assert ack["response_action"] == "update", ack
    result = await shown(fake_slack, 2)
    assert "moved from" in texts(result) and "notes updated" in texts(result)
    edited = sandbox.state.bookings[booking.number]
    assert edited.event_id == other.event_id
    assert edited.numbers["Cadults"] == adults
    assert edited.last_change_agent == "API: bookeo-bot"
    assert await bot.store.note(booking.number) == "VIP"
    audit = await bot.store.audit_log(booking_number=booking.number)
    assert [(a.action, a.outcome) for a in audit] == [("edit", "ok")]
    assert "moved from" in audit[0].detail


async def test_a_button_on_a_channel_card_updates_that_card(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    body = block_action(
        Action.CANCEL,
        booking.number,
        user=STAFF,
        channel="CBOOK",
        message_ts="1700000000.000777",
        ephemeral=False,
    )
    response = await post(bot, body)
    assert response.status_code == 200
    await fake_slack.wait_for("views.open")
    view = await shown(fake_slack, 1)
    await submit(bot, view, {B.REASON: text_input("")}, user=STAFF)
    [update] = await fake_slack.wait_for("chat.update")
    assert (update["channel"], update["ts"]) == ("CBOOK", "1700000000.000777")
    assert "Canceled" in texts(update["blocks"])
    customer = sandbox.state.customers[booking.customer_id]
    assert customer.email not in texts(update)  # a channel post carries no contact details
    [thread] = await fake_slack.wait_for("chat.postMessage")
    assert thread["thread_ts"] == "1700000000.000777" and f"<@{STAFF}> canceled" in thread["text"]


async def test_share_posts_to_the_channel_without_contacts(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = next(
        b for b in sandbox.state.bookings.values() if sandbox.state.customers[b.customer_id].email
    )
    await post(
        bot,
        block_action(
            Action.SHARE, booking.number, user=STAFF, response_url=fake_slack.response_url("share")
        ),
    )
    # Posted as the bot, not through response_url: such a message could never be updated.
    [shared] = await fake_slack.wait_for("chat.postMessage")
    assert shared["channel"] == "C1" and fake_slack.responses["share"] == []
    assert f"Booking {booking.number}" in texts(shared)
    assert sandbox.state.customers[booking.customer_id].email not in texts(shared)
    assert f"Shared by <@{STAFF}>" in texts(shared)
    assert shared["ts_assigned"]  # a message of the bot's: chat.update can keep it current


async def test_share_falls_back_to_response_url_outside_the_bots_channels(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = next(iter(sandbox.state.bookings.values()))
    fake_slack.stage("chat.postMessage", ok=False, error="not_in_channel")
    await post(
        bot,
        block_action(
            Action.SHARE, booking.number, user=STAFF, response_url=fake_slack.response_url("share")
        ),
    )
    [shared] = await fake_slack.wait_for("respond:share")
    assert shared["response_type"] == "in_channel"
    assert f"Booking {booking.number}" in texts(shared)


async def test_home_tab(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    event = {
        "token": "x",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": CASHIER, "channel": "D1", "tab": "home"},
    }
    body = json.dumps(event)
    response = await post(bot, body, signed_headers(body, content_type="application/json"))
    assert response.status_code == 200
    [published] = await fake_slack.wait_for("views.publish")
    assert published["user_id"] == CASHIER
    assert "Your role: *cashier*" in texts(published) and "Today" in texts(published)
    assert "home_new_booking" in texts(published) and "home_find_booking" in texts(published)


async def test_find_from_home(bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox) -> None:
    await post(bot, block_action(Action.HOME_FIND, "", user=STAFF))
    [opened] = await fake_slack.wait_for("views.open")
    view = dict(opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"]))
    view["id"] = "VFIND"
    empty = await submit(bot, view, {B.QUERY: text_input("")}, user=STAFF)
    assert empty["response_action"] == "errors"
    number_ = next(iter(sandbox.state.bookings))
    await submit(bot, view, {B.QUERY: text_input(number_)}, user=STAFF)
    result = await shown(fake_slack, 1)
    assert f"Booking {number_}" in texts(result)
    await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("action", "callback"),
    [
        (Action.EDIT, "booking_edit_modal"),
        (Action.PAY, "booking_pay_modal"),
        (Action.CANCEL, "booking_cancel_modal"),
    ],
)
async def test_card_buttons_open_their_modals(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, action: str, callback: str
) -> None:
    booking = upcoming_booking(sandbox)
    await post(
        bot,
        block_action(
            action, booking.number, user=ADMIN, response_url=fake_slack.response_url("card")
        ),
    )
    [opened] = await fake_slack.wait_for("views.open")
    assert "Loading from Bookeo" in texts(opened)
    view = await shown(fake_slack, 1)
    assert view["callback_id"] == callback
    assert json.loads(view["private_metadata"])["response_url"] == fake_slack.response_url("card")


async def test_show_and_customer_buttons(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = next(iter(sandbox.state.bookings.values()))
    await post(
        bot,
        block_action(
            Action.SHOW, booking.number, user=STAFF, response_url=fake_slack.response_url("show")
        ),
    )
    [card] = await fake_slack.wait_for("respond:show")
    assert card["replace_original"] and f"Booking {booking.number}" in texts(card)
    await post(
        bot,
        block_action(
            Action.CUSTOMER, booking.number, user=STAFF, response_url=fake_slack.response_url("who")
        ),
    )
    [customer] = await fake_slack.wait_for("respond:who")
    assert sandbox.state.customers[booking.customer_id].last_name in texts(customer)
    assert customer["replace_original"] is False


async def test_new_from_home(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    await post(bot, block_action(Action.HOME_NEW, "", user=STAFF))
    await fake_slack.wait_for("views.open")
    form = await shown(fake_slack, 1)
    assert form["callback_id"] == "booking_create_modal"


async def test_a_failing_bookeo_shows_in_the_modal(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    sandbox.faults.update({"fail_next": 5})
    view = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    assert "Bookeo is not answering right now" in texts(view)
    assert view["title"]["text"] == "Cancel booking"
    sandbox.faults.update({"fail_next": 0})
    # A write that Bookeo refuses is reported too, and nothing is half-done.
    form = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    sandbox.state.cancel_booking(booking.number, agent="someone else", reason=None)
    updates = len(fake_slack.of("views.update"))  # before submitting: the answer may be quick
    await submit(bot, form, {B.REASON: text_input("late")}, user=STAFF)
    result = await shown(fake_slack, updates + 1)
    assert "already canceled" in texts(result)
    [entry] = await bot.store.audit_log(booking_number=booking.number)
    assert entry.outcome == "failed"


async def test_a_slack_rate_limit_is_waited_out(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    fake_slack.stage(
        "chat.update", status=429, headers={"Retry-After": "1"}, ok=False, error="ratelimited"
    )
    await post(
        bot,
        block_action(
            Action.CANCEL,
            booking.number,
            user=STAFF,
            channel="CB",
            message_ts="1.000001",
            ephemeral=False,
        ),
    )
    await fake_slack.wait_for("views.open")
    view = await shown(fake_slack, 1)
    await submit(bot, view, {B.REASON: text_input("")}, user=STAFF)
    updates = await fake_slack.wait_for("chat.update", 2, within=8)
    assert updates[0] == updates[1]  # the same update, sent again after Retry-After
    await fake_slack.wait_for("chat.postMessage")
