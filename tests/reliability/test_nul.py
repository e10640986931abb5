"""NUL characters in what a person types (PostgreSQL refuses them in text): stripped where the
forms are read, so the write, its audit row and its note are all kept. Runs on PostgreSQL too
(TEST_DATABASE_URL), where the old code lost the audit row and the note."""

from __future__ import annotations

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Block as B
from tests.conftest import STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import checkboxes, text_input
from tests.reliability.test_bookeo_faults import create_form, create_values
from tests.slack.conftest import texts
from tests.slack.test_modals import command_modal, shown, submit, upcoming_booking

pytestmark = pytest.mark.asyncio


async def test_a_cancel_reason_with_a_nul_cancels_and_is_audited(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = upcoming_booking(sandbox)
    view = await command_modal(bot, fake_slack, f"cancel {booking.number}", user=STAFF)
    ack = await submit(
        bot,
        view,
        {B.REASON: text_input("storm\x00warning"), B.NOTIFY: checkboxes("notify")},
        user=STAFF,
    )
    assert "Canceling" in texts(ack)
    result = await shown(fake_slack, 2)
    assert "is canceled" in texts(result)  # the modal does not stay on "Canceling…"
    assert sandbox.state.bookings[booking.number].cancelation_reason == "stormwarning"
    audit = await bot.store.audit_log(booking_number=booking.number)
    assert [(a.action, a.outcome, a.detail) for a in audit] == [("cancel", "ok", "stormwarning")]


async def test_notes_with_a_nul_are_kept(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    await submit(bot, form, {**values, B.NOTES: text_input("gluten\x00free")}, user=STAFF)
    await bot.deps.background.drain()
    [made] = set(sandbox.state.bookings) - before
    assert await bot.store.note(made) == "glutenfree"
    audit = await bot.store.audit_log(booking_number=made)
    assert [(a.action, a.outcome) for a in audit] == [("create", "ok")]
