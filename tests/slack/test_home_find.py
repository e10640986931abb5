"""App Home's Find booking modal pages its matches as `/bookeo find` does: today's and the
nearest first, ten at a time, "N more", and Show more putting the next page in the modal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, text_input
from tests.slack.conftest import STAFF, post, texts
from tests.slack.test_commands import _busiest_customer, _numbers_shown
from tests.slack.test_modals import shown, submit

pytestmark = pytest.mark.asyncio


def more_button(view: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (
            e
            for b in view["blocks"]
            if (e := b.get("accessory")) and e.get("action_id") == Action.MORE
        ),
        None,
    )


async def find_from_home(bot: BotApp, slack: FakeSlackAPI, query: str) -> dict[str, Any]:
    await post(bot, block_action(Action.HOME_FIND, "", user=STAFF))
    [opened] = await slack.wait_for("views.open")
    view = dict(opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"]))
    view["id"] = "VFIND"
    await submit(bot, view, {B.QUERY: text_input(query)}, user=STAFF)
    return await shown(slack, 1)


async def test_the_home_find_modal_shows_every_match_page_by_page(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    customer_id = _busiest_customer(sandbox)
    theirs = {b.number for b in sandbox.state.bookings.values() if b.customer_id == customer_id}
    page = await find_from_home(bot, fake_slack, sandbox.state.customers[customer_id].email)
    assert len(theirs) > 10  # more than one page
    assert f"{len(theirs)} bookings match" in texts(page)
    assert f"{len(theirs) - 10} more booking" in texts(page)
    seen = _numbers_shown(page)
    assert len(seen) == 10
    while (button := more_button(page)) is not None:
        updates = len(fake_slack.of("views.update"))
        pressed = block_action(Action.MORE, button["value"], user=STAFF, view=page)
        assert (await post(bot, pressed)).status_code == 200
        page = await shown(fake_slack, updates + 1)
        assert page["id"] == "VFIND"  # in the modal's place, not a new one
        seen += _numbers_shown(page)
    assert len(seen) == len(set(seen))  # no booking twice
    assert set(seen) == theirs  # and none left out; the last page has no Show more
    assert "more booking" not in texts(page)


async def test_show_in_the_home_find_modal_opens_the_booking_over_the_list(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    customer_id = _busiest_customer(sandbox)
    page = await find_from_home(bot, fake_slack, sandbox.state.customers[customer_id].email)
    number = _numbers_shown(page)[0]
    updates = len(fake_slack.of("views.update"))
    assert (
        await post(bot, block_action(Action.SHOW, number, user=STAFF, view=page))
    ).status_code == 200
    [pushed] = await fake_slack.wait_for("views.push")
    assert "Loading from Bookeo" in texts(pushed["view"])
    card = await shown(fake_slack, updates + 1)
    assert f"Booking {number}" in texts(card) and "booking_edit" not in texts(card)
    assert fake_slack.of("chat.postMessage") == []  # nothing said elsewhere
