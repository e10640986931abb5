"""The form filler against a stand-in bot: what it sends (Slack's full view state), what it
asks again after an error, and what it refuses as Slack's client would."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx

from bot.shell.console import Console
from bot.shell.forms import FormFiller
from bot.shell.screen import Screen
from bot.shell.slack_requests import SlackRequests

Reply = Callable[[dict[str, Any]], dict[str, Any] | None]


class Bot:
    """Answers each request with `reply(payload)`; keeps every payload it was sent."""

    def __init__(self, reply: Reply) -> None:
        self.slack = SlackRequests(secret="s", team="T", app_id="A")
        self.reply = reply
        self.sent: list[dict[str, Any]] = []

    async def post(self, body: str) -> httpx.Response:
        payload = json.loads(parse_qs(body)["payload"][0])
        self.sent.append(payload)
        answer = self.reply(payload)
        return httpx.Response(200, json=answer) if answer else httpx.Response(200)

    async def settle(self) -> None:
        return None

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [p for p in self.sent if p["type"] == kind]


def text(block_id: str, label: str, **element: Any) -> dict[str, Any]:
    optional = element.pop("optional", True)
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": "value", **element},
    }


def number(
    block_id: str, label: str, initial: str | None = None, *, dispatch: bool = False
) -> dict[str, Any]:
    block = text(block_id, label) | {"dispatch_action": dispatch}
    block["element"] |= {"type": "number_input", "is_decimal_allowed": False}
    block["element"] |= {"min_value": "0", "max_value": "99"}
    if initial is not None:
        block["element"]["initial_value"] = initial
    return block


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


NOTIFY = {
    "type": "input",
    "block_id": "notify",
    "optional": True,
    "label": {"type": "plain_text", "text": "Notify"},
    "element": {
        "type": "checkboxes",
        "action_id": "value",
        "options": [option("notify") | {"text": {"type": "plain_text", "text": "Email them"}}],
        "initial_options": [
            option("notify") | {"text": {"type": "plain_text", "text": "Email them"}}
        ],
    },
}


async def fill(view: dict[str, Any], answers: list[str], reply: Reply) -> tuple[Bot, str]:
    lines = iter(answers)

    async def ask(prompt: str) -> str | None:
        return next(lines, None)

    out = io.StringIO()
    console = Console(out=out, ask=ask, echo=True)
    screen = Screen(console, response_url=lambda t: f"u/{t}")
    screen.view = view
    bot = Bot(reply)
    await FormFiller(console, screen, bot).fill_open_form()  # type: ignore[arg-type]
    return bot, out.getvalue()


def values(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        block: next(iter(entry.values()))
        for block, entry in payload["view"]["state"]["values"].items()
    }


async def test_a_reload_sends_the_date_the_bot_chose_and_every_other_input() -> None:
    view = {
        "id": "V1",
        "blocks": [
            {
                "type": "input",
                "block_id": "product",
                "dispatch_action": True,
                "label": {"type": "plain_text", "text": "Product"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [option("kayak"), option("walk")],
                    "initial_option": option("kayak"),
                },
            },
            {
                "type": "input",
                "block_id": "date",
                "label": {"type": "plain_text", "text": "Date"},
                "element": {
                    "type": "datepicker",
                    "action_id": "day",
                    "initial_date": "2026-12-09",
                },
            },
            number("people_a", "Adults", "2", dispatch=True),
            number("people_c", "Children", "2"),
        ],
    }
    bot, _ = await fill(view, ["", "", "3", "", ""], lambda _p: None)
    first, second = bot.of("block_actions")
    assert values(first)["date"]["selected_date"] == "2026-12-09"  # not today's
    # Adults changed to 3: the children's 2 go with it, as in Slack (the price stays right).
    assert values(second)["people_a"]["value"] == "3"
    assert values(second)["people_c"]["value"] == "2"
    [submitted] = bot.of("view_submission")
    assert values(submitted)["people_c"]["value"] == "2"


async def test_an_error_asks_again_only_what_it_names_and_keeps_the_rest() -> None:
    view = {
        "id": "V1",
        "blocks": [
            text("reason", "Reason"),
            number("people_a", "Adults", "1"),
            NOTIFY,
        ],
    }

    submissions: list[dict[str, Any]] = []

    def reply(payload: dict[str, Any]) -> dict[str, Any] | None:
        submissions.append(payload)
        if len(submissions) == 1:
            return {"response_action": "errors", "errors": {"people_a": "Too many people."}}
        return None

    bot, out = await fill(view, ["Storm", "5", "n", "4"], reply)
    assert "✗ Adults: Too many people." in out
    assert "Adults (optional) [5]: 4" in out  # asked again, with what was given as the default
    assert out.count("Reason") == 1 and out.count("Email them?") == 1  # not asked again
    _first, second = bot.of("view_submission")
    assert values(second)["reason"]["value"] == "Storm"
    assert values(second)["people_a"]["value"] == "4"
    assert values(second)["notify"]["selected_options"] == []  # still "n", not back to Y


async def test_what_slack_would_refuse_is_asked_again_on_the_spot() -> None:
    view = {
        "id": "V1",
        "blocks": [
            {
                "type": "input",
                "block_id": "method",
                "label": {"type": "plain_text", "text": "Method"},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [option(v) for v in ("cash", "card", "check")],
                },
            },
            number("people_a", "Adults"),
            text("amount", "Amount", optional=False),
            text("notes", "Notes", max_length=1500, multiline=True),
        ],
    }
    long_note = "x" * 3285
    answers = ["99", "", "card", "100", "1.5", "2", "", "12.50", long_note, "Nuts"]
    bot, out = await fill(view, answers, lambda _p: None)
    assert "✗ Pick a number from 1 to 3." in out
    assert "✗ This field is required." in out
    assert "✗ Enter a number from 0 to 99." in out
    assert "✗ Enter a whole number." in out
    assert "✗ At most 1,500 characters (this is 3,285)." in out
    [submitted] = bot.of("view_submission")
    got = values(submitted)
    assert got["method"]["selected_option"]["value"] == "card"
    assert got["people_a"]["value"] == "2"
    assert got["amount"]["value"] == "12.50"
    assert got["notes"]["value"] == "Nuts"


async def test_new_customer_fields_are_not_asked_once_a_customer_is_picked() -> None:
    view = {
        "id": "V1",
        "blocks": [
            {
                "type": "input",
                "block_id": "customer",
                "optional": True,
                "label": {"type": "plain_text", "text": "Existing customer"},
                "element": {"type": "external_select", "action_id": "find"},
            },
            text("first_name", "New customer: first name"),
            text("last_name", "New customer: last name"),
            text("email", "New customer: email"),
            text("phone", "New customer: phone"),
            text("notes", "Notes"),
        ],
    }

    def reply(payload: dict[str, Any]) -> dict[str, Any] | None:
        if payload["type"] == "block_suggestion":
            return {"options": [option("c1") | {"text": {"type": "plain_text", "text": "Ada"}}]}
        return None

    bot, out = await fill(view, ["ada", "1", "Nuts"], reply)
    assert "New customer" not in out
    [submitted] = bot.of("view_submission")
    assert values(submitted)["customer"]["selected_option"]["value"] == "c1"
    assert values(submitted)["notes"]["value"] == "Nuts"


async def test_a_command_typed_in_a_form_closes_it_to_be_run() -> None:
    view = {"id": "V1", "blocks": [text("first_name", "First name"), text("notes", "Notes")]}
    lines = iter(["/bookeo new pottery", "never asked"])

    async def ask(prompt: str) -> str | None:
        return next(lines, None)

    out = io.StringIO()
    console = Console(out=out, ask=ask, echo=False)
    screen = Screen(console, response_url=lambda t: f"u/{t}")
    screen.view = view
    bot = Bot(lambda _p: None)
    filler = FormFiller(console, screen, bot)  # type: ignore[arg-type]
    await filler.fill_open_form()
    assert filler.typed_instead == "/bookeo new pottery"
    assert "(form closed)" in out.getvalue() and not bot.sent


async def test_a_search_with_no_match_is_asked_again_then_enter_leaves_it_empty() -> None:
    view = {
        "id": "V1",
        "blocks": [
            {
                "type": "input",
                "block_id": "customer",
                "optional": True,
                "label": {"type": "plain_text", "text": "Existing customer"},
                "element": {"type": "external_select", "action_id": "find"},
            },
            text("first_name", "New customer: first name"),
        ],
    }
    bot, out = await fill(view, ["obrien", "o brien", "", "Zoë"], lambda _p: {"options": []})
    assert "(nothing matches 'obrien'; search again, or Enter)" in out
    assert [p["value"] for p in bot.of("block_suggestion")] == ["obrien", "o brien"]
    [submitted] = bot.of("view_submission")
    assert values(submitted)["customer"]["selected_option"] is None
    assert values(submitted)["first_name"]["value"] == "Zoë"


async def test_a_date_with_no_free_time_is_asked_again() -> None:
    def form(times: bool) -> dict[str, Any]:
        date_block = {
            "type": "input",
            "block_id": "date",
            "dispatch_action": True,
            "label": {"type": "plain_text", "text": "Date"},
            "element": {"type": "datepicker", "action_id": "day", "initial_date": "2026-12-03"},
        }
        slot = (
            {
                "type": "input",
                "block_id": "slot",
                "label": {"type": "plain_text", "text": "Time"},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [option("t")],
                },
            }
            if times
            else {
                "type": "section",
                "block_id": "slot_none",
                "text": {"type": "mrkdwn", "text": "No"},
            }
        )
        return {"id": "V1", "blocks": [date_block, slot, number("people_a", "Adults")]}

    screens: list[Screen] = []

    def reply(payload: dict[str, Any]) -> dict[str, Any] | None:
        if payload["type"] == "block_actions":  # the bot's views.update of the reloaded form
            screens[0].view = form(values(payload)["date"]["selected_date"] == "2026-12-04")
        return None

    lines = iter(["2026-12-03", "", "2026-12-04", "1", "2"])
    prompts: list[str] = []

    async def ask(prompt: str) -> str | None:
        prompts.append(prompt)
        return next(lines, None)

    console = Console(out=io.StringIO(), ask=ask, echo=True)
    screen = Screen(console, response_url=lambda t: f"u/{t}")
    screens.append(screen)
    screen.view = form(False)
    bot = Bot(reply)
    await FormFiller(console, screen, bot).fill_open_form()  # type: ignore[arg-type]
    assert [p.split(" ")[0] for p in prompts] == ["Date", "Date", "Date", "Time", "Adults"]
    [submitted] = bot.of("view_submission")
    assert values(submitted)["date"]["selected_date"] == "2026-12-04"
    assert values(submitted)["people_a"]["value"] == "2"


async def test_a_date_and_time_is_shown_and_read_in_the_business_time_zone() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    noon = int(datetime(2026, 12, 2, 12, 0, tzinfo=sydney).timestamp())
    view = {
        "id": "V1",
        "blocks": [
            {
                "type": "input",
                "block_id": "received",
                "label": {"type": "plain_text", "text": "Received"},
                "element": {
                    "type": "datetimepicker",
                    "action_id": "value",
                    "initial_date_time": noon,
                },
            }
        ],
    }
    lines = iter(["yesterday", "2026-12-01 09:30"])

    async def ask(prompt: str) -> str | None:
        return next(lines, None)

    out = io.StringIO()
    console = Console(out=out, ask=ask, echo=True)
    screen = Screen(console, response_url=lambda t: f"u/{t}")
    screen.view = view
    bot = Bot(lambda _p: None)
    await FormFiller(console, screen, bot, tz=sydney).fill_open_form()  # type: ignore[arg-type]
    assert "Received [2026-12-02 12:00]: yesterday" in out.getvalue()
    assert "✗ Type a date and time as YYYY-MM-DD HH:MM." in out.getvalue()
    [submitted] = bot.of("view_submission")
    stamp = values(submitted)["received"]["selected_date_time"]
    assert stamp == int(datetime(2026, 12, 1, 9, 30, tzinfo=sydney).timestamp())
