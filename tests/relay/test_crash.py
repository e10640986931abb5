"""Kill the bot with SIGKILL in the middle of a burst, start it again: every booking still
reaches the channel, and no card is posted twice. Real processes, real sockets on loopback:
the sandbox (sending signed webhooks), the bot, and the fake Slack in this test process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.fakes.processes import free_port, sandbox_process, start_bot, until_ready
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET, signed_headers, slash_command

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
CHANNEL = "CCRASH"


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with sandbox_process() as url:
        yield url


async def test_sigkill_mid_burst_loses_nothing(
    sandbox_url: str, fake_slack: FakeSlackAPI, tmp_path: Path
) -> None:
    port = free_port()
    bot_url = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-crash",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "BOOKEO_API_KEY": "sandbox-api-key",
        "BOOKEO_SECRET_KEY": "sandbox-secret-key",
        "BOOKEO_API_URL": f"{sandbox_url}/v2",
        "PUBLIC_URL": bot_url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/crash.db",
        "PORT": str(port),
        "BUSINESS_TIMEZONE": "Australia/Sydney",
        "BOT_ADMINS": "UADMIN",
    }
    log = tmp_path / "bot.log"
    bot = start_bot(env, log)
    try:
        await until_ready(bot_url)
        async with (
            httpx.AsyncClient(base_url=sandbox_url) as sandbox,
            httpx.AsyncClient() as http,
        ):
            for _ in range(100):  # registration happens in the background at start
                hooks = (await sandbox.get("/_sandbox")).json()["webhooks"]
                if len(hooks) == 4:
                    break
                await asyncio.sleep(0.1)
            body = slash_command(
                "subscribe",
                user="UADMIN",
                channel=CHANNEL,
                response_url=fake_slack.response_url("sub"),
            )
            assert (
                await http.post(
                    f"{bot_url}/slack/events", content=body, headers=signed_headers(body)
                )
            ).status_code == 200
            await fake_slack.wait_for("respond:sub", within=10)
            state = (await sandbox.get("/_sandbox")).json()
            product_ids = list(state["products"])
            slots = (
                await sandbox.get(
                    "/v2/availability/slots",
                    params={
                        "startTime": (datetime.now(UTC) + timedelta(days=2)).isoformat(
                            timespec="seconds"
                        ),
                        "endTime": (datetime.now(UTC) + timedelta(days=20)).isoformat(
                            timespec="seconds"
                        ),
                    },
                    headers={
                        "X-Bookeo-apiKey": "sandbox-api-key",
                        "X-Bookeo-secretKey": "sandbox-secret-key",
                    },
                )
            ).json()
            free = [s for s in slots["data"] if s["numSeatsAvailable"] >= 1]
            assert product_ids and len(free) >= 30
            made: list[str] = []

            async def book(slot: dict) -> None:
                event_product = next(p for p in product_ids if slot["eventId"].startswith(p[:12]))
                answer = await sandbox.post(
                    "/_sandbox/bookings",
                    json={
                        "productId": event_product,
                        "eventId": slot["eventId"],
                        "customerId": "CU00010001SBX",
                        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
                    },
                )
                assert answer.status_code == 201, answer.text
                made.append(answer.json()["bookingNumber"])

            for slot in free[:10]:
                await book(slot)
            bot.send_signal(signal.SIGKILL)  # mid-burst: deliveries in flight, some not yet sent
            bot.wait(timeout=10)
            for slot in free[10:30]:
                await book(slot)
            await asyncio.sleep(1.0)
            bot = start_bot(env, log)
            await until_ready(bot_url)

            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                shown = "\n".join(
                    str(c.get("text", ""))
                    for c in fake_slack.of("chat.postMessage")
                    if c.get("channel") == CHANNEL
                )
                if all(f"`{n}`" in shown or f"Booking {n}" in shown for n in made):
                    break
                await asyncio.sleep(0.25)
            missing = [n for n in made if f"`{n}`" not in shown and f"Booking {n}" not in shown]
            assert missing == [], f"never reached Slack: {missing}\n{log.read_text()[-3000:]}"
            cards = [
                c
                for c in fake_slack.of("chat.postMessage")
                if c.get("channel") == CHANNEL and c.get("blocks") and not c.get("thread_ts")
            ]
            numbers = [re.search(r"Booking (\d+)", c["text"]).group(1) for c in cards]
            assert len(numbers) == len(set(numbers)), "a card was posted twice"
    finally:
        bot.kill()
        bot.wait(timeout=10)
