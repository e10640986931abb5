"""Bookeo failing in every way it can, on every command and modal: the person is told
clearly what happened (never a stack trace, never silence), can try again, and no booking or
payment is ever made twice.

429s (Retry-After as a header, and as a `retryAfter` body field) and 5xx come from the
sandbox's own fault injection; timeouts and connection resets from a wire between the bot's
Bookeo client and the sandbox, which forwards the request first — the worst case, where
Bookeo did the work and only the answer was lost — or refuses the connection before sending.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.conftest import CASHIER, STAFF, SleepRecorder
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    date_value,
    datetime_value,
    dispatch_action,
    number,
    select,
    slash_command,
    text_input,
)
from tests.slack.conftest import post, texts
from tests.slack.test_modals import shown, submit, upcoming_booking

pytestmark = pytest.mark.asyncio
WRITES = frozenset({"POST", "PUT", "DELETE"})
BUSY = ":hourglass: Bookeo is busy right now (rate limit). Try again in 2 s."
DOWN = ":cloud: Bookeo is not answering right now."
NOTHING_CHANGED = "Nothing was changed. Try again in a minute."
MAYBE_SAVED = "the change *may* have been saved"
NOT_MADE = "Bookeo did not answer, and no booking was made (the bot checked)."
CREATED = "created."
NOT_PAID = "Bookeo did not answer, and no payment was recorded (the bot checked)."
PAID = "recorded on booking"
NEVER = ("Something went wrong", "Traceback", "Exception")


def is_write(request: httpx.Request) -> bool:
    return request.method in WRITES


class Wire(httpx.AsyncBaseTransport):
    """The network between the bot and Bookeo, failing on demand."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        # "timeout" / "reset" after Bookeo answered; "lost" (a timeout, never reached Bookeo),
        # "refused" (nothing sent)
        self.fault: str | None = None
        self.applies: Callable[[httpx.Request], bool] = lambda request: True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault
        if not self.applies(request):
            fault = None
        if fault == "refused":
            raise httpx.ConnectError("connection refused", request=request)
        if fault == "lost":
            raise httpx.ReadTimeout("timed out waiting for Bookeo's answer", request=request)
        response = await self.inner.handle_async_request(request)
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out waiting for Bookeo's answer", request=request)
        if fault == "reset":
            raise httpx.RemoteProtocolError("connection reset by peer", request=request)
        return response


@dataclass(frozen=True)
class Fault:
    name: str
    sandbox: dict[str, Any]  # sandbox fault settings (those that never run out)
    wire: str | None
    read_says: str  # what a person is told when a read fails so
    write_says: str  # ... when a cancel, an edit or a payment fails so
    create_says: str  # ... when a create does (the bot checks Bookeo when an answer is lost)
    pay_says: str  # ... and when a payment does (checked the same way)
    did: bool  # whether Bookeo did the write all the same


FAULTS = [
    Fault(
        "429 + Retry-After header",
        {"throttle_next": 10**6, "retry_after_form": "header"},
        None,
        BUSY,
        BUSY,
        BUSY,
        BUSY,
        did=False,
    ),
    Fault(
        "429 + retryAfter in the body",
        {"throttle_next": 10**6, "retry_after_form": "body"},
        None,
        BUSY,
        BUSY,
        BUSY,
        BUSY,
        did=False,
    ),
    Fault("503", {"fail_next": 10**6}, None, DOWN, *[NOTHING_CHANGED] * 3, did=False),
    Fault("timeout after Bookeo did it", {}, "timeout", DOWN, MAYBE_SAVED, CREATED, PAID, did=True),
    Fault("timeout, request lost", {}, "lost", DOWN, MAYBE_SAVED, NOT_MADE, NOT_PAID, did=False),
    Fault("connection reset", {}, "reset", DOWN, MAYBE_SAVED, CREATED, PAID, did=True),
    Fault("connection refused", {}, "refused", DOWN, *[NOTHING_CHANGED] * 3, did=False),
]


