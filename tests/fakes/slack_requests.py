"""Requests built the way Slack builds them, signed with the signing secret."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
TEAM = "T1"
_triggers = itertools.count(1)


def new_trigger() -> str:
    """A trigger id as Slack makes one: new for every interaction, so no two requests Slack
    sends are the same bytes (the bot refuses a signed request sent twice)."""
    return f"{next(_triggers)}.{secrets.token_hex(8)}"


def signed_headers(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
        "content-type": content_type,
    }


def slash_command(
    text: str, *, user: str, response_url: str, channel: str = "C1", trigger_id: str | None = None
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "front-desk",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/bookeo",
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger(),
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    action_id: str,
    value: str,
    *,
    user: str,
    response_url: str | None = None,
    channel: str = "C1",
    message_ts: str | None = None,
    ephemeral: bool = True,
    view: dict[str, Any] | None = None,
    trigger_id: str | None = None,
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": trigger_id or new_trigger(),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": "1",
            }
        ],
    }
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
    else:
        payload["channel"] = {"id": channel}
        payload["container"] = {
            "type": "message",
            "channel_id": channel,
            "message_ts": message_ts or "1700000000.000001",
            "is_ephemeral": ephemeral,
        }
        if response_url:
            payload["response_url"] = response_url
    return interaction(payload)


def view_submission(view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str) -> str:
    """Submit `view` (as the bot last showed it) with these input values."""
    submitted = dict(view)
    submitted["state"] = {"values": values}
    return interaction(
        {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": new_trigger(),
            "view": submitted,
        }
    )


def dispatch_action(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str, action_id: str
) -> str:
    """A `dispatch_action` input changed inside a modal."""
    current = dict(view)
    current["state"] = {"values": values}
    return interaction(
        {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": new_trigger(),
            "container": {"type": "view", "view_id": view.get("id")},
            "view": current,
            "actions": [{"action_id": action_id, "block_id": "x", "type": "static_select"}],
        }
    )


def text_input(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def select(value: str | None, kind: str = "static_select") -> dict[str, Any]:
    option = {"value": value, "text": {"type": "plain_text", "text": str(value)}} if value else None
    return {"value": {"type": kind, "selected_option": option}}


def number(value: int | None) -> dict[str, Any]:
    return {"value": {"type": "number_input", "value": None if value is None else str(value)}}


def date_value(value: str) -> dict[str, Any]:
    return {"value": {"type": "datepicker", "selected_date": value}}


def datetime_value(stamp: int) -> dict[str, Any]:
    return {"value": {"type": "datetimepicker", "selected_date_time": stamp}}


def checkboxes(*values: str) -> dict[str, Any]:
    return {
        "value": {
            "type": "checkboxes",
            "selected_options": [
                {"value": v, "text": {"type": "plain_text", "text": v}} for v in values
            ],
        }
    }
