"""Slack's limits, one rule per test (bot/shell/slack_rules.py; numbers from Slack's Block Kit
and views reference, as shared PLATFORM.md §A4 lists them)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.shell.slack_rules import (
    ack_problems,
    call_problems,
    message_problems,
    mrkdwn_problems,
    options_problems,
    refusal,
    view_ack_problems,
    view_problems,
)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": md(text), **extra}


def button(text: str = "Go", value: str = "v", action_id: str = "a") -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "value": value, "action_id": action_id}


def option(text: str = "o", value: str = "v") -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def select(options: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "value", "options": options, **extra}


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": "value", **extra}


def input_block(element: dict[str, Any], label: str = "Label", block_id: str = "b") -> dict:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Title"),
        "submit": plain("OK"),
        "blocks": blocks,
        **extra,
    }


def msg_ok(blocks: list[dict[str, Any]]) -> bool:
    return message_problems({"text": "t", "blocks": blocks}) == []


def view_ok(view: dict[str, Any]) -> bool:
    return view_problems(view) == []


def test_blocks_per_message_50() -> None:
    assert msg_ok([section("x")] * 50)
    assert not msg_ok([section("x")] * 51)


def test_blocks_per_view_100() -> None:
    assert view_ok({"type": "home", "blocks": [section("x")] * 100})
    assert not view_ok({"type": "home", "blocks": [section("x")] * 101})
    assert not view_ok(modal([section("x")] * 101))


def test_section_text_1_to_3000() -> None:
    assert msg_ok([section("x" * 3000)])
    assert not msg_ok([section("x" * 3001)])
    assert not msg_ok([section("")])
    assert not msg_ok([{"type": "section"}])  # neither text nor fields


def test_section_fields_10_of_2000() -> None:
    assert msg_ok([{"type": "section", "fields": [md("f" * 2000)] * 10}])
    assert not msg_ok([{"type": "section", "fields": [md("f")] * 11}])
    assert not msg_ok([{"type": "section", "fields": [md("f" * 2001)]}])


def test_header_150_plain_text() -> None:
    assert msg_ok([{"type": "header", "text": plain("h" * 150)}])
    assert not msg_ok([{"type": "header", "text": plain("h" * 151)}])
    assert not msg_ok([{"type": "header", "text": md("h")}])


def test_button_text_75_value_2000_url_3000() -> None:
    assert msg_ok([{"type": "actions", "elements": [button("b" * 75, "v" * 2000)]}])
    assert not msg_ok([{"type": "actions", "elements": [button("b" * 76)]}])
    assert not msg_ok([{"type": "actions", "elements": [button(value="v" * 2001)]}])
    long_url = {**button(), "url": "https://x/" + "u" * 3000}
    assert not msg_ok([{"type": "actions", "elements": [long_url]}])


def test_action_id_255_and_unique_in_its_block() -> None:
    assert msg_ok([{"type": "actions", "elements": [button(action_id="a" * 255)]}])
    assert not msg_ok([{"type": "actions", "elements": [button(action_id="a" * 256)]}])
    twice = [button(action_id="same"), button(action_id="same")]
    assert not msg_ok([{"type": "actions", "elements": twice}])
    # Unique within a block: the same id in two blocks is fine.
    one = {"type": "actions", "elements": [button(action_id="same")]}
    assert msg_ok([one, one])


def test_block_id_255_and_unique_in_the_message() -> None:
    assert msg_ok([section("x", block_id="b" * 255)])
    assert not msg_ok([section("x", block_id="b" * 256)])
    assert not msg_ok([section("x", block_id="b"), section("y", block_id="b")])


def test_actions_25_elements_context_10() -> None:
    buttons = [button(action_id=f"a{i}") for i in range(26)]
    assert msg_ok([{"type": "actions", "elements": buttons[:25]}])
    assert not msg_ok([{"type": "actions", "elements": buttons}])
    assert msg_ok([{"type": "context", "elements": [md("c")] * 10}])
    assert not msg_ok([{"type": "context", "elements": [md("c")] * 11}])


def test_modal_title_submit_close_24() -> None:
    assert view_ok(modal([], title=plain("t" * 24), close=plain("c" * 24)))
    for part in ("title", "submit", "close"):
        assert not view_ok(modal([], **{part: plain("t" * 25)}))


def test_modal_with_inputs_needs_submit() -> None:
    view = modal([input_block(text_input())])
    del view["submit"]
    assert not view_ok(view)


def test_private_metadata_3000() -> None:
    assert view_ok(modal([], private_metadata="m" * 3000))
    assert not view_ok(modal([], private_metadata="m" * 3001))


def test_select_options_100() -> None:
    options = [option(value=str(i)) for i in range(101)]
    assert view_ok(modal([input_block(select(options[:100]))]))
    assert not view_ok(modal([input_block(select(options))]))
    assert not view_ok(modal([input_block({"type": "static_select", "action_id": "value"})]))


def test_option_text_75_value_150() -> None:
    assert view_ok(modal([input_block(select([option("o" * 75, "v" * 150)]))]))
    assert not view_ok(modal([input_block(select([option("o" * 76)]))]))
    assert not view_ok(modal([input_block(select([option(value="v" * 151)]))]))


def test_checkboxes_10_overflow_5() -> None:
    boxes = {"type": "checkboxes", "action_id": "value", "options": [option()] * 11}
    assert not view_ok(modal([input_block(boxes)]))
    menu = {"type": "overflow", "action_id": "m", "options": [option()] * 6}
    assert not msg_ok([{"type": "actions", "elements": [menu]}])


def test_input_label_and_hint_2000() -> None:
    assert view_ok(modal([input_block(text_input(), label="l" * 2000)]))
    assert not view_ok(modal([input_block(text_input(), label="l" * 2001)]))
    hinted = {**input_block(text_input()), "hint": plain("h" * 2001)}
    assert not view_ok(modal([hinted]))


def test_placeholder_150() -> None:
    assert view_ok(modal([input_block(text_input(placeholder=plain("p" * 150)))]))
    assert not view_ok(modal([input_block(text_input(placeholder=plain("p" * 151)))]))


def test_initial_value_within_max_length() -> None:
    assert view_ok(modal([input_block(text_input(max_length=10, initial_value="x" * 10))]))
    assert not view_ok(modal([input_block(text_input(max_length=10, initial_value="x" * 11))]))
    assert not view_ok(modal([input_block(text_input(initial_value="x" * 3001))]))
    assert not view_ok(modal([input_block(text_input(max_length=3001))]))


def test_confirm_dialog_limits() -> None:
    confirm = {
        "title": plain("t"),
        "text": plain("x" * 301),
        "confirm": plain("y"),
        "deny": plain("n"),
    }
    assert not msg_ok([{"type": "actions", "elements": [{**button(), "confirm": confirm}]}])


def test_errors_keyed_to_input_blocks_that_exist() -> None:
    submitted = modal([input_block(text_input(), block_id="notes"), section("x", block_id="s")])
    assert (
        view_ack_problems({"response_action": "errors", "errors": {"notes": "no"}}, submitted) == []
    )
    assert view_ack_problems({"response_action": "errors", "errors": {"gone": "no"}}, submitted)
    assert view_ack_problems({"response_action": "errors", "errors": {"s": "no"}}, submitted)
    assert view_ack_problems({"response_action": "errors", "errors": {}}, submitted)


def test_view_acks_carry_valid_views() -> None:
    assert view_ack_problems({"response_action": "update", "view": modal([])}) == []
    too_long = modal([], title=plain("t" * 25))
    assert view_ack_problems({"response_action": "push", "view": too_long})
    assert view_ack_problems({"response_action": "reload"})


def test_options_load_answer_100() -> None:
    assert options_problems({"options": [option(value=str(i)) for i in range(100)]}) == []
    assert options_problems({"options": [option(value=str(i)) for i in range(101)]})
    assert options_problems({"options": [option("o" * 76)]})


def test_message_text_40000_is_msg_too_long() -> None:
    assert call_problems("chat.postMessage", {"text": "x" * 40_000}) == ("", [])
    error, _ = call_problems("chat.postMessage", {"text": "x" * 40_001})
    assert error == "msg_too_long"


@pytest.mark.parametrize(
    ("method", "args", "error"),
    [
        ("chat.postMessage", {"text": "t", "blocks": [section("x" * 3001)]}, "invalid_blocks"),
        ("chat.update", {"text": "t", "blocks": [section("x")] * 51}, "invalid_blocks"),
        (
            "views.publish",
            {"view": {"type": "home", "blocks": [section("x")] * 101}},
            "invalid_arguments",
        ),
        ("views.open", {"view": modal([], title=plain("t" * 25))}, "invalid_arguments"),
        ("views.update", {"view": modal([], private_metadata="m" * 3001)}, "invalid_arguments"),
    ],
)
def test_refusals_answer_as_slack_does(method: str, args: dict[str, Any], error: str) -> None:
    answer = refusal(method, args)
    assert answer is not None and answer["ok"] is False and answer["error"] == error
    assert answer["response_metadata"]["messages"]


def test_accepted_calls_are_not_refused() -> None:
    assert refusal("chat.postMessage", {"text": "hi", "blocks": [section("x")]}) is None
    assert refusal("auth.test", {}) is None


def test_acks_by_kind() -> None:
    assert ack_problems("command", {}) == []
    assert ack_problems("command", {"text": "t", "blocks": [section("x" * 3001)]})
    assert ack_problems("block_suggestion", {"options": [option()] * 101})


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("plain words", True),
        ("Smith &amp; Jones &lt;VIP&gt;", True),
        ("<@U123> and <#C123> and <https://x.example/a?b=c|a link>", True),
        ("Smith & Jones", False),
        ("<VIP>", False),
        ("a > b", False),
        ("<!channel> hello", False),
        ("<!subteam^S123>", False),
    ],
)
def test_mrkdwn_problems(text: str, clean: bool) -> None:
    assert (mrkdwn_problems(text) == []) is clean


async def test_the_stand_in_refuses_as_slack_does() -> None:
    import httpx

    from bot.shell.slack_stub import SlackStub

    seen: list[str] = []
    stub = SlackStub(lambda method, _args: seen.append(method))
    await stub.start()
    try:
        async with httpx.AsyncClient() as http:
            too_many = {"channel": "C1", "text": "t", "blocks": [section("x")] * 51}
            answer = (await http.post(stub.api_url + "chat.postMessage", json=too_many)).json()
            assert answer["ok"] is False and answer["error"] == "invalid_blocks"
            posted = await http.post(stub.response_url("r1"), json={"text": "x" * 40_001})
            assert (posted.status_code, posted.text) == (400, "msg_too_long")
            fine = await http.post(stub.api_url + "chat.postMessage", json={"text": "hi"})
            assert fine.json()["ok"] is True
    finally:
        await stub.stop()
    assert seen == ["chat.postMessage"]  # only what Slack accepted reaches the screen


def test_the_fake_checks_ack_bodies() -> None:
    import json
    from urllib.parse import urlencode

    from tests.fakes.slack_api import FakeSlackAPI

    fake = FakeSlackAPI()
    view = modal([input_block(text_input(), block_id="notes")])
    request = urlencode({"payload": json.dumps({"type": "view_submission", "view": view})})
    good = json.dumps({"response_action": "errors", "errors": {"notes": "Too long."}})
    bad = json.dumps({"response_action": "errors", "errors": {"gone": "Too long."}})
    assert fake.check_ack(request.encode(), good.encode()) == []
    assert fake.check_ack(request.encode(), bad.encode())
    command = urlencode({"command": "/bookeo", "text": "x"}).encode()
    assert fake.check_ack(command, json.dumps({"text": "t" * 40_001}).encode())
    assert [r.what for r in fake.refused] == ["ack:view_submission", "ack:command"]
