"""Digests and reminders from Slack on the sandbox: set with /bookeo, run with a fixed clock.

Each job is called as the scheduler calls it, `run(deps, now)`, at the moment that matters;
what reaches the fake Slack is checked against the sandbox's own bookings.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import BotApp
from bot.jobs import digest, reminders
from bot.sandbox import Sandbox
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import CHANNEL, command
from tests.slack.conftest import texts

pytestmark = pytest.mark.asyncio
SYDNEY = ZoneInfo("Australia/Sydney")


def posts(slack: FakeSlackAPI) -> list[dict]:
    return [c for c in slack.of("chat.postMessage") if c.get("channel") == CHANNEL]


def tomorrow_at(hour: int, minute: int = 0, *, days: int = 1) -> datetime:
    day = datetime.now(SYDNEY).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=SYDNEY)


def bookings_on(sandbox: Sandbox, day_start: datetime) -> list:
    end = day_start + timedelta(days=1)
    return sorted(
        (
            b
            for b in sandbox.state.bookings.values()
            if not b.canceled and day_start <= b.start < end
        ),
        key=lambda b: b.start,
    )


async def test_the_morning_digest_lists_the_day_once(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    answer = await command(bot, fake_slack, "digest 08:00")
    assert "08:00" in answer["text"] and "next:" in answer["text"]
    assert (
        "set up a digest here: :sunrise: Today's" in posts(fake_slack)[-1]["text"]
    )  # in the channel
    expected = bookings_on(sandbox, tomorrow_at(0))
    assert expected, "the sandbox has bookings tomorrow"
    first = expected[0].number
    await bot.store.set_note(first, "Gluten-free lunch please", by=STAFF, at=datetime.now(UTC))
    before = len(posts(fake_slack))

    assert await digest.run(bot.jobs.deps, tomorrow_at(7, 59)) == 0  # not yet
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 0)) == 1
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 1)) == 0  # once a day
    assert await digest.run(bot.jobs.deps, tomorrow_at(9, 30)) == 0

    messages = posts(fake_slack)[before:]
    shown = "\n".join(texts(m) for m in messages)
    assert all(len(m["blocks"]) <= 50 for m in messages)
    assert "Today ·" in messages[0]["text"]
    for booking in expected:
        assert f"`{booking.number}`" in shown
    in_display_order = sorted(expected, key=lambda b: shown.index(f"`{b.number}`"))
    starts = [b.start for b in in_display_order]
    assert starts == sorted(starts), "slots in time order"
    assert "Gluten-free lunch please" in shown  # special requests
    assert ("seat" in shown and "person" in shown) or "people" in shown


async def test_a_digest_for_a_product_without_bookings_says_nothing_unless_asked(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    idle = next(
        p
        for p in sandbox.state.products.values()
        if not any(
            b.product_id == p.product_id
            for day in (1, 2)
            for b in bookings_on(sandbox, tomorrow_at(0, days=day))
        )
    )
    await command(bot, fake_slack, f'digest 06:30 product:"{idle.name}"')
    before = len(posts(fake_slack))
    assert await digest.run(bot.jobs.deps, tomorrow_at(6, 30)) == 0
    assert len(posts(fake_slack)) == before

    # A channel gets one digest a day: the next day, asked to post even when there is nothing.
    await command(bot, fake_slack, f'digest 06:45 product:"{idle.name}" always')
    assert await digest.run(bot.jobs.deps, tomorrow_at(6, 45, days=2)) == 1
    assert "No bookings." in texts(posts(fake_slack)[-1])


async def test_a_failed_digest_post_is_tried_again_next_minute(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    await command(bot, fake_slack, "digest 08:00 always")
    fake_slack.stage("chat.postMessage", ok=False, error="fatal_error")
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 0)) == 0
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 1)) == 1  # caught up
    assert await digest.run(bot.jobs.deps, tomorrow_at(8, 2)) == 0


async def test_digest_and_remind_are_for_admins_and_can_be_turned_off(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    denied = await command(bot, fake_slack, "digest 08:00", user=STAFF, token="staff")
    assert "You need the *admin* role" in denied["text"]
    assert await bot.store.timed_posts.digests() == []
    last = (await bot.store.audit_log())[-1]
    assert (last.user_id, last.outcome) == (STAFF, "denied")

    shown = await command(bot, fake_slack, "digest", user=STAFF, token="show")
    assert "No digest here" in shown["text"]
    await command(bot, fake_slack, "remind 45m", user=ADMIN, token="set")
    assert (
        "45 min before each slot" in (await command(bot, fake_slack, "remind", token="r"))["text"]
    )
    off = await command(bot, fake_slack, "remind off", token="off")
    assert "No more reminders" in off["text"]
    assert await bot.store.timed_posts.reminders() == []


async def test_a_reminder_goes_out_once_before_each_slot(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    slot = bookings_on(sandbox, tomorrow_at(0))[0]
    product = sandbox.state.products[slot.product_id]
    same_slot = [
        b.number
        for b in bookings_on(sandbox, tomorrow_at(0))
        if b.product_id == slot.product_id and b.start == slot.start
    ]
    answer = await command(bot, fake_slack, f'remind 30m product:"{product.name}"')
    assert "30 min before each slot" in answer["text"]
    before = len(posts(fake_slack))

    assert await reminders.run(bot.jobs.deps, slot.start - timedelta(minutes=45)) == 0
    assert await reminders.run(bot.jobs.deps, slot.start - timedelta(minutes=29)) == 1
    assert await reminders.run(bot.jobs.deps, slot.start - timedelta(minutes=28)) == 0
    assert await reminders.run(bot.jobs.deps, slot.start + timedelta(minutes=1)) == 0

    [note] = posts(fake_slack)[before:]
    assert f"*{product.name}* starts in 29 min" in note["text"]
    for number in same_slot:  # who is coming: in the blocks; `text` is the short summary
        assert f"`{number}`" in texts(note["blocks"])
    assert len(note["text"].splitlines()) == 1
    assert "@" not in texts(note).replace("<@", "")  # no email addresses in a channel


async def test_a_reminder_says_hours_and_minutes(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    slot = bookings_on(sandbox, tomorrow_at(0))[0]
    product = sandbox.state.products[slot.product_id]
    await command(bot, fake_slack, f'remind 4h product:"{product.name}"')
    before = len(posts(fake_slack))
    assert await reminders.run(bot.jobs.deps, slot.start - timedelta(minutes=235)) >= 1
    notes = [p["text"] for p in posts(fake_slack)[before:]]
    assert any(f"*{product.name}* starts in 3 h 55 min (" in n for n in notes), notes
    assert not any("235 min" in n for n in notes)


async def test_reminders_ask_bookeo_only_when_a_channel_wants_them(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    before = sum(sandbox.calls.values())
    assert await reminders.run(bot.jobs.deps, datetime.now(UTC)) == 0
    assert sum(sandbox.calls.values()) == before
    await command(bot, fake_slack, "remind 30m")
    await reminders.run(bot.jobs.deps, datetime.now(UTC))  # loads the product list once
    before = sum(sandbox.calls.values())
    await reminders.run(bot.jobs.deps, datetime.now(UTC))
    assert sum(sandbox.calls.values()) - before == 1  # one list call for the next 30 minutes


async def test_a_digest_set_where_the_bot_is_not_is_undone(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    fake_slack.stage("chat.postMessage", ok=False, error="not_in_channel")
    reply = await command(bot, fake_slack, "digest 08:00")
    assert "/invite @Bookeo" in reply["text"]
    assert await bot.store.timed_posts.digests() == []


async def test_the_digest_counts_people_by_the_seats_they_take(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """A "Family (2+2)" is four people in the digest's headcount, as in the seats it takes."""
    categories = sandbox.state.categories
    day = next(
        tomorrow_at(0, days=d)
        for d in range(1, 8)
        if any(b.numbers.get("NFAMLY") for b in bookings_on(sandbox, tomorrow_at(0, days=d)))
    )
    seats = sum(
        n * categories[c].num_seats for b in bookings_on(sandbox, day) for c, n in b.numbers.items()
    )
    await command(bot, fake_slack, "digest 07:00")
    before = len(posts(fake_slack))
    assert await digest.run(bot.jobs.deps, day.replace(hour=7)) == 1
    shown = "\n".join(texts(m) for m in posts(fake_slack)[before:])
    assert f"· {seats} people" in shown
    assert "Family (2+2)" in shown and "1 Children" not in shown and "1 Adults" not in shown


