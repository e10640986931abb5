"""Requests as Slack sends them to the bot, signed with the app's signing secret.

One builder for everything that plays Slack towards the bot's real `/slack/events`: the
shell (each typed line becomes one of these) and the tests (tests/fakes binds their
workspace and secret). The payloads carry the fields Slack sends that Bolt and our
listeners read; `signed_headers` is the v0 signature Slack puts on each.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"


def new_trigger() -> str:
    """A trigger id as Slack makes one: new for every interaction, so no two requests Slack
    sends are the same bytes (the bot refuses a signed request it has already seen)."""
    return f"{time.time_ns()}.{secrets.token_hex(8)}"


def signed_headers(
    body: str, *, secret: str, timestamp: int | None = None, content_type: str = FORM
) -> dict[str, str]:
    """The headers Slack signs a request with, stamped now unless `timestamp` says when."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""
    return {
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
        "content-type": content_type,
    }


def interaction(payload: dict[str, Any]) -> str:
    """An interactivity request body: the payload as JSON in a `payload` form field."""
    return urlencode({"payload": json.dumps(payload)})


def with_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`view` as Slack sends it back: with what was typed into its inputs."""
    return view | {"state": {"values": values}}


@dataclass(frozen=True)
class SlackRequests:
    """Requests from one workspace to one app, as Slack builds them."""

    secret: str
    team: str
    app_id: str
    team_domain: str = "example"

    def headers(
        self, body: str, *, timestamp: int | None = None, content_type: str = FORM
    ) -> dict[str, str]:
        return signed_headers(
            body, secret=self.secret, timestamp=timestamp, content_type=content_type
        )

    def slash_command(
        self,
        text: str,
        *,
        user: str,
        channel: str,
        response_url: str,
        trigger_id: str | None = None,
        user_name: str | None = None,
        channel_name: str = "front-desk",
    ) -> str:
        return urlencode(
            {
                "token": "legacy",  # Slack's deprecated verification token; signing replaced it
                "team_id": self.team,
                "team_domain": self.team_domain,
                "channel_id": channel,
                "channel_name": channel_name,
                "user_id": user,
                "user_name": user_name or user.lower(),
                "command": "/bookeo",
                "text": text,
                "api_app_id": self.app_id,
                "response_url": response_url,
                "trigger_id": trigger_id or new_trigger(),
            }
        )

    def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        trigger_id: str | None = None,
        view: dict[str, Any] | None = None,
        channel: str = "",
        message_ts: str | None = None,
        ephemeral: bool = True,
        response_url: str | None = None,
    ) -> str:
        """A button pressed in a modal (`view`) or else in a message in `channel`."""
        payload = self._from(user) | {
            "type": "block_actions",
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

    def view_submission(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        user: str,
        trigger_id: str | None = None,
    ) -> str:
        """Submit `view` (as the bot last showed it) with these input values."""
        return interaction(
            self._from(user)
            | {
                "type": "view_submission",
                "trigger_id": trigger_id or new_trigger(),
                "view": with_state(view, values),
            }
        )

    def dispatch_action(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        user: str,
        action_id: str,
        trigger_id: str | None = None,
        action_type: str = "static_select",
    ) -> str:
        """A `dispatch_action` input changed inside a modal."""
        return interaction(
            self._from(user)
            | {
                "type": "block_actions",
                "trigger_id": trigger_id or new_trigger(),
                "container": {"type": "view", "view_id": view.get("id")},
                "view": with_state(view, values),
                "actions": [{"action_id": action_id, "block_id": "x", "type": action_type}],
            }
        )

    def block_suggestion(
        self, view: dict[str, Any], *, user: str, action_id: str, block_id: str, query: str
    ) -> str:
        """An external select asking for options matching what was typed."""
        return interaction(
            self._from(user)
            | {
                "type": "block_suggestion",
                "action_id": action_id,
                "block_id": block_id,
                "value": query,
                "view": view,
                "container": {"type": "view"},
            }
        )

    def _from(self, user: str) -> dict[str, Any]:
        return {
            "team": {"id": self.team, "domain": self.team_domain},
            "user": {"id": user, "team_id": self.team},
            "api_app_id": self.app_id,
        }
