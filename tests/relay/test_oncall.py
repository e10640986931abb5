"""On-call: urgent changes page the on-call person; an ack stops escalation; no ack escalates
once after the delay (run with a fixed `now`, not by waiting)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.relay.notify import AdminNotifier
from bot.relay.oncall import escalate
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action
from tests.relay.test_relay import CHANNEL, book, command, in_channel, settle
from tests.slack.conftest import post

pytestmark = pytest.mark.asyncio


def event_starting(sandbox: Sandbox, *, within: timedelta, beyond: timedelta = timedelta(0)):
    now = datetime.now(UTC)
    return next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if now + beyond < e.start < now + within
        and sandbox.state.seats_available(e) >= 1
        and not sandbox.state.events[e.event_id].sessions
    )


async def test_who_is_on_call(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    nobody = await command(bot, fake_slack, "oncall", user=STAFF, token="who1")
    assert "Nobody is on call" in nobody["text"]
    denied = await command(bot, fake_slack, f"oncall <@{STAFF}|s>", user=STAFF, token="deny")
    assert "admin" in denied["text"]
    await command(bot, fake_slack, "oncall <!subteam^S0FRONT|@frontdesk>", token="grp")
    shown = await command(bot, fake_slack, "oncall", user=STAFF, token="who2")
    assert "<!subteam^S0FRONT>" in shown["text"]


async def test_urgent_pages_and_an_ack_stops_escalation(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    later = await book(
        sandbox, event_starting(sandbox, within=timedelta(days=9), beyond=timedelta(days=3))
    )
    await settle(bot)
    assert not [
        c for c in in_channel(fake_slack, "chat.postMessage") if "urgent —" in c.get("text", "")
    ]
    soon = await book(
        sandbox, event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    )
    await settle(bot)
    [mention] = [
        c for c in in_channel(fake_slack, "chat.postMessage") if "urgent —" in c.get("text", "")
    ]
    assert f"<@{STAFF}>" in mention["text"] and mention["thread_ts"]
    [dm] = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == STAFF]
    button = dm["blocks"][1]["elements"][0]
    assert button["action_id"] == Action.ONCALL_ACK and soon in json.dumps(dm)
    assert later not in json.dumps(dm)

    await post(
        bot,
        block_action(
            Action.ONCALL_ACK,
            button["value"],
            user=STAFF,
            channel="D1",
            response_url=fake_slack.response_url("dm"),
        ),
    )
    [reply] = await fake_slack.wait_for("respond:dm")
    assert "You acknowledged booking" in reply["text"]
    acked = [
        c
        for c in in_channel(fake_slack, "chat.postMessage")
        if "Acknowledged by" in c.get("text", "")
    ]
    assert len(acked) == 1 and acked[0]["thread_ts"] == mention["thread_ts"]
    later_now = datetime.now(UTC) + timedelta(hours=1)
    assert (
        await escalate(
            store=bot.store,
            slack=bot.bolt.client,
            notifier=AdminNotifier(bot.bolt.client, (ADMIN,)),
            now=later_now,
        )
        == []
    )


async def test_no_ack_escalates_once_after_the_delay(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    number = await book(
        sandbox, event_starting(sandbox, within=timedelta(hours=23), beyond=timedelta(hours=1))
    )
    await settle(bot)
    opened = datetime.now(UTC)
    run = {
        "store": bot.store,
        "slack": bot.bolt.client,
        "notifier": AdminNotifier(bot.bolt.client, (ADMIN,)),
    }
    assert await escalate(**run, now=opened + timedelta(minutes=9)) == []
    [page] = await escalate(**run, now=opened + timedelta(minutes=11))
    assert page.booking_number == number
    repeated = [
        c
        for c in in_channel(fake_slack, "chat.postMessage")
        if "Still not acknowledged" in c.get("text", "")
    ]
    assert (
        len(repeated) == 1
        and repeated[0]["reply_broadcast"] is True
        and f"<@{STAFF}>" in repeated[0]["text"]
    )
    admin_dms = [
        c
        for c in fake_slack.of("chat.postMessage")
        if c.get("channel") == ADMIN and "Still not acknowledged" in c["text"]
    ]
    assert len(admin_dms) == 1
    assert await escalate(**run, now=opened + timedelta(minutes=30)) == []  # once
    assert CHANNEL in repeated[0]["channel"]


@pytest.mark.parametrize(
    ("option", "days_ahead", "paged"),
    [("urgent:off", 0.5, False), ("urgent:72h", 2, True), ("", 2, False)],
)
async def test_urgency_is_set_per_subscription(
    bot: BotApp,
    fake_slack: FakeSlackAPI,
    sandbox: Sandbox,
    option: str,
    days_ahead: float,
    paged: bool,
) -> None:
    await command(bot, fake_slack, f"subscribe {option}".strip())
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="set")
    ahead = timedelta(days=days_ahead)
    await book(
        sandbox,
        event_starting(
            sandbox, within=ahead + timedelta(hours=12), beyond=ahead - timedelta(hours=10)
        ),
    )
    await settle(bot)
    mentions = [
        c for c in in_channel(fake_slack, "chat.postMessage") if "urgent —" in c.get("text", "")
    ]
    assert bool(mentions) is paged
    if paged:
        assert "within 72 hours" in mentions[0]["text"]
