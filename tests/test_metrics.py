"""/metrics after real traffic: commands, ack latency, Bookeo calls, webhooks, relay."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import command, office, settle
from tests.slack.conftest import post

pytestmark = pytest.mark.asyncio


def value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} ([0-9.e+-]+)$", text, re.MULTILINE)
    assert match, f"{sample} not in /metrics"
    return float(match.group(1))


async def test_metrics_reflect_traffic(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, "1001", token="find")
    await post(bot, "garbage", {"content-type": "application/x-www-form-urlencoded"})  # unsigned
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.start > sandbox.state.now() and not e.sessions and sandbox.state.seats_available(e)
    )
    await office(
        sandbox,
        "/bookings",
        {
            "productId": event.product_id,
            "eventId": event.event_id,
            "customerId": next(iter(sandbox.state.customers)),
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
        },
    )
    await settle(bot)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert value(text, 'bookeo_bot_commands_total{command="subscribe",outcome="ok"}') == 1
    assert value(text, 'bookeo_bot_commands_total{command="find",outcome="ok"}') == 1
    # The unsigned request never reaches Slack's route: it is counted as refused instead.
    assert value(text, "bookeo_bot_ack_seconds_count") >= 2
    assert value(text, 'bookeo_bot_http_refused_total{status="401"}') == 1
    assert (
        value(text, 'bookeo_bot_bookeo_calls_total{endpoint="GET /bookings/{id}",status="200"}')
        >= 1
    )
    assert value(text, 'bookeo_bot_webhooks_total{result="accepted"}') >= 1
    assert value(text, "bookeo_bot_delivery_seconds_count") >= 1
    assert 'bookeo_bot_inbox{state="done"}' in text
    # Ids are folded into {id}: labels stay few and say nothing private. Only the labels are
    # read: a sample's value (a latency sum of 0.1001 s) may hold the same digits.
    labels = re.findall(r"^[a-z_]+\{([^}]*)\}", text, re.MULTILINE)
    assert labels, "no labelled samples in /metrics"
    assert not [label for label in labels if "1001" in label]
