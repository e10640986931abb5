"""Notes on every card, channel cards too (issue 13): notes live in the bot, not in Bookeo, so
no webhook comes when they change. A notes change made from Slack refreshes the booking's
cards through the inbox (a subscription's card and a shared one) with one "notes updated"
line, posts no card where there is none, and a create whose webhook came before Bookeo's
answer (its card built before the notes were stored) gets its notes too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, slash_command, text_input
from tests.relay.test_paged_lines import edit_from_slack, never_shown
from tests.relay.test_relay import CHANNEL, book, command, in_channel, next_event, settle
from tests.reliability.test_attribution import HeldAnswers, relayed_first
from tests.reliability.test_bookeo_faults import create_form, create_values
from tests.slack.conftest import post, texts
from tests.slack.test_modals import submit

pytestmark = pytest.mark.asyncio
SHARED_IN = "CFRONTDESK"  # where STAFF shared the card ("Share in channel")
LATE = "CLATE"  # subscribed after the booking's card went out: it has no card of it
NOTE = "Allergic to nuts 🥜"


@pytest.fixture
def held(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> HeldAnswers:
    between = HeldAnswers(sandbox.transport())
    monkeypatch.setattr(sandbox, "transport", lambda: between)
    return between


def posted(slack: FakeSlackAPI, channel: str, method: str) -> list[dict]:
    return [c for c in slack.of(method) if c.get("channel") == channel]


def lines_under(slack: FakeSlackAPI, channel: str, ts: str) -> list[str]:
    calls = posted(slack, channel, "chat.postMessage")
    return [c["text"] for c in calls if c.get("thread_ts") == ts]


def card_in(slack: FakeSlackAPI, channel: str, number: str) -> dict:
    [card] = [
        c
        for c in posted(slack, channel, "chat.postMessage")
        if not c.get("thread_ts") and f"Booking {number}" in texts(c.get("blocks") or [])
    ]
    return card


def updates_of(slack: FakeSlackAPI, channel: str, ts: str) -> list[dict]:
    return [c for c in posted(slack, channel, "chat.update") if c["ts"] == ts]


async def test_a_notes_only_edit_refreshes_the_cards_with_one_line_and_posts_no_new_one(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    share = block_action(
        Action.SHARE,
        number,
        user=STAFF,
        channel=SHARED_IN,
        response_url=fake_slack.response_url("share"),
    )
    assert (await post(bot, share)).status_code == 200
    await bot.deps.background.drain()
    late = fake_slack.response_url("late")
    await post(bot, slash_command("subscribe", user=ADMIN, channel=LATE, response_url=late))
    await fake_slack.wait_for("respond:late", 1)
    await bot.deps.background.drain()
    ours, shared = card_in(fake_slack, CHANNEL, number), card_in(fake_slack, SHARED_IN, number)
    quiet_before = len(posted(fake_slack, LATE, "chat.postMessage"))

    booking = sandbox.state.bookings[number]
    await edit_from_slack(bot, fake_slack, sandbox, booking, notes=NOTE)  # only the notes

    for channel, card in ((CHANNEL, ours), (SHARED_IN, shared)):
        ts = card["ts_assigned"]
        [update] = updates_of(fake_slack, channel, ts)
        assert NOTE in texts(update["blocks"]), channel
        [line] = lines_under(fake_slack, channel, ts)
        assert line == f":pencil2: Notes updated — by <@{STAFF}> (Slack).", channel
    [refreshed] = updates_of(fake_slack, SHARED_IN, shared["ts_assigned"])
    assert f"Shared by <@{STAFF}>" in texts(refreshed["blocks"])
    assert len(posted(fake_slack, LATE, "chat.postMessage")) == quiet_before  # no card there
    assert card_in(fake_slack, CHANNEL, number) == ours  # updated in place, not posted again
    assert (await bot.store.relay.backlog()).get("pending", 0) == 0


async def test_a_notes_only_edit_of_a_booking_no_card_shows_posts_nothing(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    booking = never_shown(sandbox, after=timedelta(days=3), before=timedelta(days=20))
    before = len(in_channel(fake_slack, "chat.postMessage"))
    await edit_from_slack(bot, fake_slack, sandbox, booking, notes=NOTE)
    assert len(in_channel(fake_slack, "chat.postMessage")) == before
    assert in_channel(fake_slack, "chat.update") == []
    assert await bot.store.note(booking.number) == NOTE


async def test_a_create_whose_webhook_came_first_gets_its_notes_on_the_card_once(
    held: HeldAnswers, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    before = set(sandbox.state.bookings)
    seen: list[str] = []
    held.hold = lambda r: r.method == "POST" and r.url.path.endswith("/bookings")
    held.before_answer = relayed_first(bot, sandbox, fake_slack, seen)
    await submit(bot, form, {**values, B.NOTES: text_input(NOTE)}, user=STAFF)
    await bot.deps.background.drain()
    await settle(bot)
    assert held.held == 1
    [number] = set(sandbox.state.bookings) - before
    card = card_in(fake_slack, CHANNEL, number)
    assert NOTE not in texts(card["blocks"])  # built before the notes were stored
    [update] = updates_of(fake_slack, CHANNEL, card["ts_assigned"])
    assert NOTE in texts(update["blocks"])
    [line] = lines_under(fake_slack, CHANNEL, card["ts_assigned"])
    assert "Notes updated" in line and NOTE not in line
    await sandbox.drain_webhooks()
    await settle(bot)
    assert len(updates_of(fake_slack, CHANNEL, card["ts_assigned"])) == 1  # once


async def test_an_edit_whose_webhook_came_first_says_the_notes_once(
    held: HeldAnswers, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """The party's webhook is delivered before Bookeo answers (so before the notes are
    stored): its line says the party, the notes' refresh says the notes — each once."""
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=2
    )
    number = await book(sandbox, event)
    await settle(bot)
    card = card_in(fake_slack, CHANNEL, number)
    held.hold = lambda r: r.method == "PUT" and r.url.path.endswith(f"/bookings/{number}")
    held.before_answer = relayed_first(bot, sandbox, fake_slack, [])
    await edit_from_slack(
        bot, fake_slack, sandbox, sandbox.state.bookings[number], adults=2, notes=NOTE
    )
    await settle(bot)
    assert held.held == 1
    said = lines_under(fake_slack, CHANNEL, card["ts_assigned"])
    assert len([line for line in said if "otes updated" in line]) == 1, said
    assert len([line for line in said if "Party 1 Adult → 2 Adults" in line]) == 1, said
    *_, last = updates_of(fake_slack, CHANNEL, card["ts_assigned"])
    assert NOTE in texts(last["blocks"])
