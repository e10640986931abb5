"""Who made a change from Slack is known before Bookeo answers (issue 14, audit ordering).

Bookeo sends its webhook of a change as it makes it, so the relay can post the card and its
thread line before Bookeo's HTTP answer reaches the bot. Here the answer to the write is held
until the webhook has been delivered and the relay has posted: the channel still names the
Slack user, not the API key ("API: bookeo-bot"). A write Bookeo refuses names nobody."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.conftest import STAFF, no_sleep
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import checkboxes, text_input
from tests.relay.test_relay import book, command, in_channel, next_event, settle
from tests.reliability.test_bookeo_faults import create_form, create_values
from tests.slack.conftest import texts
from tests.slack.test_modals import command_modal, submit

pytestmark = pytest.mark.asyncio
BY_API = "API: bookeo-bot"


class HeldAnswers(httpx.AsyncBaseTransport):
    """Between the bot and Bookeo: Bookeo does the write (and queues its webhook) at once,
    but its answer reaches the bot only after `before_answer` ran."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold: Callable[[httpx.Request], bool] = lambda request: False
        self.before_answer: Callable[[], Awaitable[None]] | None = None
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.hold(request) and self.before_answer is not None:
            self.held += 1
            await self.before_answer()
        return response


@pytest.fixture
def wire(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> HeldAnswers:
    between = HeldAnswers(sandbox.transport())
    monkeypatch.setattr(sandbox, "transport", lambda: between)
    return between


def relayed_first(
    bot: BotApp, sandbox: Sandbox, slack: FakeSlackAPI, seen: list[str]
) -> Callable[[], Awaitable[None]]:
    """Deliver Bookeo's webhooks and let the relay post them; note what the channel showed."""

    async def deliver() -> None:
        await sandbox.drain_webhooks()
        await settle(bot)
        seen.extend(c.get("text", "") + texts(c) for c in in_channel(slack, "chat.postMessage"))
        seen.extend(c.get("text", "") + texts(c) for c in in_channel(slack, "chat.update"))

    return deliver


async def test_a_create_whose_webhook_comes_before_the_answer_names_the_person(
    wire: HeldAnswers, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    seen: list[str] = []
    wire.hold = lambda r: r.method == "POST" and r.url.path.endswith("/bookings")
    wire.before_answer = relayed_first(bot, sandbox, fake_slack, seen)
    await submit(bot, form, {**values, B.NOTES: text_input("Window seat")}, user=STAFF)
    await bot.deps.background.drain()
    assert wire.held == 1
    [number] = set(sandbox.state.bookings) - before
    assert any(number in text for text in seen), "the relay posted before Bookeo answered"
    # A new booking's card is its first post (no thread line yet): it names the person.
    [card] = [c for c in in_channel(fake_slack, "chat.postMessage") if number in c["text"]]
    assert f"by <@{STAFF}> (Slack)" in texts(card["blocks"])
    assert BY_API not in texts(card["blocks"])
    [row] = [a for a in await bot.store.audit_log() if a.action == "create"]
    assert (row.outcome, row.booking_number, row.user_id) == ("ok", number, STAFF)


async def test_a_cancel_whose_webhook_comes_before_the_answer_names_the_person(
    wire: HeldAnswers, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    seen: list[str] = []
    wire.hold = lambda r: r.method == "DELETE" and r.url.path.endswith(f"/bookings/{number}")
    wire.before_answer = relayed_first(bot, sandbox, fake_slack, seen)
    view = await command_modal(bot, fake_slack, f"cancel {number}", user=STAFF)
    await submit(
        bot,
        view,
        {B.REASON: text_input("guide sick"), B.NOTIFY: checkboxes("notify")},
        user=STAFF,
    )
    await bot.deps.background.drain()
    assert wire.held == 1
    assert any("Canceled" in text for text in seen), "the relay posted before Bookeo answered"
    [update] = [u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]
    assert f"by <@{STAFF}> (Slack)" in texts(update["blocks"])
    assert "Reason: guide sick" in texts(update["blocks"])
    assert BY_API not in texts(update["blocks"])
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert line.startswith(":no_entry: Canceled (reason: guide sick)")
    assert line.endswith(f"by <@{STAFF}> (Slack).") and BY_API not in line


async def test_a_write_bookeo_refuses_names_nobody_afterwards(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """The row written ahead is finished "failed": a later change by another API client keeps
    Bookeo's name for it."""
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    bot.bookeo._sleep = no_sleep  # its back-offs are not waited out
    sandbox.faults.update({"fail_next": 10**6, "only_writes": True})
    view = await command_modal(bot, fake_slack, f"cancel {number}", user=STAFF)
    await submit(bot, view, {B.REASON: text_input("guide sick")}, user=STAFF)
    await bot.deps.background.drain()
    [row] = [a for a in await bot.store.audit_log(booking_number=number) if a.action == "cancel"]
    assert row.outcome == "failed"
    sandbox.faults.update({"fail_next": 0, "only_writes": False})
    await bot.bookeo.bookings.cancel(number, reason="by script")
    await sandbox.drain_webhooks()
    await settle(bot)
    [line] = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert f"by {BY_API}" in line and "(Slack)" not in line and "guide sick" not in line


async def test_a_create_whose_row_cannot_be_written_is_not_sent_and_frees_the_form(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """Nothing goes to Bookeo that the audit log cannot name; the form can be sent again."""
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    refused: list[str] = []

    def no_audit(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT") and not refused:
            refused.append(statement)
            raise OperationalError(statement, {}, Exception("database or disk is full"))

    engine = bot.store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", no_audit)
    try:
        await submit(bot, form, values, user=STAFF)
        await bot.deps.background.drain()
    finally:
        event.remove(engine, "before_cursor_execute", no_audit)
    assert refused and set(sandbox.state.bookings) == before
    again = json.dumps(await submit(bot, form, values, user=STAFF))
    await bot.deps.background.drain()
    assert "Already creating" not in again, again
    [made] = set(sandbox.state.bookings) - before
    [row] = [a for a in await bot.store.audit_log() if a.action == "create"]
    assert (row.outcome, row.booking_number) == ("ok", made)
