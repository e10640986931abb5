"""What a channel and on-call hear of a change, said once (the walk-through's items 4, 5, 12):
a change made from Slack to a booking the cards never showed is said against the state the
bot read before it (and paged when urgent); an urgent change's line is its page; and a booking
nobody acknowledged escalates once, naming its latest change — not at all for changes that a
cancellation since made moot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import BotApp
from bot.bookeo.models import Participants, PeopleNumber
from bot.relay.notify import AdminNotifier
from bot.relay.oncall import escalate
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from bot.store.relay import Posted
from tests.conftest import ADMIN, CASHIER, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, date_value, number, select, text_input
from tests.relay.test_oncall import event_starting
from tests.relay.test_relay import CHANNEL, book, command, in_channel, office, settle
from tests.slack.conftest import post, texts
from tests.slack.test_modals import command_modal, shown, submit

pytestmark = pytest.mark.asyncio
ON_CALL = CASHIER  # paged; STAFF makes the changes from Slack


def never_shown(sandbox: Sandbox, *, after: timedelta, before: timedelta) -> Any:
    """A seeded booking (made before the bot was installed: the relay has never shown it) on
    a fixed tour starting in that window, with a seat left for one more adult."""
    now = datetime.now(UTC)
    return next(
        b
        for b in sorted(sandbox.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled
        and b.event_id
        and now + after < b.start < now + before
        and b.numbers.get("Cadults", 0) >= 1
        and sandbox.state.seats_available(sandbox.state.events[b.event_id]) >= 1
        and not sandbox.state.events[b.event_id].sessions
    )


async def edit_from_slack(
    bot: BotApp,
    fake_slack: FakeSlackAPI,
    sandbox: Sandbox,
    booking: Any,
    *,
    event: Any | None = None,
    adults: int | None = None,
    notes: str = "",
) -> None:
    """`/bookeo edit N` by STAFF: to `event` (None: keep its time), with `adults`."""
    updates = len(fake_slack.of("views.update"))
    view = await command_modal(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    event = event or sandbox.state.events[booking.event_id]
    people = {f"{B.PEOPLE_PREFIX}{c}": number(n) for c, n in booking.numbers.items()}
    if adults is not None:
        people[f"{B.PEOPLE_PREFIX}Cadults"] = number(adults)
    values = {
        B.DATE: date_value(event.start.astimezone(sandbox.tz).date().isoformat()),
        B.SLOT: select(f"e:{event.event_id}"),
        **people,
        B.NOTES: text_input(notes),
    }
    ack = await submit(bot, view, values, user=STAFF)
    assert ack.get("response_action") == "update", ack
    await shown(fake_slack, updates + 2)
    await sandbox.drain_webhooks()
    await settle(bot)


async def lines(bot: BotApp, fake_slack: FakeSlackAPI, number: str) -> list[str]:
    """The thread lines under booking `number`'s card in the channel."""
    card = await bot.store.relay.card(number, CHANNEL)
    assert isinstance(card, Posted), f"no card of {number} in the channel"
    threads = in_channel(fake_slack, "chat.postMessage", thread=True)
    return [c["text"] for c in threads if c["thread_ts"] == card.ts]


async def test_a_slack_edit_of_a_booking_never_shown_says_what_changed_and_pages(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    booking = never_shown(sandbox, after=timedelta(hours=1), before=timedelta(hours=23))
    adults = booking.numbers["Cadults"]
    await edit_from_slack(bot, fake_slack, sandbox, booking, adults=adults + 1, notes="VIP")

    [line] = await lines(bot, fake_slack, booking.number)  # the one line: it is the page
    assert line.startswith(f":rotating_light: <@{ON_CALL}> urgent — it starts within 24 hours:")
    assert "Party " in line and "→" in line and "Adult" in line
    assert "; notes updated" in line and "VIP" not in line  # notes are said, not quoted
    assert line.endswith(f"— by <@{STAFF}> (Slack).")
    assert "updated in Bookeo" not in line and "customer is now" not in line
    [dm] = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == ON_CALL]
    assert "Party " in dm["text"] and booking.number in texts(dm)


async def test_a_slack_move_of_a_booking_never_shown_is_said_under_its_new_card(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    booking = never_shown(sandbox, after=timedelta(days=3), before=timedelta(days=20))
    party = sum(booking.numbers.values())
    later = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.product_id == booking.product_id
        and e.start > booking.start
        and not e.sessions
        and sandbox.state.seats_available(e) >= party
    )
    await edit_from_slack(bot, fake_slack, sandbox, booking, event=later)

    [line] = await lines(bot, fake_slack, booking.number)
    assert line.startswith(":arrows_counterclockwise: Moved from ")
    assert line.endswith(f"— by <@{STAFF}> (Slack).")
    assert not [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == ON_CALL]


