"""`bookeo-bot check` tells the truth: all ✓ against a working setup, the right ✗ otherwise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.doctor import REQUIRED_SCOPES
from tests.fakes.slack_api import FakeSlackAPI

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def check(
    env: dict[str, str], tmp_path: Path, *, upgrade: bool = True
) -> tuple[int, list[str]]:
    import asyncio

    base = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{tmp_path}/check.db"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=base | env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    if upgrade:
        await asyncio.to_thread(run, "db", "upgrade")
    result = await asyncio.to_thread(run, "check")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout.strip().splitlines()


async def test_all_green_on_the_sandbox(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    code, lines = await check(
        {
            "SLACK_BOT_TOKEN": "xoxb-t",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake_slack.base_url,
        },
        tmp_path,
    )
    assert [line[0] for line in lines] == ["✓"] * 6, lines
    assert code == 0
    assert any("slack: auth.test ok as UBOT" in line for line in lines)


async def test_a_new_install_is_not_a_failure(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-t",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": fake_slack.base_url,
    }
    code, lines = await check(env, tmp_path, upgrade=False)
    assert code == 0, lines
    assert any(line.startswith("✓ database:") and "serve" in line for line in lines), lines
    assert not (tmp_path / "check.db").exists()  # check never creates the file


async def test_missing_scopes_are_named(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    fake_slack.stage(
        "auth.test", headers={"x-oauth-scopes": "commands"}, ok=True, user_id="UBOT", team="T"
    )
    code, lines = await check(
        {
            "SLACK_BOT_TOKEN": "xoxb-t",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake_slack.base_url,
        },
        tmp_path,
    )
    assert code == 1
    assert re.search(r"✗ slack: token lacks scopes .*chat:write", "\n".join(lines))


async def test_wrong_bookeo_keys_and_no_public_url(
    fake_slack: FakeSlackAPI, tmp_path: Path
) -> None:
    sandbox = subprocess.Popen(  # noqa: ASYNC220 - a long-lived server process
        [
            sys.executable,
            "-m",
            "bot",
            "sandbox",
            "--port",
            "0",
            "--api-key",
            "K",
            "--secret-key",
            "S",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={"PATH": os.environ.get("PATH", "")},
    )
    try:
        assert sandbox.stdout is not None
        url = re.search(r"(http://127\.0\.0\.1:\d+)", sandbox.stdout.readline()).group(1)
        code, lines = await check(
            {
                "SLACK_BOT_TOKEN": "xoxb-t",
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_API_URL": fake_slack.base_url,
                "BOOKEO_API_URL": f"{url}/v2",
                "BOOKEO_API_KEY": "K",
                "BOOKEO_SECRET_KEY": "wrong",
            },
            tmp_path,
        )
        text = "\n".join(lines)
        assert code == 1
        assert (
            "✗ bookeo:" in text and "403" in text and "BOOKEO_API_KEY / BOOKEO_SECRET_KEY" in text
        )
        assert "✗ public url: PUBLIC_URL is not set" in text
        assert "✓ database" in text and "✓ slack" in text
        assert "wrong" not in text  # no secret in the output
    finally:
        sandbox.kill()
        sandbox.wait(timeout=10)
        sandbox.stdout.close()


async def test_bad_settings_are_failed_checks(tmp_path: Path) -> None:
    code, lines = await check({"BUSINESS_TIMEZONE": "Mars/Base"}, tmp_path)
    assert code == 1
    assert lines[0].startswith("✗ settings: BUSINESS_TIMEZONE:")


async def test_required_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == REQUIRED_SCOPES
