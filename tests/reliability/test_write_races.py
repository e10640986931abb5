"""A write still in flight when the bot stops waiting for it (issue 14, "the bot checked"
race): Bookeo answers a create or a payment after 20 s, past the client's 15 s timeout. The
bot never says "not made" while the request may still land, a resubmission is told "still
checking", and the form makes exactly one booking or payment."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import httpx
import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.conftest import CASHIER, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import datetime_value, select, text_input
from tests.reliability.test_bookeo_faults import create_form, create_values, open_form
from tests.slack.test_modals import submit, upcoming_booking

pytestmark = pytest.mark.asyncio
LANDS_AFTER = 20.0  # seconds after it was sent, Bookeo carries the write out
CHECKING = "still checking whether the"


class LateWire(httpx.AsyncBaseTransport):
    """Between the bot and Bookeo: a write times out for the bot at once, but Bookeo only
    gets it (and carries it out) when `land` is called — after the bot gave up waiting."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.held: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            await request.aread()
            self.held.append(request)
            raise httpx.ReadTimeout("timed out waiting for Bookeo's answer", request=request)
        return await self.inner.handle_async_request(request)

    async def land(self) -> None:
        while self.held:
            await self.inner.handle_async_request(self.held.pop(0))


class Clockwork:
    """The bot's waits between its looks at Bookeo: not slept; the held write lands once
    LANDS_AFTER seconds of them went by. Each wait holds until the test says go."""

    def __init__(self, wire: LateWire) -> None:
        self.wire = wire
        self.elapsed = 0.0
        self.waiting = asyncio.Event()
        self.go = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waiting.set()
        await self.go.wait()
        self.elapsed += seconds
        if self.elapsed >= LANDS_AFTER:
            await self.wire.land()


@pytest.fixture
def wire(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> LateWire:
    """Put in before the bot is built: it reaches the sandbox through `transport()`."""
    between = LateWire(sandbox.transport())
    monkeypatch.setattr(sandbox, "transport", lambda: between)
    return between


@pytest.fixture
def late(wire: LateWire, bot: BotApp) -> Clockwork:
    clockwork = Clockwork(wire)
    bot.deps.bookings._s.writes.sleep = clockwork
    return clockwork


def seen(slack: FakeSlackAPI, since: int) -> str:
    return json.dumps(slack.of("views.update")[since:], ensure_ascii=False)


async def test_a_create_answered_after_20_s_and_resubmitted_makes_one_booking(
    late: Clockwork, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    updates = len(fake_slack.of("views.update"))
    await submit(bot, form, values, user=STAFF)  # acked "Creating…"; the create times out
    await asyncio.wait_for(late.waiting.wait(), 5)  # found nothing yet: looking again
    assert CHECKING in seen(fake_slack, updates)
    assert "no booking was made" not in seen(fake_slack, updates)
    # The person submits the form again while the first request is still in flight.
    again = json.dumps(await submit(bot, form, values, user=STAFF))
    assert CHECKING in again, again
    assert set(sandbox.state.bookings) == before
    late.go.set()  # time passes; Bookeo carries the first request out after 20 s
    await bot.deps.background.drain()
    [made] = set(sandbox.state.bookings) - before
    assert f"Booking *{made}* created" in seen(fake_slack, updates)
    third = json.dumps(await submit(bot, form, values, user=STAFF))
    assert f"This booking was already created: *{made}*" in third, third
    assert set(sandbox.state.bookings) - before == {made}
    audit = [a.outcome for a in await bot.store.audit_log() if a.action == "create"]
    assert audit == ["ok"]


async def test_a_payment_answered_after_20_s_and_resubmitted_is_recorded_once(
    late: Clockwork, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    paid = sandbox.state.paid(booking.number)
    form = await open_form(bot, fake_slack, f"pay {booking.number}", user=CASHIER)
    values = {
        B.AMOUNT: text_input("12.00"),
        B.METHOD: select("cash"),
        B.REASON: text_input("Deposit"),
        B.RECEIVED: datetime_value(1_700_000_000),
    }
    updates = len(fake_slack.of("views.update"))
    await submit(bot, form, values, user=CASHIER)
    await asyncio.wait_for(late.waiting.wait(), 5)
    assert CHECKING in seen(fake_slack, updates)
    late.go.set()
    await bot.deps.background.drain()
    assert sandbox.state.paid(booking.number) - paid == Decimal("12.00")
    again_at = len(fake_slack.of("views.update"))
    await submit(bot, form, values, user=CASHIER)
    await bot.deps.background.drain()
    assert sandbox.state.paid(booking.number) - paid == Decimal("12.00"), seen(fake_slack, again_at)
