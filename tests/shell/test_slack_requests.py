"""The one Slack request builder: signed as Slack signs, shaped as Bolt reads them."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bot.shell.slack_requests import FORM, SlackRequests, interaction, signed_headers

SLACK = SlackRequests(secret="s3cret", team="T9", app_id="A9", team_domain="nine")


def payload(body: str) -> dict:
    return json.loads(parse_qs(body)["payload"][0])


def test_signed_headers_verify_with_the_secret_and_only_with_it() -> None:
    body = "a=1"
    headers = signed_headers(body, secret="s3cret")
    assert headers["content-type"] == FORM
    args = {
        "body": body,
        "timestamp": headers["x-slack-request-timestamp"],
        "signature": headers["x-slack-signature"],
    }
    assert SignatureVerifier("s3cret").is_valid(**args)
    assert not SignatureVerifier("other").is_valid(**args)


def test_signed_headers_take_a_timestamp_and_a_content_type() -> None:
    stamp = int(time.time()) - 600
    headers = SLACK.headers("{}", timestamp=stamp, content_type="application/json")
    assert headers["x-slack-request-timestamp"] == str(stamp)
    assert headers["content-type"] == "application/json"


def test_a_slash_command_names_the_workspace_app_user_and_channel() -> None:
    form = parse_qs(
        SLACK.slash_command(
            "today", user="UA", channel="CX", response_url="http://r/1", trigger_id="t1"
        )
    )
    assert {k: v[0] for k, v in form.items()} == {
        "token": "legacy",
        "team_id": "T9",
        "team_domain": "nine",
        "channel_id": "CX",
        "channel_name": "front-desk",
        "user_id": "UA",
        "user_name": "ua",
        "command": "/bookeo",
        "text": "today",
        "api_app_id": "A9",
        "response_url": "http://r/1",
        "trigger_id": "t1",
    }


def test_a_button_in_a_message_and_in_a_modal() -> None:
    in_message = payload(
        SLACK.block_action(
            "act", "v", user="UA", trigger_id="t", channel="CX", response_url="http://r/2"
        )
    )
    assert in_message["team"] == {"id": "T9", "domain": "nine"}
    assert in_message["user"] == {"id": "UA", "team_id": "T9"}
    assert (
        in_message["actions"][0].items()
        >= {"action_id": "act", "value": "v", "type": "button"}.items()
    )
    assert in_message["container"] == {
        "type": "message",
        "channel_id": "CX",
        "message_ts": "1700000000.000001",
        "is_ephemeral": True,
    }
    assert in_message["response_url"] == "http://r/2"

    view = {"id": "V1", "blocks": []}
    in_modal = payload(SLACK.block_action("act", "v", user="UA", trigger_id="t", view=view))
    assert in_modal["container"] == {"type": "view", "view_id": "V1"}
    assert in_modal["view"] == view
    assert "channel" not in in_modal and "response_url" not in in_modal


def test_a_submission_and_a_dispatch_carry_the_typed_values_as_state() -> None:
    view = {"id": "V1", "blocks": []}
    values = {"b1": {"a1": {"type": "plain_text_input", "value": "x"}}}
    submitted = payload(SLACK.view_submission(view, values, user="UA", trigger_id="t"))
    assert submitted["type"] == "view_submission"
    assert submitted["view"] == view | {"state": {"values": values}}
    assert view == {"id": "V1", "blocks": []}  # the shown view is left as it was

    changed = payload(
        SLACK.dispatch_action(
            view, values, user="UA", action_id="a1", trigger_id="t", action_type="datepicker"
        )
    )
    assert changed["type"] == "block_actions"
    assert changed["actions"] == [{"action_id": "a1", "block_id": "x", "type": "datepicker"}]
    assert changed["view"]["state"] == {"values": values}


def test_a_suggestion_request_carries_what_was_typed() -> None:
    asked = payload(
        SLACK.block_suggestion({"id": "V1"}, user="UA", action_id="a", block_id="b", query="ad")
    )
    assert asked.items() >= {"type": "block_suggestion", "action_id": "a", "block_id": "b"}.items()
    assert asked["value"] == "ad"


def test_interaction_sends_the_payload_as_it_is() -> None:
    assert payload(interaction({"type": "odd", "x": [1]})) == {"type": "odd", "x": [1]}
