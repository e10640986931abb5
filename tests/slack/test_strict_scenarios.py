"""What the strict fake Slack caught, end to end through /slack/events: each of these was
refused by Slack's limits (or answered wrongly) before its fix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.app import BotApp, build_app
from bot.config import Settings
from bot.permissions import Role
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET, SLACK, TEAM, number, select, slash_command
from tests.fakes.slack_requests import text_input as typed
from tests.slack.conftest import ADMIN, STAFF, post, texts
from tests.slack.test_modals import command_modal, submit, upcoming_booking

pytestmark = pytest.mark.asyncio


async def test_roles_held_by_130_people_are_all_listed(
    bot: BotApp, fake_slack: FakeSlackAPI
) -> None:
    now = bot.deps.clock.now()
    people = [f"U{i:010d}" for i in range(130)]  # Slack ids: U + 10
    for user in people:
        await bot.store.set_role(TEAM, user, Role.VIEWER, granted_by=ADMIN, at=now)
    await post(bot, slash_command("roles", user=ADMIN, response_url=fake_slack.response_url()))
    [answer] = await fake_slack.wait_for("respond:cmd")
    assert all(f"<@{user}>" in texts(answer) for user in people)
    assert fake_slack.refused == []  # a section of 3,000+ characters was refused before


async def test_the_product_select_searches_products_as_you_type(bot: BotApp) -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "booking_create_modal"}
    products = [p for p in await bot.deps.catalog.products() if p.api_bookings_allowed]
    wanted = products[-1]
    asked = SLACK.block_suggestion(
        view, user=STAFF, action_id=Action.CREATE_PRODUCT, block_id=B.PRODUCT, query=wanted.name
    )
    answer = await post(bot, asked)
    assert answer.status_code == 200
    assert wanted.product_id in [o["value"] for o in answer.json()["options"]]


class Later:
    """The bot's clock, some minutes after a booking's slot started (Bookeo's stays real)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
async def started(
    fake_slack: FakeSlackAPI, sandbox: Sandbox, database_url: str
) -> AsyncIterator[tuple[BotApp, object]]:
    booking = upcoming_booking(sandbox)
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=database_url,
        business_timezone="Australia/Sydney",
        bot_admins=ADMIN,
    )
    app = build_app(settings, sandbox=sandbox, clock=Later(booking.start + timedelta(minutes=1)))
    app.asgi = fake_slack.watch(app.asgi)  # type: ignore[assignment]
    await app.start()
    await app.deps.background.drain()
    await app.store.set_role(TEAM, STAFF, Role.STAFF, granted_by=ADMIN, at=app.deps.clock.now())
    yield app, booking
    await app.stop()


async def test_notes_save_on_a_booking_whose_slot_has_started(
    started: tuple[BotApp, object], fake_slack: FakeSlackAPI
) -> None:
    bot, booking = started
    view = await command_modal(bot, fake_slack, f"edit {booking.number}", user=STAFF)
    people = {f"{B.PEOPLE_PREFIX}{c}": number(n) for c, n in booking.numbers.items()}
    values = {B.SLOT: select(f"e:{booking.event_id}"), **people, B.NOTES: typed("Late, VIP")}
    ack = await submit(bot, view, values, user=STAFF)
    assert ack.get("response_action") == "update", ack  # not "That time has already started."
    await fake_slack.wait_for("views.update", 2)
    assert await bot.store.note(booking.number) == "Late, VIP"
