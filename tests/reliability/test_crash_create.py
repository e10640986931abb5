"""A real `bookeo-bot serve` SIGKILLed in the middle of a create (issue 14). Real processes on
loopback: the sandbox (made slow for writes), the bot, and the fake Slack in this process.

The create form is submitted; Bookeo has the request; the bot is killed before Bookeo
answers, and Bookeo makes the booking all the same. Started again, the bot settles the claim
the dead process left (at once: on SQLite no other process can still be making it): exactly
one booking exists, its notes are stored, the audit row says who made it, and the person is
told the booking number in a DM. The same form submitted again makes no second booking."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.fakes.processes import (
    BOOKEO_HEADERS,
    free_port,
    sandbox_process,
    start_bot,
    until_ready,
)
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    SIGNING_SECRET,
    date_value,
    dispatch_action,
    number,
    select,
    signed_headers,
    slash_command,
    text_input,
    view_submission,
)
from tests.slack.conftest import texts
from tests.slack.test_modals import shown

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
ADMIN = "UADMIN"
CUSTOMER = "CU00010001SBX"
SLOW_WRITES_MS = 2500  # Bookeo takes this long to make a booking: the bot dies meanwhile
TZ = ZoneInfo("Australia/Sydney")
CREATE = "POST /bookings"  # the sandbox's count of create calls (at arrival, before the delay)


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with sandbox_process() as url:
        yield url


async def until(what: Callable[[], Awaitable[Any]], *, within: float = 10.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if found := await what():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


def rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    """Read the bot's SQLite database as it is on disk (what survived the kill)."""
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


async def a_free_slot(sandbox: httpx.AsyncClient) -> dict[str, Any]:
    """An event two days or more ahead with two seats left (the seed moves with today)."""
    start = datetime.now(UTC) + timedelta(days=2)
    slots = (
        await sandbox.get(
            "/v2/availability/slots",
            params={
                "startTime": start.isoformat(timespec="seconds"),
                "endTime": (start + timedelta(days=14)).isoformat(timespec="seconds"),
            },
            headers=BOOKEO_HEADERS,
        )
    ).json()["data"]
    return next(s for s in slots if s["numSeatsAvailable"] >= 2 and s.get("eventId"))


async def test_sigkill_mid_create_settles_one_booking_and_tells_the_person(
    sandbox_url: str, fake_slack: FakeSlackAPI, tmp_path: Path
) -> None:
    port = free_port()
    bot_url = f"http://127.0.0.1:{port}"
    db = tmp_path / "crash.db"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-crash",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "BOOKEO_API_KEY": "sandbox-api-key",
        "BOOKEO_SECRET_KEY": "sandbox-secret-key",
        "BOOKEO_API_URL": f"{sandbox_url}/v2",
        "PUBLIC_URL": bot_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "PORT": str(port),
        "BUSINESS_TIMEZONE": "Australia/Sydney",
        "BOT_ADMINS": ADMIN,
    }
    log = tmp_path / "bot.log"
    bot = start_bot(env, log)
    try:
        async with (
            httpx.AsyncClient(base_url=sandbox_url) as sandbox,
            httpx.AsyncClient(base_url=bot_url) as http,
        ):

            async def send(body: str) -> httpx.Response:
                answer = await http.post(
                    "/slack/events", content=body, headers=signed_headers(body)
                )
                assert answer.status_code == 200, answer.text
                return answer

            await until_ready(bot_url)
            await until(  # registration runs in the background at start: not slowed down
                lambda: _registered(sandbox)
            )
            slot = await a_free_slot(sandbox)
            products = (await sandbox.get("/_sandbox")).json()["products"]
            product = next(p for p in products if slot["eventId"].startswith(p[:12]))
            day = datetime.fromisoformat(slot["startTime"]).astimezone(TZ).date().isoformat()

            await send(slash_command("new", user=ADMIN, response_url=fake_slack.response_url("n")))
            form = await shown(fake_slack, 1)
            chosen = {B.PRODUCT: select(product), B.DATE: date_value(day)}
            await send(dispatch_action(form, chosen, user=ADMIN, action_id=Action.CREATE_PRODUCT))
            form = await shown(fake_slack, 2)
            values = {
                **chosen,
                B.SLOT: select(f"e:{slot['eventId']}"),
                f"{B.PEOPLE_PREFIX}Cadults": number(2),
                B.CUSTOMER: select(CUSTOMER, "external_select"),
                B.NOTES: text_input("Window seat, gluten free"),
            }
            before = (await sandbox.get("/_sandbox")).json()["bookings"]
            calls = (await sandbox.get("/_sandbox/calls")).json()
            await sandbox.post(
                "/_sandbox/faults", json={"latency_ms": SLOW_WRITES_MS, "only_writes": True}
            )
            ack = (await send(view_submission(form, values, user=ADMIN))).json()
            assert "Creating" in texts(ack), ack

            async def bookeo_has_it() -> bool:
                now = (await sandbox.get("/_sandbox/calls")).json()
                return now.get(CREATE, 0) > calls.get(CREATE, 0)

            await until(bookeo_has_it)  # the POST reached Bookeo, which is still working on it
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            assert rows(db, "SELECT state FROM idempotency") == [("pending",)]

            async def made() -> bool:
                return (await sandbox.get("/_sandbox")).json()["bookings"] == before + 1

            await until(made)  # Bookeo made it, with nobody left to hear the answer
            await sandbox.post("/_sandbox/faults", json={"latency_ms": 0, "only_writes": False})
            updates = len(fake_slack.of("views.update"))
            bot = start_bot(env, log)
            await until_ready(bot_url)

            async def told() -> list[dict[str, Any]]:
                return [m for m in fake_slack.of("chat.postMessage") if m.get("channel") == ADMIN]

            [dm] = await until(told)
            [(state, booking)] = rows(db, "SELECT state, booking_number FROM idempotency")
            assert state == "done" and f"Booking *{booking}* was created" in dm["text"]
            assert rows(
                db, f"SELECT text FROM booking_notes WHERE booking_number = '{booking}'"
            ) == [("Window seat, gluten free",)]
            assert rows(db, "SELECT user_id, booking_number, outcome FROM audit") == [
                (ADMIN, booking, "ok")
            ]

            again = json.dumps(
                (await send(view_submission(form, values, user=ADMIN))).json(),
                ensure_ascii=False,
            ) + json.dumps(fake_slack.of("views.update")[updates:], ensure_ascii=False)
            assert "already created" in again and booking in again, again
            assert (await sandbox.get("/_sandbox")).json()["bookings"] == before + 1
    finally:
        bot.kill()
        bot.wait(timeout=10)


async def _registered(sandbox: httpx.AsyncClient) -> bool:
    return len((await sandbox.get("/_sandbox")).json()["webhooks"]) == 4
