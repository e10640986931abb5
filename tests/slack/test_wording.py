"""Words a front desk reads, not Bookeo's codes: a booking's source, and no price before
there is a party to price."""

from __future__ import annotations

import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import date_value, dispatch_action, number, select
from tests.slack.conftest import STAFF, post, texts
from tests.slack.test_commands import run
from tests.slack.test_modals import command_modal, shown

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    ("code", "words"), [("backend", "Back office"), ("website", "Website"), ("phone", "Phone")]
)
async def test_a_card_names_where_the_booking_came_from_in_words(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, code: str, words: str
) -> None:
    booking = next(b for b in sandbox.state.bookings.values() if b.source == code)
    [card] = await run(bot, fake_slack, booking.number)
    assert f"*Source*\\n{words}" in texts(card)
    assert f"\\n{code}" not in texts(card)


async def test_an_unknown_source_code_is_spelled_out(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    booking = next(b for b in sandbox.state.bookings.values() if not b.canceled)
    booking.source = "partnerPortal"
    [card] = await run(bot, fake_slack, booking.number)
    assert "*Source*\\nPartner portal" in texts(card) and "partnerPortal" not in texts(card)


async def test_the_new_booking_form_shows_no_price_before_a_party(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    form = await command_modal(bot, fake_slack, "new walking", user=STAFF)
    assert "Price:" not in texts(form)  # a product, no party yet: nothing to price
    walking = next(p for p in sandbox.state.products.values() if p.name == "Harbour Walking Tour")
    day = next(b for b in form["blocks"] if b.get("block_id") == B.DATE)["element"]["initial_date"]
    values = {
        B.PRODUCT: select(walking.product_id),
        B.DATE: date_value(day),
        f"{B.PEOPLE_PREFIX}Cadults": number(2),
    }
    body = dispatch_action(form, values, user=STAFF, action_id=Action.CREATE_PEOPLE)
    assert (await post(bot, body)).status_code == 200
    priced = await shown(fake_slack, 2)
    assert "Price: *" in texts(priced) and "USD" in texts(priced)
