"""An unsigned 50 MB body against a real `serve`: refused with 413 before it is read whole,
and the process grows by less than 20 MB."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.fakes.processes import free_port, start_bot, until_ready
from tests.fakes.slack_api import FakeSlackAPI
from tests.reliability.test_connections import bot_env, sandbox_url  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
SIZE = 50 * 1024 * 1024


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def chunks() -> object:
    block = b"payload=" + b"[" * (1024 * 1024 - 8)
    for _ in range(SIZE // len(block)):
        yield block


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_unsigned_50_mb_body_is_refused_and_rss_grows_under_20_mb(
    sandbox_url: str,  # noqa: F811
    fake_slack: FakeSlackAPI,
    tmp_path: Path,
    declared: bool,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = start_bot(bot_env(sandbox_url, fake_slack, port, tmp_path), tmp_path / "bot.log")
    try:
        await until_ready(base)
        before = rss_kb(bot.pid)
        headers = {"content-type": "application/x-www-form-urlencoded"}
        async with httpx.AsyncClient(timeout=30) as http:
            try:
                if declared:
                    answer = await http.post(
                        f"{base}/slack/events", content=b"payload=" + b"[" * SIZE, headers=headers
                    )
                else:
                    answer = await http.post(
                        f"{base}/slack/events", content=chunks(), headers=headers
                    )
                status = answer.status_code
            except httpx.TransportError:  # refused and closed while we were still sending
                status = 413
            assert status == 413
            assert (await http.get(f"{base}/healthz")).status_code == 200
        grown_mb = (rss_kb(bot.pid) - before) / 1024
        print(f"\nbig body ({'declared' if declared else 'chunked'}): RSS grew {grown_mb:.1f} MB")
        assert grown_mb < 20
    finally:
        bot.kill()
        bot.wait(timeout=10)
