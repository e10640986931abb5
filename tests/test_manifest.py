"""manifest.yml: valid against Slack's schema, and in step with the listeners the code registers."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_bolt.async_app import AsyncApp

from bot.slack.ids import Action, Callback, Command, Event

ROOT = Path(__file__).parents[1]
SCHEMA = ROOT / "tests" / "data" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_the_manifest_validates_against_slacks_schema(manifest: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_validator_is_live(manifest: dict) -> None:
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "bookeo"  # no leading slash
    schema = json.loads(SCHEMA.read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_the_schema_copy_matches_shared() -> None:
    shared = ROOT.parent / "shared" / "slack" / "manifest-schemas" / "manifest.schema.1.0.0.json"
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    assert SCHEMA.read_bytes() == shared.read_bytes()


def test_every_manifest_command_and_event_has_a_listener_and_back(manifest: dict) -> None:
    from bot.slack import register

    app = AsyncApp(signing_secret="x", token="xoxb-x")
    bound = register(app, deps=None)  # type: ignore[arg-type]  # listeners are bound, never run
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == bound.commands
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == bound.events
    # Every id the code can put on a surface has a listener, and every listener an id.
    assert bound.commands == {c.value for c in Command}
    assert bound.events == {e.value for e in Event}
    assert bound.actions | bound.options == {a.value for a in Action}
    built_only = {Callback.LOADING.value, Callback.FIND_RESULT.value}  # shown, never submitted
    assert bound.views == {c.value for c in Callback} - built_only
    # External selects need the options load URL.
    if bound.options:
        assert manifest["settings"]["interactivity"]["message_menu_options_url"]


def test_the_usage_hint_names_registered_subcommands_that_parse(manifest: dict) -> None:
    from bot.slack.commands.registry import BY_NAME, resolve

    [bookeo] = manifest["features"]["slash_commands"]
    hints = [h.strip() for h in bookeo["usage_hint"].strip("[]").split("|")]
    assert hints
    for hint in hints:
        subcommand, _ = resolve(hint)  # parses as Slack would send it
        assert subcommand is BY_NAME[hint.split()[0]], hint


def test_interactivity_and_options_point_at_the_one_endpoint(manifest: dict) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    for url in (
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],
        settings["event_subscriptions"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    ):
        assert url.endswith("/slack/events")


def test_scopes_are_the_minimal_ones_the_code_uses(manifest: dict) -> None:
    used = set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text()
        if "chat_postMessage" in text or "chat_update" in text or "chat_postEphemeral" in text:
            used.add("chat:write")
        if "conversations_history" in text:
            used |= {"channels:history", "groups:history"}
    used.add("commands")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == used


def test_bookeo_bot_manifest_fills_in_the_urls(manifest: dict) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bot", "manifest", "--url", "https://bot.acme.test/"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    filled = yaml.safe_load(result.stdout)
    assert "bot.example.com" not in result.stdout
    assert (
        filled["settings"]["interactivity"]["request_url"] == "https://bot.acme.test/slack/events"
    )
    assert filled["features"]["slash_commands"][0]["url"] == "https://bot.acme.test/slack/events"
    schema = json.loads(SCHEMA.read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(filled)) == []
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "manifest", "--url", "http://insecure"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "https" in refused.stderr