@pytest.fixture
def wire(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Wire:
    """Put the wire in: the bot reaches its in-process sandbox through `sandbox.transport()`."""
    between = Wire(sandbox.transport())
    monkeypatch.setattr(sandbox, "transport", lambda: between)
    return between


@pytest.fixture
def faulty(wire: Wire, bot: BotApp, sandbox: Sandbox) -> Any:
    """Switch a fault on (for everything, or for writes only) and off again."""
    sleeps = SleepRecorder()
    bot.bookeo._sleep = sleeps  # back-offs and Retry-After waits recorded, not slept
    bot.deps.bookings._s.writes.sleep = sleeps  # so are the looks again after a lost answer

    class Switch:
        def on(self, fault: Fault, *, only_writes: bool = False) -> None:
            sandbox.faults.update({**fault.sandbox, "only_writes": only_writes})
            wire.fault = fault.wire
            wire.applies = is_write if only_writes else lambda request: True

        def off(self) -> None:
            sandbox.faults.update({"throttle_next": 0, "fail_next": 0, "only_writes": False})
            wire.fault = None

        @property
        def waits(self) -> list[float]:
            return sleeps.delays

    return Switch()


def said(slack: FakeSlackAPI, token: str, updates_before: int) -> str:
    """Everything the person saw since: replies to the command and modal updates."""
    seen = slack.responses.get(token, []) + slack.of("views.update")[updates_before:]
    return json.dumps(seen, ensure_ascii=False)


async def ask(bot: BotApp, slack: FakeSlackAPI, text: str, *, user: str = CASHIER) -> str:
    """Run `/bookeo text` and return what the person saw (reply or modal)."""
    token = uuid.uuid4().hex[:8]
    updates = len(slack.of("views.update"))
    answer = await post(bot, slash_command(text, user=user, response_url=slack.response_url(token)))
    assert answer.status_code == 200, (text, answer.text)
    await bot.deps.background.drain()
    seen = answer.text + said(slack, token, updates)
    assert not any(word in seen for word in NEVER), (text, seen)
    return seen


async def pick_product(bot: BotApp, slack: FakeSlackAPI, sandbox: Sandbox) -> str:
    """Open the create form and choose a product and day: the slots come from Bookeo."""
    values = create_values(sandbox)
    form = await open_form(bot, slack, "new", user=STAFF)
    updates = len(slack.of("views.update"))
    chosen = {k: values[k] for k in (B.PRODUCT, B.DATE)}
    answer = await post(
        bot, dispatch_action(form, chosen, user=STAFF, action_id=Action.CREATE_PRODUCT)
    )
    assert answer.status_code == 200
    await bot.deps.background.drain()
    seen = said(slack, "-", updates)
    assert not any(word in seen for word in NEVER), seen
    return seen


def read_commands(sandbox: Sandbox) -> list[str]:
    booking = upcoming_booking(sandbox)
    customer = sandbox.state.customers[booking.customer_id]
    return [
        booking.number,
        f"find {customer.last_name}",
        "today",
        "upcoming 3 days",
        f"payments {booking.number}",
        f"customer {customer.email}",
        "new",  # opens from the cached catalogue; choosing a product asks Bookeo (below)
        f"edit {booking.number}",
        f"cancel {booking.number}",
        f"pay {booking.number}",
    ]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_every_read_says_what_happened_and_works_again(
    fault: Fault,
    faulty: Any,
    bot: BotApp,
    fake_slack: FakeSlackAPI,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = read_commands(sandbox)
    for text in commands:
        faulty.on(fault)
        seen = await (
            pick_product(bot, fake_slack, sandbox) if text == "new" else ask(bot, fake_slack, text)
        )
        assert fault.read_says in seen, text
        faulty.off()
        again = await (
            pick_product(bot, fake_slack, sandbox) if text == "new" else ask(bot, fake_slack, text)
        )
        assert fault.read_says not in again and DOWN not in again, (text, again)
    # Bounded: a 429 is waited out (as Bookeo asked) at most twice per call before giving up.
    assert all(wait <= 8 for wait in faulty.waits)
    with capsys.disabled():
        print(f"\nbookeo faults: {fault.name}: {len(commands)} commands and modals told, retried")


# -- writes -----------------------------------------------------------------------------------


async def open_form(bot: BotApp, slack: FakeSlackAPI, text: str, *, user: str) -> dict[str, Any]:
    updates = len(slack.of("views.update"))
    answer = await post(bot, slash_command(text, user=user, response_url=slack.response_url("x")))
    assert answer.status_code == 200
    return await shown(slack, updates + 1)


async def send(
    bot: BotApp, slack: FakeSlackAPI, form: dict[str, Any], values: dict[str, Any], *, user: str
) -> str:
    """Submit a form; what the person saw: the inline errors or the modal's final words."""
    updates = len(slack.of("views.update"))
    ack = await submit(bot, form, values, user=user)
    await bot.deps.background.drain()
    seen = json.dumps(ack, ensure_ascii=False) + said(slack, "-", updates)
    assert not any(word in seen for word in NEVER), seen
    return seen


def create_values(sandbox: Sandbox) -> dict[str, Any]:
    kayak = next(p for p in sandbox.state.products.values() if p.name == "Sunset Kayak Tour")
    later = datetime.now(UTC) + timedelta(days=1)
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.product_id == kayak.product_id
        and e.start > later
        and sandbox.state.seats_available(e) >= 2
    )
    customer = next(iter(sandbox.state.customers.values()))
    return {
        B.PRODUCT: select(kayak.product_id),
        B.DATE: date_value(event.start.astimezone(sandbox.tz).date().isoformat()),
        B.SLOT: select(f"e:{event.event_id}"),
        f"{B.PEOPLE_PREFIX}Cadults": number(2),
        B.CUSTOMER: select(customer.id, "external_select"),
    }


async def create_form(bot: BotApp, slack: FakeSlackAPI, values: dict[str, Any]) -> dict[str, Any]:
    """The create form with the product chosen, as the person would see it before submitting."""
    form = await open_form(bot, slack, "new", user=STAFF)
    updates = len(slack.of("views.update"))
    chosen = {k: values[k] for k in (B.PRODUCT, B.DATE)}
    await post(bot, dispatch_action(form, chosen, user=STAFF, action_id=Action.CREATE_PRODUCT))
    return await shown(slack, updates + 1)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_a_create_that_fails_is_never_made_twice(
    fault: Fault, faulty: Any, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    faulty.on(fault, only_writes=True)
    seen = await send(bot, fake_slack, form, values, user=STAFF)
    assert fault.create_says in seen, seen
    made = set(sandbox.state.bookings) - before
    assert len(made) == (1 if fault.did else 0)
    faulty.off()
    # The person submits the same form again (or Slack retries it).
    again = await send(bot, fake_slack, form, values, user=STAFF)
    made = set(sandbox.state.bookings) - before
    assert len(made) == 1, again  # exactly one booking, whatever happened the first time
    [number_] = made
    assert number_ in again, again  # and they are told which
    audit = [a.outcome for a in await bot.store.audit_log() if a.action == "create"]
    assert audit == (["ok"] if fault.did else ["failed", "ok"])


async def test_when_bookeo_cannot_say_whether_a_create_was_made_the_retry_asks_again(
    wire: Wire, faulty: Any, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    # The create times out after it was made, and so does the bot's check (a list of the
    # bookings changed lately); the form's own reads still work.
    faulty.on(next(f for f in FAULTS if f.wire == "timeout"))
    wire.applies = lambda r: is_write(r) or "lastUpdatedStartTime" in r.url.params
    seen = await send(bot, fake_slack, form, values, user=STAFF)
    assert MAYBE_SAVED in seen, seen
    [made] = set(sandbox.state.bookings) - before
    still = await send(bot, fake_slack, form, values, user=STAFF)  # Bookeo still silent
    assert "An earlier try may have created this booking" in still, still
    faulty.off()
    again = await send(bot, fake_slack, form, values, user=STAFF)
    assert f"This booking was already created: *{made}*" in again, again
    assert set(sandbox.state.bookings) - before == {made}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_a_payment_that_fails_is_never_recorded_twice(
    fault: Fault, faulty: Any, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    before = sandbox.state.paid(booking.number)
    form = await open_form(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    values = {
        B.AMOUNT: text_input("12.00"),
        B.METHOD: select("cash"),
        B.REASON: text_input("Deposit"),
        B.RECEIVED: datetime_value(int(datetime.now(UTC).timestamp()) - 60),
    }
    faulty.on(fault, only_writes=True)
    seen = await send(bot, fake_slack, form, values, user=CASHIER)
    assert fault.pay_says in seen, seen
    paid = sandbox.state.paid(booking.number) - before
    assert paid == (Decimal("12.00") if fault.did else 0)
    faulty.off()
    again = await send(bot, fake_slack, form, values, user=CASHIER)
    assert sandbox.state.paid(booking.number) - before == Decimal("12.00"), again


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_a_cancel_or_edit_that_fails_can_be_tried_again(
    fault: Fault, faulty: Any, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox, min_free=1)
    form = await open_form(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    people = {f"{B.PEOPLE_PREFIX}{c}": number(n) for c, n in booking.numbers.items()}
    adults = booking.numbers.get("Cadults", 0) + 1
    people[f"{B.PEOPLE_PREFIX}Cadults"] = number(adults)
    values = {
        B.DATE: date_value(booking.start.astimezone(sandbox.tz).date().isoformat()),
        B.SLOT: select(f"e:{booking.event_id}"),
        **people,
    }
    faulty.on(fault, only_writes=True)
    seen = await send(bot, fake_slack, form, values, user=STAFF)
    assert fault.write_says in seen, seen
    assert (sandbox.state.bookings[booking.number].numbers["Cadults"] == adults) == fault.did
    faulty.off()
    form = await open_form(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    again = await send(bot, fake_slack, form, values, user=STAFF)
    assert sandbox.state.bookings[booking.number].numbers["Cadults"] == adults, again

    form = await open_form(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    faulty.on(fault, only_writes=True)
    seen = await send(bot, fake_slack, form, {B.REASON: text_input("storm")}, user=STAFF)
    assert fault.write_says in seen, seen
    assert sandbox.state.bookings[booking.number].canceled == fault.did
    faulty.off()
    # Trying again: the form, or (when the lost answer hid a cancellation) why there is none.
    form = await open_form(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    if fault.did:
        assert form["callback_id"] != "booking_cancel_modal"
        assert f"Booking {booking.number} is canceled" in texts(form), texts(form)
    else:
        again = await send(bot, fake_slack, form, {B.REASON: text_input("storm")}, user=STAFF)
        assert "is canceled" in again, again
    assert sandbox.state.bookings[booking.number].canceled
