"""`bookeo-bot` as a user runs it: real processes, real sockets on loopback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), **(env or {})},
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "sandbox" in result.stdout and "config" in result.stdout
    assert "--seed" in run("sandbox", "--help").stdout
    assert run().returncode == 2  # no command: usage, not a crash


def test_config_masks_secrets() -> None:
    result = run("config", env={"SLACK_BOT_TOKEN": "xoxb-very-secret", "PORT": "4000"})
    assert result.returncode == 0
    assert "SLACK_BOT_TOKEN=********" in result.stdout
    assert "PORT=4000" in result.stdout
    assert "xoxb-very-secret" not in result.stdout
    assert "sandbox stands in" in result.stdout


@pytest.fixture
def sandbox_process() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "sandbox",
            "--port",
            "0",
            "--seed",
            "3",
            "--api-key",
            "K",
            "--secret-key",
            "S",
            "--timezone",
            "America/New_York",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PATH": os.environ.get("PATH", "")},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/v2", line)
    assert match, line
    yield match.group(1), process
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)
    process.stdout.close()


def test_the_sandbox_serves_a_seeded_business_over_http(
    sandbox_process: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = sandbox_process
    keys = {"X-Bookeo-apiKey": "K", "X-Bookeo-secretKey": "S"}
    with httpx.Client(base_url=base, timeout=10) as http:
        products = http.get("/v2/settings/products", headers=keys)
        assert products.status_code == 200
        assert len(products.json()["data"]) >= 5
        assert http.get("/v2/settings/products").status_code == 403
        wrong = http.get("/v2/settings/products", headers={**keys, "X-Bookeo-secretKey": "x"})
        assert wrong.status_code == 403
        business = http.get("/v2/settings/business", params={"apiKey": "K", "secretKey": "S"})
        assert business.json()["name"].startswith("Harbourside")
        admin = http.get("/_sandbox").json()
        assert admin["timezone"] == "America/New_York" and admin["bookings"] >= 200
        faults = http.post("/_sandbox/faults", json={"throttle_next": 1}).json()
        assert faults["throttle_next"] == 1
        throttled = http.get("/v2/settings/business", headers=keys)
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
        assert http.post("/_sandbox/faults", json={"nonsense": 1}).status_code == 400
    assert process.poll() is None
