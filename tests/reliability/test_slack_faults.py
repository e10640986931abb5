"""Slack failing while booking changes flow to channels: 429 storms, 5xx, timeouts and
`ok: false` errors. Nothing is lost, no card is posted twice (even when Slack posted it and
only the answer was lost), retries are bounded, and admins hear about a permanent error once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from tests.conftest import ADMIN
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import book, command, in_channel, next_event, office

pytestmark = pytest.mark.asyncio


async def book_in(sandbox: Sandbox, hours: int) -> str:
    """A new booking, made in Bookeo's back office, on a tour at least `hours` from now."""
    event = next_event(
        sandbox, "Harbour Walking Tour", after=datetime.now(UTC) + timedelta(hours=hours), seats=1
    )
    return await book(sandbox, event)


def card_posts(slack: FakeSlackAPI) -> list[dict[str, Any]]:
    """Every try to post a booking card in the channel, refused or not."""
    return [
        call
        for call in in_channel(slack, "chat.postMessage", thread=False)
        if (call.get("metadata") or {}).get("event_type") == "bookeo_booking_card"
    ]


def cards(slack: FakeSlackAPI) -> Counter[str]:
    """Booking number → how many cards Slack holds for it in the channel."""
    held: Counter[str] = Counter()
    for call in card_posts(slack):
        if call.get("ts_assigned"):
            held[str(call["text"]).split("Booking ", 1)[-1].split(" ", 1)[0]] += 1
    return held


async def until(condition: Any, *, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.05)


async def delivered(bot: BotApp) -> bool:
    backlog = await bot.store.relay.backlog()
    return backlog.get("pending", 0) == 0 and backlog.get("dead", 0) == 0


async def test_a_429_storm_is_waited_out_with_nothing_lost_or_doubled(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    await command(bot, fake_slack, "subscribe")
    storm = 8
    fake_slack.stage(
        "chat.postMessage",
        status=429,
        headers={"Retry-After": "0"},
        times=storm,
        ok=False,
        error="ratelimited",
    )
    numbers = [await book_in(sandbox, hours) for hours in (3, 30, 54)]
    await until(lambda: delivered(bot))
    await until(lambda: asyncio.sleep(0, set(numbers) <= set(cards(fake_slack))))
    assert cards(fake_slack) == Counter(dict.fromkeys(numbers, 1))
    posts = card_posts(fake_slack)
    refused = [p for p in posts if not p.get("ts_assigned")]
    assert len(refused) == storm  # every refusal was answered by waiting, then resending
    assert len(posts) == storm + len(numbers)  # and nothing was sent beyond that
    with capsys.disabled():
        print(f"\nslack faults: 429 storm of {storm}: {len(numbers)} cards, once each")


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "took_effect": True, "ok": False, "error": "internal_error"},
        {"status": 503, "took_effect": False, "ok": False, "error": "service_unavailable"},
        {"status": 200, "took_effect": True, "delay": 1.0},  # answered after the client gave up
        {"status": 200, "took_effect": False, "ok": False, "error": "fatal_error"},
    ],
    ids=["500 after posting", "503 before posting", "timeout after posting", "ok:false fatal"],
)
async def test_a_card_whose_answer_is_lost_is_found_not_posted_twice(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, fault: dict[str, Any]
) -> None:
    await command(bot, fake_slack, "subscribe")
    bot.bolt.client.timeout = 0.5  # seconds; the fake answers the timed-out post after 1 s
    fake_slack.stage("chat.postMessage", **fault)
    number = await book_in(sandbox, 3)
    await until(lambda: delivered(bot))
    await until(lambda: asyncio.sleep(0, number in cards(fake_slack)))
    assert cards(fake_slack)[number] == 1
    # Its later changes update that one card.
    [card] = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if c.get("ts_assigned") and f"Booking {number}" in c["text"]
    ]
    await office(sandbox, f"/bookings/{number}/cancel", {})
    await until(lambda: delivered(bot))
    await until(
        lambda: asyncio.sleep(
            0, any(number in u["text"] for u in in_channel(fake_slack, "chat.update"))
        )
    )
    updates = [u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]
    assert {u["ts"] for u in updates} == {card["ts_assigned"]}
    assert cards(fake_slack)[number] == 1
    # Bounded: one post and, at most, one resend by the relay (slack_sdk resends no posts).
    assert len(card_posts(fake_slack)) <= 2


