"""Socket Mode end to end: a real `bookeo-bot serve` with SLACK_APP_TOKEN, against a fake
Slack that opens connections and sends envelopes over a WebSocket on loopback; plus the
manifest for Socket Mode, `check`'s app-token line and the start-up log."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml

from bot.app import build_app
from bot.cli import socket_mode_manifest
from bot.config import Settings
from bot.slack.ids import Action
from tests.fakes.processes import free_port, start_bot, until_ready
from tests.fakes.slack_requests import block_action, slash_command
from tests.fakes.socket_mode import APP_TOKEN, FakeSocketModeSlack

ROOT = Path(__file__).parents[1]
ADMIN = "UADMIN"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSocketModeSlack]:
    server = FakeSocketModeSlack()
    await server.start()
    yield server
    await server.stop()
    assert server.unexpected == [], server.unexpected


def env_for(slack: FakeSocketModeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": slack.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/socket.db",
        "BUSINESS_TIMEZONE": "Australia/Sydney",
        "BOT_ADMINS": ADMIN,
        **extra,
    }


@pytest.mark.slow
async def test_serve_takes_commands_modals_buttons_and_events_over_socket_mode(
    slack: FakeSocketModeSlack, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    bot = start_bot(env_for(slack, tmp_path, PORT=str(port)), log)
    try:
        await until_ready(f"http://127.0.0.1:{port}", within=40)
        await slack.connected()
        assert slack.connections_opened == 1

        # A slash command, acked over the socket; the card follows on its response_url.
        ack = await slack.slash_command(
            slash_command("1001", user=ADMIN, response_url=slack.response_url("find"))
        )
        assert not ack.get("payload"), ack  # empty: Slack cannot replace a command's ack
        [card] = await slack.wait_for("respond:find", within=15)
        assert "1001" in str(card)

        # A command that opens a modal: an empty ack, then views.open.
        ack = await slack.slash_command(
            slash_command("new", user=ADMIN, response_url=slack.response_url("new"))
        )
        assert not ack.get("payload"), ack
        [opened] = await slack.wait_for("views.open", within=15)
        assert "New booking" in str(opened["view"])  # "Loading from Bookeo…", then the form
        [form] = await slack.wait_for("views.update", within=15)
        assert "booking_create_modal" in str(form["view"])

        # A button (the home tab's Find).
        await slack.interaction(block_action(Action.HOME_FIND, "", user=ADMIN))
        await slack.wait_for("views.open", count=2, within=15)

        # An event: the home tab is published.
        await slack.event(
            {"type": "app_home_opened", "user": ADMIN, "channel": "D1", "tab": "home"}
        )
        [home] = await slack.wait_for("views.publish", within=15)
        assert home["user_id"] == ADMIN

        # No HTTP route for Slack in Socket Mode.
        async with httpx.AsyncClient() as http:
            routed = await http.post(f"http://127.0.0.1:{port}/slack/events", content=b"{}")
        assert routed.status_code == 404
    finally:
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(bot.wait, 30)
    text = log.read_text()
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught.
    assert code in (0, -signal.SIGTERM), text
    assert "Scheduler has been shut down" in text, text
    assert f"listening on http://127.0.0.1:{port}; Slack comes over Socket Mode" in text, text
    assert "will be unused" not in text, text
    assert "Traceback" not in text, text


@pytest.mark.slow
async def test_serve_says_so_and_stops_when_the_app_token_is_refused(
    slack: FakeSocketModeSlack, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = env_for(slack, tmp_path, PORT=str(port), SLACK_APP_TOKEN="xapp-1-wrong")
    bot = start_bot(env, log)
    code = await asyncio.to_thread(bot.wait, 60)
    text = log.read_text()
    assert code == 1, text
    assert "apps.connections.open says `invalid_auth`: check SLACK_APP_TOKEN" in text, text
    assert "Traceback" not in text, text


@pytest.mark.slow
async def test_serve_over_http_says_where_it_listens(
    slack: FakeSocketModeSlack, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = env_for(slack, tmp_path, PORT=str(port), SLACK_SIGNING_SECRET="s")
    del env["SLACK_APP_TOKEN"]
    bot = start_bot(env, log)
    try:
        await until_ready(f"http://127.0.0.1:{port}", within=40)
        for _ in range(100):  # the line follows readiness by a moment
            if "listening on" in log.read_text():
                break
            await asyncio.sleep(0.05)
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.to_thread(bot.wait, 30)
    text = log.read_text()
    assert (
        f"listening on http://127.0.0.1:{port}; Slack comes over HTTP at "
        f"http://127.0.0.1:{port}/slack/events" in text
    ), text
    assert "will be unused" not in text, text
    assert slack.connections_opened == 0


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
async def test_check_tests_the_app_token(slack: FakeSocketModeSlack, tmp_path: Path) -> None:
    env = env_for(slack, tmp_path)
    good = await asyncio.to_thread(run_cli, "check", env=env, cwd=tmp_path)
    assert "✓ slack app token: apps.connections.open ok" in good.stdout, good.stdout
    assert good.returncode == 0, good.stdout
    assert slack.connections_opened == 1
    revoked = env | {"SLACK_APP_TOKEN": "xapp-1-revoked"}
    wrong_kind = env | {"SLACK_APP_TOKEN": "xoxb-a-bot-token"}
    over_http = {k: v for k, v in env.items() if k != "SLACK_APP_TOKEN"}
    over_http["SLACK_SIGNING_SECRET"] = "s"
    # Three more processes at once: each starts Python and the bot's imports (~1.5 s).
    bad, wrong, http = await asyncio.gather(
        *(
            asyncio.to_thread(run_cli, "check", env=variant, cwd=tmp_path)
            for variant in (revoked, wrong_kind, over_http)
        )
    )
    assert bad.returncode == 1
    assert "✗ slack app token: apps.connections.open says `invalid_auth`" in bad.stdout
    assert "xapp-1-revoked" not in bad.stdout  # no secret in the output
    assert "`not_allowed_token_type`" in wrong.stdout, wrong.stdout
    assert "slack app token" not in http.stdout  # over HTTP there is no app token to test


def test_the_socket_mode_manifest_has_no_request_urls_and_validates() -> None:
    import json

    import jsonschema

    text = socket_mode_manifest((ROOT / "manifest.yml").read_text())
    manifest = yaml.safe_load(text)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert [
        line for line in text.splitlines() if "bot.example.com" in line and "#" not in line
    ] == []
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert set(manifest["settings"]["interactivity"]) == {"is_enabled"}
    assert all("url" not in command for command in manifest["features"]["slash_commands"])
    # Everything else is the HTTP manifest's.
    http = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert manifest["oauth_config"] == http["oauth_config"]
    assert (
        manifest["settings"]["event_subscriptions"]["bot_events"]
        == (http["settings"]["event_subscriptions"]["bot_events"])
    )
    schema = json.loads(
        (ROOT / "tests" / "data" / "slack" / "manifest.schema.1.0.0.json").read_text()
    )
    assert list(jsonschema.Draft7Validator(schema).iter_errors(manifest)) == []


@pytest.mark.slow
def test_manifest_socket_mode_needs_no_url(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "")}
    result = run_cli("manifest", "--socket-mode", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["settings"]["socket_mode_enabled"] is True
    both = run_cli("manifest", "--socket-mode", "--url", "https://x.example", env=env, cwd=tmp_path)
    assert both.returncode == 2
    neither = run_cli("manifest", env=env, cwd=tmp_path)
    assert neither.returncode == 2 and "--socket-mode" in neither.stderr


async def test_building_the_bot_does_not_warn_of_an_unused_token(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """Bolt reads SLACK_BOT_TOKEN itself when given none and warned, on every start, that the
    client's token (the same one) wins."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-from-the-environment",
        slack_app_token=APP_TOKEN,
        database_url=f"sqlite:///{tmp_path}/warn.db",
    )
    with caplog.at_level(logging.WARNING):
        bot = build_app(settings)
    try:
        assert [r.getMessage() for r in caplog.records if "unused" in r.getMessage()] == []
        assert bot.bolt.client.token == "xoxb-from-the-environment"
    finally:
        await bot.store.aclose()
        await bot.backend.aclose()
        await bot.backend.aclose_sandbox()
