"""Names typed the way people type them at a desk: without the apostrophe or the hyphen."""

from __future__ import annotations

import pytest

from bot.app import BotApp
from bot.lookup import name_matches
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SLACK
from tests.slack.conftest import STAFF, post
from tests.slack.test_commands import run


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("obrien", "Aoife O'Brien"),
        ("OBrien", "Aoife O'Brien"),
        ("o brien", "Aoife O’Brien"),
        ("aoife obrien", "Aoife O'Brien"),
        ("smithjones", "Ana Smith-Jones"),
        ("smith jones", "Ana Smith-Jones"),
        ("Smith-Jones", "Ana Smith Jones"),
        ("muller", "Jonas Müller"),
        ("ZOE", "Zoë Kim"),
    ],
)
def test_a_name_matches_without_punctuation_spaces_accents_or_case(typed: str, name: str) -> None:
    assert name_matches(typed, name)


@pytest.mark.parametrize(("typed", "name"), [("obrian", "Aoife O'Brien"), ("'", "Aoife O'Brien")])
def test_other_names_do_not_match(typed: str, name: str) -> None:
    assert not name_matches(typed, name)


def obriens(sandbox: Sandbox) -> set[str]:
    return {c.id for c in sandbox.state.customers.values() if c.last_name == "O'Brien"}


@pytest.mark.asyncio
async def test_find_obrien_finds_the_obriens(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    assert obriens(sandbox), "the seed has O'Briens"
    await bot.indexer.refresh()
    for typed in ("obrien", "OBrien", "o brien"):
        [reply] = await run(bot, fake_slack, f"find {typed}", token=typed.replace(" ", "_"))
        assert "O'Brien" in str(reply) and "No booking matches" not in str(reply), typed


@pytest.mark.asyncio
async def test_the_customer_typeahead_finds_obrien(bot: BotApp, sandbox: Sandbox) -> None:
    await bot.indexer.refresh()
    view = {"id": "V1", "type": "modal", "callback_id": "booking_create_modal"}
    asked = SLACK.block_suggestion(
        view, user=STAFF, action_id=Action.CREATE_CUSTOMER, block_id=B.CUSTOMER, query="obrien"
    )
    answer = await post(bot, asked)
    assert answer.status_code == 200
    assert {o["value"] for o in answer.json()["options"]} >= obriens(sandbox)
