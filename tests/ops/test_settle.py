"""Creates a crash left "pending" (the process died between claiming the form and hearing
Bookeo's answer): a bot that starts on the same database settles them by their external
reference, stores the notes, writes the audit row and tells the person.

The crash is simulated in process: the claim is written as the dead process left it (with
the form it kept, claimed minutes ago) and, for a booking that was made, Bookeo is asked to
make it as the dead process's request would have."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.app import BotApp, build_app
from bot.ops import Actor
from bot.ops.bookings.create import create_key, new_booking
from bot.ops.bookings.settle import claim_of
from bot.ops.forms import CreateForm
from bot.permissions import Role
from bot.sandbox import Sandbox
from tests.conftest import STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import TEAM

pytestmark = pytest.mark.asyncio
staff = Actor(TEAM, STAFF, Role.STAFF)


async def a_form(bot: BotApp, sandbox: Sandbox, key: str, notes: str) -> CreateForm:
    kayak = next(p for p in await bot.deps.catalog.products() if p.name == "Sunset Kayak Tour")
    tomorrow = (datetime.now(sandbox.tz) + timedelta(days=1)).date()
    slots = await bot.deps.bookings.load_slots(kayak, tomorrow, {"Cadults": 2})
    customer = next(iter(sandbox.state.customers.values()))
    return CreateForm(
        key=key,
        product=kayak,
        slot=slots[0],
        people={"Cadults": 2},
        notes=notes,
        customer_id=customer.id,
        notify_customer=False,
    )


async def left_pending(bot: BotApp, form: CreateForm, *, ago: timedelta) -> None:
    """The claim as a process killed during the create left it."""
    kept = claim_of(staff, form, view_id="V123").model_dump_json()
    await bot.store.claim_write(create_key(form.key), at=bot.deps.clock.now() - ago, form=kept)


async def settled(bot: BotApp, key: str) -> None:
    for _ in range(100):
        claim = await bot.store.peek_write(create_key(key))
        if claim is None or claim.state != "pending":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} is still pending")


async def test_a_fresh_bot_finishes_a_create_made_before_the_crash(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await a_form(bot, sandbox, "crashkey1", "Window seat please")
    await left_pending(bot, form, ago=timedelta(minutes=3))
    # The dead process's request reached Bookeo: the booking was made, nobody heard.
    made = await bot.bookeo.bookings.create(
        new_booking(form), notify_customer=False, notify_users=False
    )
    number = made.booking_number

    restarted = build_app(bot.settings, sandbox=sandbox)
    await restarted.start()
    try:
        await settled(restarted, form.key)
        [dm] = [
            m
            for m in await fake_slack.wait_for("chat.postMessage")
            if m.get("channel") == STAFF and number in m.get("text", "")
        ]
    finally:
        await restarted.stop()

    assert "was created" in dm["text"] and "Sunset Kayak Tour" in dm["text"]
    claim = await bot.store.peek_write(create_key(form.key))
    assert claim is not None and (claim.state, claim.booking_number) == ("done", number)
    ours = [b for b in sandbox.state.bookings.values() if b.external_ref == made.external_ref]
    assert len(ours) == 1  # exactly one booking
    assert await bot.store.note(number) == "Window seat please"
    [row] = await bot.store.audit_log(booking_number=number)
    assert (row.action, row.outcome, row.user_id) == ("create", "ok", STAFF)
    assert "Sunset Kayak Tour" in row.detail
    # A resubmission of the same form is now told it was made, not "already creating".
    assert await bot.deps.bookings.earlier_create(staff, form.key) is not None
    assert await bot.deps.bookings.claim_create(staff, form) is not None


async def test_a_create_never_made_is_freed_and_the_person_told(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await a_form(bot, sandbox, "crashkey2", "")
    await left_pending(bot, form, ago=timedelta(minutes=3))  # Bookeo's processing is over

    assert await bot.settle_creates() == 1

    assert await bot.store.peek_write(create_key(form.key)) is None  # free to try again
    [dm] = [m for m in fake_slack.of("chat.postMessage") if m.get("channel") == STAFF]
    assert "was not made" in dm["text"]
    [row] = [r for r in await bot.store.audit_log() if r.action == "create"]
    assert row.outcome == "failed" and row.booking_number is None


async def test_a_recent_claim_is_left_while_bookeo_may_still_make_it(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await a_form(bot, sandbox, "crashkey3", "")
    await left_pending(bot, form, ago=timedelta(seconds=45))  # past a live call, in flight

    assert await bot.settle_creates() == 0

    claim = await bot.store.peek_write(create_key(form.key))
    assert claim is not None and claim.state == "pending"
    assert not [m for m in fake_slack.of("chat.postMessage") if m.get("channel") == STAFF]
