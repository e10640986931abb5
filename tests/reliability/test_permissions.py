"""Every write command and card button, tried by every role: allowed exactly where
DESIGN.md §5 says (create/cancel/edit: staff; payments: cashier; subscriptions, on-call,
roles, digests, reminders: admin), and every denial audited."""

from __future__ import annotations

import json
import uuid

import pytest

from bot.app import BotApp
from bot.permissions import Role
from bot.slack.ids import Action
from tests.conftest import ADMIN, CASHIER, STAFF, VIEWER
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import block_action, slash_command
from tests.slack.conftest import post

pytestmark = pytest.mark.asyncio
ROLES = {VIEWER: Role.VIEWER, STAFF: Role.STAFF, CASHIER: Role.CASHIER, ADMIN: Role.ADMIN}
RANK = [Role.VIEWER, Role.STAFF, Role.CASHIER, Role.ADMIN]
COMMANDS = {  # /bookeo text → the least role allowed
    "new": Role.STAFF,
    "edit 1001": Role.STAFF,
    "cancel 1001": Role.STAFF,
    "pay 1001": Role.CASHIER,
    "subscribe": Role.ADMIN,
    "unsubscribe": Role.ADMIN,
    "oncall <@U0ONCALL>": Role.ADMIN,
    "role <@U0SOMEONE> staff": Role.ADMIN,
    "digest 08:00": Role.ADMIN,
    "remind 30m": Role.ADMIN,
    "digest off": Role.ADMIN,
}
BUTTONS = {Action.EDIT: Role.STAFF, Action.CANCEL: Role.STAFF, Action.PAY: Role.CASHIER}
DENIED = ":lock: You need the"


def allowed(role: Role, least: Role) -> bool:
    return RANK.index(role) >= RANK.index(least)


async def test_every_write_command_by_every_role(
    bot: BotApp, fake_slack: FakeSlackAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    tried = 0
    for user, role in ROLES.items():
        for text, least in COMMANDS.items():
            token = uuid.uuid4().hex[:8]
            opened, updated = len(fake_slack.of("views.open")), len(fake_slack.of("views.update"))
            audited = len(await bot.store.audit_log())
            answer = await post(
                bot,
                slash_command(
                    text, user=user, channel="CPERM", response_url=fake_slack.response_url(token)
                ),
            )
            assert answer.status_code == 200
            await bot.deps.background.drain()
            # What the person saw: the reply, or the modal (which opens before the role check,
            # since a trigger_id lives 3 s, and then shows the form or why not).
            said = answer.text + json.dumps(fake_slack.responses.get(token, []))
            said += json.dumps(fake_slack.of("views.update")[updated:])
            entries = (await bot.store.audit_log())[audited:]
            if allowed(role, least):
                assert DENIED not in said, (text, role, said)
                # A form opened, or the write happened and was audited as done.
                assert len(fake_slack.of("views.open")) > opened or any(
                    e.outcome == "ok" and e.user_id == user for e in entries
                ), (text, role, said)
            else:
                assert DENIED in said, (text, role, said)
                assert [(e.user_id, e.outcome) for e in entries] == [(user, "denied")]
            tried += 1
    with capsys.disabled():
        print(f"\npermissions: {tried} commands tried ({len(COMMANDS)} × {len(ROLES)} roles)")


async def test_every_card_button_by_every_role(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    for user, role in ROLES.items():
        for action, least in BUTTONS.items():
            updated = len(fake_slack.of("views.update"))
            audited = len(await bot.store.audit_log())
            answer = await post(
                bot,
                block_action(
                    action,
                    "1001",
                    user=user,
                    channel="CPERM",
                    message_ts="1.000001",
                    ephemeral=False,
                ),
            )
            assert answer.status_code == 200
            await bot.deps.background.drain()
            entries = (await bot.store.audit_log())[audited:]
            shown = json.dumps(fake_slack.of("views.update")[updated:])
            assert shown != "[]", (action, role)  # the modal says something either way
            if allowed(role, least):
                assert DENIED not in shown, (action, role)
                assert entries == []  # nothing written until the modal is submitted
            else:
                assert DENIED in shown, (action, role)
                assert [(e.user_id, e.outcome) for e in entries] == [(user, "denied")]


async def test_the_customer_typeahead_shows_contacts_to_staff_only(bot: BotApp) -> None:
    """The create form's customer search answers with names and emails: a viewer who sends
    the suggestion request by hand (they cannot open the form) gets none, and it is audited."""
    from tests.fakes.slack_requests import SLACK

    def search(user: str) -> str:
        view = {"id": "V1", "type": "modal", "callback_id": "create", "private_metadata": ""}
        return SLACK.block_suggestion(
            view, user=user, action_id=Action.CREATE_CUSTOMER, block_id="customer", query="an"
        )

    staff = await post(bot, search(STAFF))
    viewer = await post(bot, search(VIEWER))
    assert staff.status_code == viewer.status_code == 200
    assert staff.json()["options"], "staff get matching customers"
    assert viewer.json()["options"] == []
    denials = [e for e in await bot.store.audit_log() if e.outcome == "denied"]
    assert [(e.user_id, e.action) for e in denials] == [(VIEWER, "see_contacts")]
