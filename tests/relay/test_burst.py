"""A burst: 300 back-office changes at once, Slack allowing ~1 message/s per channel
(the fake answers 429 + Retry-After beyond that). Nothing lost, nothing posted twice, new
bookings folded into summaries, changes to one booking coalesced."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.sandbox.state import BACK_OFFICE_AGENT
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import command, in_channel

pytestmark = pytest.mark.asyncio


async def test_a_burst_is_delivered_once_and_paced(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    fake_slack.limit_posts_per_channel(1.0)
    state = sandbox.state
    customer = next(iter(state.customers))
    soonest = datetime.now(UTC) + timedelta(days=2)  # not urgent: no on-call pages in the way
    events = [
        e
        for e in sorted(state.events.values(), key=lambda e: e.start)
        if e.start > soonest and not e.sessions and state.seats_available(e) >= 2
    ]
    started = time.perf_counter()
    made: list[str] = []
    while len(made) < 150:  # 150 new bookings, spread over every slot with room
        for event in events:
            if len(made) < 150 and state.seats_available(event) >= 3:
                booking = state.create_booking(
                    {
                        "productId": event.product_id,
                        "eventId": event.event_id,
                        "customerId": customer,
                        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
                    },
                    agent=BACK_OFFICE_AGENT,
                    backend=True,
                )
                made.append(booking.number)
    for number in made[:50]:  # each changed twice in a row: the two should coalesce
        booking = state.bookings[number]
        for size in (2, 3):
            state.update_booking(
                number,
                {
                    "eventId": booking.event_id,
                    "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": size}]},
                },
                agent=BACK_OFFICE_AGENT,
                backend=True,
            )
    for number in made[50:100]:
        state.cancel_booking(number, agent=BACK_OFFICE_AGENT, reason="burst")
    sent_events = 150 + 100 + 50
    await sandbox.drain_webhooks()
    for _ in range(1200):
        backlog = await bot.store.relay.backlog()
        if backlog.get("pending", 0) == 0:
            break
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    backlog = await bot.store.relay.backlog()
    assert backlog.get("pending", 0) == 0 and backlog.get("dead", 0) == 0
    assert backlog.get("done", 0) >= sent_events  # every delivery was received and delivered

    top_level = in_channel(fake_slack, "chat.postMessage", thread=False)[
        1:
    ]  # after the confirmation
    shown = "\n".join(m.get("text", "") for m in top_level)
    for number in made:
        assert f"`{number}`" in shown or f"Booking {number}" in shown, (
            f"booking {number} never shown"
        )
    cards = [m for m in top_level if m.get("blocks")]
    numbers_in_cards = [re.search(r"Booking (\d+)", m["text"]).group(1) for m in cards]
    assert len(numbers_in_cards) == len(set(numbers_in_cards)), "a card was posted twice"
    summaries = [m["text"] for m in top_level if m.get("text", "").startswith(":inbox_tray:")]
    assert summaries, "nothing was folded"
    # A summary says what happened, and lists each booking change once: a booking appears
    # again only in a later summary, for a later change (not again as "new").
    listed = [line for text in summaries for line in text.splitlines()[1:]]
    assert len(listed) == len(set(listed)), "a change was listed twice"
    news = [re.match(r"• `(\d+)`", line).group(1) for line in listed if "new booking" in line]
    assert len(news) == len(set(news)), "a booking was listed as new twice"
    for number in made[50:100]:  # its later changes are named as what they are
        assert not any(f"`{number}`" in line and line.endswith("— new booking") for line in listed)
    assert any("canceled" in text.splitlines()[0] for text in summaries)
    for number in made[50:100]:  # created and canceled within the burst: shown as canceled
        assert re.search(rf"`{number}`[^\n]*canceled|Booking {number}[^\n]*canceled", shown)
    posted = len(in_channel(fake_slack, "chat.postMessage"))
    assert posted < sent_events  # folding and coalescing sent fewer messages than events
    print(  # noqa: T201 - the burst figures, for whoever reads the test output
        f"\nburst: {sent_events} events → {posted} messages, {len(in_channel(fake_slack, 'chat.update'))} "
        f"updates, {fake_slack.rate_limited} × 429, converged in {elapsed:.1f}s"
    )
