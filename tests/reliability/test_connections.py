"""A flood of idle and half-sent connections against a real `serve` on loopback: `/healthz`
still answers, the idle ones are closed (within the header timeout), and the flood is logged
once per interval, not once per connection. Bounded: it opens a fixed number of sockets and
waits a fixed time."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.guard import HEADER_SECONDS, MAX_CONNECTIONS
from tests.fakes.processes import free_port, sandbox_process, start_bot, until_ready
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
IDLE = MAX_CONNECTIONS + 200  # more than the bot keeps open
HALF_SENT = 50


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with sandbox_process() as url:
        yield url


def bot_env(sandbox_url: str, slack: FakeSlackAPI, port: int, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-flood",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "BOOKEO_API_KEY": "sandbox-api-key",
        "BOOKEO_SECRET_KEY": "sandbox-secret-key",
        "BOOKEO_API_URL": f"{sandbox_url}/v2",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{tmp_path}/flood.db",
        "PORT": str(port),
        "BUSINESS_TIMEZONE": "Australia/Sydney",
        "BOT_ADMINS": "UADMIN",
    }


async def closed(reader: asyncio.StreamReader) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1024), 0.01) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


async def test_idle_and_half_sent_connections_are_closed_and_healthz_answers(
    sandbox_url: str, fake_slack: FakeSlackAPI, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "bot.log"
    bot = start_bot(bot_env(sandbox_url, fake_slack, port, tmp_path), log)
    sockets: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    try:
        await until_ready(base)
        for n in range(IDLE + HALF_SENT):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if n >= IDLE:  # headers begun, never finished
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                await writer.drain()
            sockets.append((reader, writer))
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=5) as http:
            started = time.monotonic()
            assert (await http.get(f"{base}/healthz")).status_code == 200
            assert time.monotonic() - started < 2
        # Past the limit, the oldest idle ones made room at once.
        early = sum([await closed(r) for r, _ in sockets])
        assert early >= IDLE + HALF_SENT - MAX_CONNECTIONS
        deadline = time.monotonic() + HEADER_SECONDS + 10
        while time.monotonic() < deadline:
            still = [r for r, _ in sockets if not await closed(r)]
            if not still:
                break
            await asyncio.sleep(0.5)
        assert not still, f"{len(still)} connections still open"
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(f"{base}/healthz")).status_code == 200
    finally:
        for _, writer in sockets:
            writer.close()
        bot.kill()
        bot.wait(timeout=10)
    lines = log.read_text(errors="replace").splitlines()
    notices = [line for line in lines if "connections open" in line]
    assert 1 <= len(notices) <= 2, notices  # once per interval, not once per connection
    assert not any("Traceback" in line for line in lines), lines[-20:]
