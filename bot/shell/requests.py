"""Requests as Slack builds them, signed, for the shell to send to the bot's real endpoint."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

USER, TEAM = "USHELL", "TSHELL"


def new_trigger() -> str:
    """A fresh trigger id, as Slack gives every interaction (the bot refuses a signed request
    it has already seen, so two form submissions must not be the same bytes)."""
    return f"tshell.{secrets.token_hex(8)}"


def signed(body: str, secret: str, content_type: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""
    return {
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
        "content-type": content_type,
    }


def slash_command(text: str, *, channel: str, response_url: str, trigger_id: str) -> str:
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": USER,
            "user_name": "you",
            "command": "/bookeo",
            "text": text,
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    base = {"team": {"id": TEAM}, "user": {"id": USER, "team_id": TEAM}, "api_app_id": "ASHELL"}
    return urlencode({"payload": json.dumps(base | payload)})


def button(action_id: str, value: str, *, trigger_id: str, context: dict[str, Any]) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "trigger_id": trigger_id,
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}],
    }
    if "view" in context:
        payload["view"] = context["view"]
        payload["container"] = {"type": "view", "view_id": context["view"]["id"]}
    else:
        payload["channel"] = {"id": context["channel"]}
        payload["container"] = {
            "type": "message",
            "channel_id": context["channel"],
            "message_ts": context.get("ts", "0"),
            "is_ephemeral": "response_url" in context,
        }
        if "response_url" in context:
            payload["response_url"] = context["response_url"]
    return interaction(payload)


def with_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return view | {"state": {"values": values}}


def dispatch(view: dict[str, Any], values: dict[str, Any], action_id: str) -> str:
    return interaction(
        {
            "type": "block_actions",
            "trigger_id": new_trigger(),
            "container": {"type": "view", "view_id": view["id"]},
            "view": with_state(view, values),
            "actions": [{"action_id": action_id, "block_id": "x"}],
        }
    )


def submission(view: dict[str, Any], values: dict[str, Any]) -> str:
    return interaction(
        {"type": "view_submission", "trigger_id": new_trigger(), "view": with_state(view, values)}
    )


def suggestion(view: dict[str, Any], action_id: str, block_id: str, query: str) -> str:
    return interaction(
        {
            "type": "block_suggestion",
            "action_id": action_id,
            "block_id": block_id,
            "value": query,
            "view": view,
            "container": {"type": "view"},
        }
    )
