"""A card shared with "Share in channel" stays current: every later change of its booking,
wherever it is made, updates it in place and adds one thread line, as a subscription's card
does — whatever the channel's subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, checkboxes, text_input
from tests.relay.test_relay import CHANNEL, book, command, in_channel, next_event, office, settle
from tests.slack.conftest import post, texts
from tests.slack.test_modals import shown, submit

pytestmark = pytest.mark.asyncio


async def share(bot: BotApp, slack: FakeSlackAPI, number: str, *, user: str = STAFF) -> None:
    body = block_action(
        Action.SHARE, number, user=user, channel=CHANNEL, response_url=slack.response_url("share")
    )
    assert (await post(bot, body)).status_code == 200
    await bot.deps.background.drain()


def cards_of(slack: FakeSlackAPI, number: str) -> list[dict]:
    """The top-level messages in the channel that are the booking's card."""
    return [
        c
        for c in in_channel(slack, "chat.postMessage", thread=False)
        if f"Booking {number}" in texts(c.get("blocks") or [])
    ]


def replies(slack: FakeSlackAPI, ts: str) -> list[str]:
    return [
        c["text"]
        for c in in_channel(slack, "chat.postMessage", thread=True)
        if c["thread_ts"] == ts
    ]


def updates(slack: FakeSlackAPI, ts: str) -> list[dict]:
    return [c for c in in_channel(slack, "chat.update") if c["ts"] == ts]


async def a_booking(bot: BotApp, sandbox: Sandbox) -> str:
    """A booking made in the back office, a few days ahead, that no channel has a card of."""
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(days=3), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    return number


async def test_a_shared_card_is_updated_by_every_later_change_with_one_line_each(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    number = await a_booking(bot, sandbox)
    await share(bot, fake_slack, number)
    [card] = cards_of(fake_slack, number)
    ts = card["ts_assigned"]
    assert f"Shared by <@{STAFF}>" in texts(card["blocks"])

    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "10.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    [paid] = updates(fake_slack, ts)
    assert "10.00" in texts(paid["blocks"]) and f"Shared by <@{STAFF}>" in texts(paid["blocks"])
    [line] = replies(fake_slack, ts)
    assert "Paid 10.00 USD" in line

    await office(sandbox, f"/bookings/{number}/cancel", {"reason": "Storm"})
    await settle(bot)
    assert len(updates(fake_slack, ts)) == 2 and "Canceled" in texts(updates(fake_slack, ts)[-1])
    assert len(replies(fake_slack, ts)) == 2 and "Canceled" in replies(fake_slack, ts)[-1]
    assert cards_of(fake_slack, number) == [card]  # kept in place: no second card
    assert fake_slack.responses["share"] == []


async def test_sharing_twice_in_a_channel_refreshes_the_one_card_and_points_to_it(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    number = await a_booking(bot, sandbox)
    await share(bot, fake_slack, number, user=STAFF)
    await share(bot, fake_slack, number, user=ADMIN)
    [card] = cards_of(fake_slack, number)
    ts = card["ts_assigned"]
    [refreshed] = updates(fake_slack, ts)
    assert f"Shared by <@{ADMIN}>" in texts(refreshed["blocks"])
    [again] = in_channel(fake_slack, "chat.postMessage", thread=True)
    assert again["thread_ts"] == ts and again["reply_broadcast"] is True
    assert f"Shared again by <@{ADMIN}>" in again["text"]

    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "5.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    assert len(updates(fake_slack, ts)) == 2 and len(cards_of(fake_slack, number)) == 1
    assert [line for line in replies(fake_slack, ts) if "Paid 5.00 USD" in line] != []
    assert len(replies(fake_slack, ts)) == 2  # "shared again", then one line for the payment


async def test_sharing_a_card_a_subscription_keeps_there_posts_no_second_one(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    number = await a_booking(bot, sandbox)
    [card] = cards_of(fake_slack, number)
    await share(bot, fake_slack, number)
    assert cards_of(fake_slack, number) == [card]
    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "5.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    paid = [line for line in replies(fake_slack, card["ts_assigned"]) if "Paid" in line]
    assert len(paid) == 1  # one line, though the channel both subscribes and shared it


async def test_a_deleted_shared_card_is_forgotten_not_retried(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    number = await a_booking(bot, sandbox)
    await share(bot, fake_slack, number)
    assert await bot.store.relay.card(number, CHANNEL) is not None  # kept, until Slack says not
    fake_slack.stage("chat.update", ok=False, error="message_not_found")
    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "5.00", "paymentMethod": "cash"}
    )
    await settle(bot)  # delivered (not left to retry), and nothing posted in its place
    assert await bot.store.relay.card(number, CHANNEL) is None
    assert len(cards_of(fake_slack, number)) == 1
    assert (await bot.store.relay.backlog()).get("dead", 0) == 0


async def test_a_cancel_from_the_shared_cards_own_button_adds_one_line(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    number = await a_booking(bot, sandbox)
    await share(bot, fake_slack, number)
    [card] = cards_of(fake_slack, number)
    ts = card["ts_assigned"]
    button = block_action(
        Action.CANCEL, number, user=STAFF, channel=CHANNEL, message_ts=ts, ephemeral=False
    )
    assert (await post(bot, button)).status_code == 200
    view = await shown(fake_slack, 1)
    await submit(
        bot, view, {B.REASON: text_input("guide sick"), B.NOTIFY: checkboxes()}, user=STAFF
    )
    await shown(fake_slack, 2)
    await bot.deps.background.drain()
    await sandbox.drain_webhooks()
    await settle(bot)
    assert updates(fake_slack, ts) and "Canceled" in texts(updates(fake_slack, ts)[-1]["blocks"])
    assert f"Shared by <@{STAFF}>" in texts(updates(fake_slack, ts)[-1]["blocks"])
    [line] = replies(fake_slack, ts)  # the button's change, told once (by the relay)
    assert "guide sick" in line and f"<@{STAFF}>" in line


async def test_a_shared_channel_is_told_of_every_change_with_no_subscription_there() -> None:
    """The planner, pure: a payment no subscription routes still refreshes the shared card
    (which says who shared it), once per channel."""
    from bot.bookeo.models import Booking as Model
    from bot.relay.plan import plan_booking
    from tests.unit.test_delivery_plan import NOW, TZ, facts_of, item, price, state

    old, new = state(price=price(paid="0.00")), state(price=price(paid="50.00"))
    plan = plan_booking(
        "B1",
        [item(new)],
        Model.model_validate(new),
        old=facts_of(old),
        subscriptions=[],
        categories={"Cadults": "Adults"},
        now=NOW,
        tz=TZ,
        locale="en_US",
        shared={"CSHARED": "U9"},
    )
    assert [(p.channel, p.shared_by) for p in plan.posts()] == [("CSHARED", "U9")]
    assert plan.card is not None and plan.channels() == ["CSHARED"]
    assert "Shared by <@U9>" in texts(plan.card.shared("U9").blocks)
