"""Requests built the way Slack builds them, signed with the tests' signing secret.

The builder is the bot's own (bot/shell/slack_requests.py, which the shell uses too); this
module binds the tests' workspace, app and secret, and keeps the defaults tests rely on.
"""

from __future__ import annotations

from typing import Any

from bot.shell import slack_requests as slack
from bot.shell.slack_requests import FORM, SlackRequests, interaction

SIGNING_SECRET = "test-signing-secret"
TEAM = "T1"
SLACK = SlackRequests(secret=SIGNING_SECRET, team=TEAM, app_id="A1", team_domain="test")

__all__ = [
    "SIGNING_SECRET",
    "SLACK",
    "TEAM",
    "block_action",
    "checkboxes",
    "date_value",
    "datetime_value",
    "dispatch_action",
    "interaction",
    "number",
    "select",
    "signed_headers",
    "slash_command",
    "text_input",
    "view_submission",
]


def signed_headers(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> dict[str, str]:
    return slack.signed_headers(body, secret=secret, timestamp=timestamp, content_type=content_type)


def slash_command(
    text: str, *, user: str, response_url: str, channel: str = "C1", trigger_id: str | None = None
) -> str:
    return SLACK.slash_command(
        text, user=user, channel=channel, response_url=response_url, trigger_id=trigger_id
    )


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
    return SLACK.block_action(
        action_id,
        value,
        user=user,
        trigger_id=trigger_id,
        view=view,
        channel=channel,
        message_ts=message_ts,
        ephemeral=ephemeral,
        response_url=response_url,
    )


def view_submission(view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str) -> str:
    """Submit `view` (as the bot last showed it) with these input values."""
    return SLACK.view_submission(view, values, user=user)


def dispatch_action(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str, action_id: str
) -> str:
    """A `dispatch_action` input changed inside a modal."""
    return SLACK.dispatch_action(view, values, user=user, action_id=action_id)


# What inputs hold in a submitted view's state, keyed by their action id "value".


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