async def test_stopping_a_digest_or_reminders_is_said_in_the_channel(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    await command(bot, fake_slack, "digest 08:00", token="set")
    await command(bot, fake_slack, "remind 45m", token="set")
    before = len(posts(fake_slack))
    off = await command(bot, fake_slack, "digest off", token="off")
    assert "No more digest" in off["text"]
    [said] = posts(fake_slack)[before:]
    assert (
        f"<@{ADMIN}> stopped the digest here: :sunrise:" in said["text"] and "08:00" in said["text"]
    )
    assert "next:" not in said["text"]  # there is no next one

    fake_slack.stage("chat.postMessage", ok=False, error="not_in_channel")  # removed meanwhile
    off = await command(bot, fake_slack, "remind off", token="off")
    assert "No more reminders" in off["text"]  # stopped all the same
    assert await bot.store.timed_posts.reminders() == []
    await command(bot, fake_slack, "digest off", token="again")
    assert len(posts(fake_slack)) == before + 2  # nothing to stop: nothing said


async def test_stopping_reminders_names_them_in_the_channel(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    await command(bot, fake_slack, "remind 45m", token="set")
    before = len(posts(fake_slack))
    await command(bot, fake_slack, "remind off", token="off")
    [said] = posts(fake_slack)[before:]
    assert (
        f"<@{ADMIN}> stopped the reminders here: :alarm_clock:" in said["text"]
        and "45 min" in said["text"]
    )