async def test_an_urgent_change_has_one_line_and_it_is_the_page(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    number = await book(
        sandbox, event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    )
    await settle(bot)
    booking = sandbox.state.bookings[number]
    await edit_from_slack(bot, fake_slack, sandbox, booking, adults=2, notes="Birthday")

    said = await lines(bot, fake_slack, number)
    new, party = said  # the new booking's page, then the resize's: one line each
    assert "urgent —" in new and "New booking" in new
    assert party.startswith(f":rotating_light: <@{ON_CALL}> urgent — ")
    assert "Party 1 Adult → 2 Adults; notes updated" in party
    assert f"by <@{STAFF}> (Slack)" in party and "Birthday" not in party


async def test_acknowledging_the_latest_page_of_a_booking_covers_its_earlier_ones(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    event = event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    number = await book(sandbox, event)
    await settle(bot)
    await resize(bot, sandbox, number, 2)
    *_, latest = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == ON_CALL]
    assert "Party" in latest["text"]
    button = latest["blocks"][1]["elements"][0]
    await post(
        bot,
        block_action(
            Action.ONCALL_ACK,
            button["value"],
            user=ON_CALL,
            channel="D1",
            response_url=fake_slack.response_url("dm"),
        ),
    )
    [reply] = await fake_slack.wait_for("respond:dm")
    assert "You acknowledged booking" in reply["text"]

    assert await escalate(**run(bot), now=datetime.now(UTC) + timedelta(minutes=11)) == []
    assert escalations(fake_slack) == ([], [])


def run(bot: BotApp) -> dict[str, Any]:
    return {
        "store": bot.store,
        "slack": bot.bolt.client,
        "notifier": AdminNotifier(bot.bolt.client, (ADMIN,)),
    }


def escalations(fake_slack: FakeSlackAPI) -> tuple[list[str], list[str]]:
    """The escalations in the channel, and in the admin's DMs."""
    said = [
        c["text"]
        for c in in_channel(fake_slack, "chat.postMessage")
        if "Still not acknowledged" in c.get("text", "")
    ]
    told = [
        c["text"]
        for c in fake_slack.of("chat.postMessage")
        if c.get("channel") == ADMIN and "Still not acknowledged" in c.get("text", "")
    ]
    return said, told


async def resize(bot: BotApp, sandbox: Sandbox, number: str, adults: int) -> None:
    """Change the party through the API, as another app would."""
    fresh = await bot.bookeo.bookings.get(number)
    people = Participants(numbers=[PeopleNumber(people_category_id="Cadults", number=adults)])
    await bot.bookeo.bookings.update(
        number, fresh.to_update().model_copy(update={"participants": people})
    )
    await sandbox.drain_webhooks()
    await settle(bot)


async def test_a_booking_paged_many_times_escalates_once_naming_its_latest_change(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    event = event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    number = await book(sandbox, event)
    await settle(bot)
    await resize(bot, sandbox, number, 2)
    await office(sandbox, f"/bookings/{number}/cancel", {"reason": "weather"})
    await settle(bot)
    assert len([t for t in await lines(bot, fake_slack, number) if "urgent —" in t]) == 3

    opened = datetime.now(UTC)
    escalated = await escalate(**run(bot), now=opened + timedelta(minutes=11))
    said, told = escalations(fake_slack)
    assert len(escalated) == 1 and len(said) == 1 and len(told) == 1
    assert f"booking {number}" in said[0] and ":no_entry: Canceled" in said[0]
    assert "Party" not in said[0] and "New booking" not in said[0]
    assert await escalate(**run(bot), now=opened + timedelta(minutes=30)) == []


async def test_a_booking_canceled_since_it_was_paged_is_not_chased(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """Paged as new (it starts within 24 hours), then canceled where this channel does not
    hear of cancellations: ten minutes on, nobody is chased about a booking that is off."""
    await command(bot, fake_slack, "subscribe created changed")
    await command(bot, fake_slack, f"oncall <@{ON_CALL}|sam>", token="set")
    event = event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    number = await book(sandbox, event)
    await settle(bot)
    assert [t for t in await lines(bot, fake_slack, number) if "urgent —" in t]
    await office(sandbox, f"/bookings/{number}/cancel", {"reason": "weather"})
    await settle(bot)

    assert await escalate(**run(bot), now=datetime.now(UTC) + timedelta(minutes=11)) == []
    assert escalations(fake_slack) == ([], [])