@pytest.mark.parametrize("code", ["channel_not_found", "is_archived", "not_in_channel"])
async def test_a_permanent_error_pauses_the_channel_and_admins_hear_once(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, code: str
) -> None:
    await command(bot, fake_slack, "subscribe")
    fake_slack.stage("chat.postMessage", ok=False, error=code, times=10)
    for hours in (3, 30, 54):
        await book_in(sandbox, hours)
        await until(lambda: delivered(bot))
    [sub] = await bot.store.relay.subscriptions()
    assert sub.paused_reason == code
    told = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == ADMIN]
    assert len(told) == 1 and code in told[0]["text"] and "paused" in told[0]["text"]
    # Paused: no more posts tried there, and nothing stuck in the inbox.
    assert len(card_posts(fake_slack)) == 1


def lines_of(slack: FakeSlackAPI, number: str) -> list[dict[str, Any]]:
    """The thread lines Slack holds about `number`'s change (posted, whatever it answered)."""
    return [
        c
        for c in in_channel(slack, "chat.postMessage", thread=True)
        if c.get("ts_assigned") and "urgent" not in c.get("text", "")
    ]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "took_effect": True, "ok": False, "error": "internal_error"},
        {"status": 200, "took_effect": True, "delay": 1.0},  # answered after the client gave up
        {"status": 503, "took_effect": False, "ok": False, "error": "service_unavailable"},
    ],
    ids=["500 after posting", "timeout after posting", "503 before posting"],
)
async def test_a_thread_line_whose_answer_is_lost_is_found_not_posted_twice(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, fault: dict[str, Any]
) -> None:
    await command(bot, fake_slack, "subscribe")
    number = await book_in(sandbox, 30)
    await until(lambda: delivered(bot))
    await until(lambda: asyncio.sleep(0, number in cards(fake_slack)))
    bot.bolt.client.timeout = 0.5  # seconds; the fake answers the timed-out post after 1 s
    fake_slack.stage("chat.postMessage", **fault)  # the next post: the cancellation's line
    await office(sandbox, f"/bookings/{number}/cancel", {})
    await until(lambda: delivered(bot))
    await until(lambda: asyncio.sleep(0, len(lines_of(fake_slack, number)) >= 1))
    await asyncio.sleep(0.5)  # a second post, if one were coming
    lines = lines_of(fake_slack, number)
    assert len(lines) == 1, [c["text"] for c in lines]
    assert lines[0]["text"].startswith(":no_entry: Canceled")
    assert lines[0]["metadata"]["event_type"] == "bookeo_booking_line"


async def test_nothing_is_posted_while_the_store_cannot_record_it(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    """SQLite's disk full (every write refused but the inbox's, which Bookeo's deliveries
    already made): no summary goes out that cannot be recorded, the worker backs off instead
    of retrying 30 times in 30 s, and once the store writes again each booking is told once."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    await command(bot, fake_slack, "subscribe")
    refused: list[str] = []

    def disk_full(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = statement.lstrip().upper()
        if words.startswith(("UPDATE", "DELETE")) or (
            words.startswith("INSERT") and not words.startswith("INSERT INTO INBOX")
        ):
            refused.append(words[:30])
            raise OperationalError(statement, {}, Exception("database or disk is full"))

    engine = bot.store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", disk_full)
    posted_before = len(in_channel(fake_slack, "chat.postMessage"))
    try:
        numbers = [await book_in(sandbox, 30 + 24 * day) for day in range(8)]
        await sandbox.drain_webhooks()
        await asyncio.sleep(4.0)
        assert len(in_channel(fake_slack, "chat.postMessage")) == posted_before
        assert 0 < len(refused) <= 6  # backing off: a few tries in 4 s, not one a pass
    finally:
        event.remove(engine, "before_cursor_execute", disk_full)
    bot.delivery.wake()
    await until(lambda: delivered(bot), within=90)
    top = in_channel(fake_slack, "chat.postMessage", thread=False)[posted_before:]
    shown = "\n".join(c.get("text", "") for c in top)
    for number in numbers:
        assert shown.count(f"`{number}`") + shown.count(f"Booking {number}") == 1, shown
