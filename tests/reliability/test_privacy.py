"""No customer email or phone number in any channel post or log line: relay cards and thread
lines, digests, reminders, shared cards — while lookups (ephemeral, for staff) may show them."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.jobs import digest, reminders
from bot.logs import quiet_libraries
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import command, office, settle

pytestmark = pytest.mark.asyncio


def contacts(sandbox: Sandbox) -> set[str]:
    found = set()
    for customer in sandbox.state.customers.values():
        found |= {v for v in (customer.email, customer.phone) if v and len(v) >= 6}
    return found


async def test_channel_posts_and_logs_carry_no_contact_details(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_libraries()  # as configure_logging does, at any LOG_LEVEL
    caplog.set_level(logging.DEBUG)
    secrets = contacts(sandbox)
    assert len(secrets) > 50
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, "digest 08:00 always", token="d")
    await command(bot, fake_slack, "remind 24h", token="r")
    upcoming = sorted(
        (
            b
            for b in sandbox.state.bookings.values()
            if not b.canceled and b.start > datetime.now(UTC) + timedelta(days=1)
        ),
        key=lambda b: b.start,
    )[:6]
    for booking in upcoming[:3]:
        await office(sandbox, f"/bookings/{booking.number}/payments", {"amount": "5.00"})
    for booking in upcoming[3:]:
        await office(sandbox, f"/bookings/{booking.number}/cancel", {"reason": "privacy test"})
    for _ in range(300):  # six cards in one channel are paced at about one a second
        if not (await bot.store.relay.backlog()).get("pending"):
            break
        await asyncio.sleep(0.1)
    await settle(bot)
    tomorrow = upcoming[0].start.astimezone(bot.deps.tz).replace(hour=8, minute=0)
    assert await digest.run(bot.jobs.deps, tomorrow) == 1
    assert await reminders.run(bot.jobs.deps, upcoming[0].start - timedelta(minutes=30)) >= 1
    # A card shared in the channel (the "Share in channel" button path) is a channel post too.
    await command(bot, fake_slack, f"find {upcoming[0].number}", token="f")

    channel_posts = [
        c
        for method in ("chat.postMessage", "chat.update")
        for c in fake_slack.of(method)
        if str(c.get("channel", "")).startswith("C")
    ]
    assert len(channel_posts) >= 8  # cards, thread lines, digest, reminders
    text = json.dumps(channel_posts, ensure_ascii=False)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == [], f"contact details in channel posts: {leaked[:5]}"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert sorted(s for s in secrets if s in logged) == []
