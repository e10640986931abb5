"""The shape Slack always gives an interactivity payload, checked before any listener runs.

Slack signs every request, so a malformed payload is a bug or a hand-made request, not a
user's typo; but Bolt's own matching and logging assume these fields and raise on a missing
one, even before its middleware runs. So the web layer asks `payload_problem` first, and a
request that lacks them gets a 400 with the reason instead of a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

INTERACTIVE = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
    }
)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _has_str(mapping: Any, key: str) -> bool:
    return isinstance(mapping, dict) and isinstance(mapping.get(key), str)


def _needs_value(action: dict[str, Any]) -> bool:
    """The buttons on a booking card carry its number (bot.slack.ids.Action.SHOW, EDIT, …)."""
    return action.get("type") == "button" and str(action["action_id"]).startswith("booking_")


def shape_problem(body: dict[str, Any]) -> str | None:
    """Why `body` is not an interactivity payload Slack would send; None when it is fine."""
    kind = body.get("type")
    if kind not in INTERACTIVE:
        return f"unknown interactivity type {str(kind)[:40]!r}"
    if not _has_str(body.get("user"), "id"):
        return "user.id is missing"
    for key in ("team", "channel", "container", "message"):
        if key in body and body[key] is not None and not _is_dict(body[key]):
            return f"{key} is not an object"
    if "view" in body and not _is_dict(body["view"]):
        return "view is not an object"
    if "view" in body and not _has_str(body["view"], "type"):
        return "view.type is missing"  # Slack always says (modal, home); Bolt reads it
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions is empty"
        if not all(_has_str(a, "action_id") for a in actions):
            return "an action has no action_id"
        if any(_needs_value(a) and not a.get("value") for a in actions):
            return "a booking button has no value"  # the bot gives each its booking number
    if kind in ("view_submission", "view_closed"):
        view: dict[str, Any] = body.get("view") or {}
        if not _has_str(view, "callback_id") or not view["callback_id"]:
            return "view.callback_id is missing"
        state = view.get("state", {"values": {}})
        if not _is_dict(state) or not _is_dict(state.get("values", {})):
            return "view.state.values is not an object"
        if "private_metadata" in view and not isinstance(view["private_metadata"], str):
            return "view.private_metadata is not a string"
    if kind in ("shortcut", "message_action") and not _has_str(body, "callback_id"):
        return "callback_id is missing"
    if kind == "block_suggestion" and not _has_str(body, "action_id"):
        return "action_id is missing"
    return None


def _event_problem(body: dict[str, Any]) -> str | None:
    """Events API bodies: Bolt reads `event.type` (and more) of an `event_callback`."""
    if body.get("type") != "event_callback":
        return None
    event = body.get("event")
    if not _has_str(event, "type"):
        return "event is not an object with a type"
    return None


def _json_problem(text: str, what: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None, f"{what} is not JSON"
    if not isinstance(value, dict):
        return None, f"{what} is not an object"
    return value, None


def payload_problem(raw: bytes, content_type: str | None) -> str | None:
    """The problem with a raw (signed) `/slack/events` body, parsed the way Bolt will parse
    it (`slack_bolt.request.internals.parse_body`), or None when Bolt can take it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not text:
        return None
    if content_type == "application/json" or text.startswith("{"):
        body, problem = _json_problem(text, "body")
        if body is None:
            return problem
        if body.get("type") in INTERACTIVE:
            return shape_problem(body)
        return _event_problem(body)
    if "payload" not in text:
        return None  # a slash command (most requests): Bolt reads its fields
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" not in fields:
        return None
    payload, problem = _json_problem(fields["payload"], "payload")
    if payload is None:
        return problem
    return shape_problem(payload)
