"""What every benchmark runs against: the sandbox and the bot as real processes on loopback,
the fake Slack from the tests in this process, and small statistics helpers."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.processes import (
    BOOKEO_HEADERS,
    SECRET_KEY,
    free_port,
    sandbox_process,
    start_bot,
    until_ready,
)
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET

__all__ = ["BOOKEO_HEADERS", "SECRET_KEY", "Stack", "TimedSlack", "percentile", "rss_mb", "stack"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50) * 1000:.1f} ms · p99 {percentile(values, 99) * 1000:.1f} ms"
        f" (n={len(values)}, mean {statistics.fmean(values) * 1000:.1f} ms)"
    )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class TimedSlack(FakeSlackAPI):
    """The tests' fake Slack, noting when each call it accepted arrived (a call answered 429,
    and retried later, is not a message)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, str, dict[str, Any]]] = []

    async def _api(self, request):  # type: ignore[no-untyped-def]
        arrived = time.perf_counter()
        response = await super()._api(request)
        if response.status == 200:
            self.arrivals.append((arrived, self.calls[-1].method, self.calls[-1].args))
        return response


class Stack:
    def __init__(
        self,
        sandbox: str,
        slack: TimedSlack,
        bot: str,
        process: subprocess.Popen[bytes],
        ready_seconds: float,
    ) -> None:
        self.sandbox, self.slack, self.bot = sandbox, slack, bot
        self.process, self.ready_seconds = process, ready_seconds


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    os.environ.setdefault("TEST_DATABASE_URL", url)
    from tests.conftest import fresh_postgres_database

    with fresh_postgres_database() as fresh:
        yield fresh


@asynccontextmanager
async def stack(
    *sandbox_args: str, database: str | None = None, webhooks_to_bot: bool = True
) -> AsyncIterator[Stack]:
    """Sandbox + fake Slack + one `bookeo-bot serve`, torn down afterwards."""
    slack = TimedSlack()
    await slack.start()
    log = Path(tempfile.mkdtemp()) / "bot.log"
    try:
        with _database(database) as db, sandbox_process(*sandbox_args) as sandbox:
            port = free_port()
            bot_url = f"http://127.0.0.1:{port}"
            env = {
                "PATH": os.environ.get("PATH", ""),
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": slack.base_url,
                "BOOKEO_API_KEY": BOOKEO_HEADERS["X-Bookeo-apiKey"],
                "BOOKEO_SECRET_KEY": SECRET_KEY,
                "BOOKEO_API_URL": f"{sandbox}/v2",
                "PUBLIC_URL": bot_url if webhooks_to_bot else "https://bot.invalid",
                "DATABASE_URL": db,
                "PORT": str(port),
                "BUSINESS_TIMEZONE": "Australia/Sydney",
                "BOT_ADMINS": "UADMIN",
                "LOG_LEVEL": "WARNING",
            }
            started = time.perf_counter()
            process = start_bot(env, log)
            try:
                await until_ready(bot_url, within=60)
                ready = time.perf_counter() - started
                if webhooks_to_bot:
                    await _registered(sandbox)
                yield Stack(sandbox, slack, bot_url, process, ready)
            finally:
                process.kill()
                process.wait(timeout=10)
    finally:
        await slack.stop()


async def _registered(sandbox: str) -> None:
    async with httpx.AsyncClient(base_url=sandbox) as http:
        for _ in range(100):
            if len((await http.get("/_sandbox")).json()["webhooks"]) >= 4:
                return
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not register its webhooks")


def python() -> str:
    return sys.executable
