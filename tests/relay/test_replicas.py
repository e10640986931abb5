"""Three bot replicas on one PostgreSQL database, behind one fake Slack: 1,000 webhook
deliveries sent to random replicas (some to two), every change reflected once, no card twice,
the digest posted once; then the scheduler's replica is killed and another takes over.

Real processes on loopback: the sandbox (its own webhooks switched off: the test is Bookeo
here, signing each delivery as Bookeo does), three `bookeo-bot serve`, the fake Slack in
this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.bookeo.webhooks import compute_signature
from tests.conftest import TEST_DATABASE_URL, fresh_postgres_database
from tests.fakes.processes import (
    BOOKEO_HEADERS,
    SECRET_KEY,
    free_port,
    sandbox_process,
    start_bot,
    until_ready,
)
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET, signed_headers, slash_command

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
]
CHANNEL, DIGEST, DIGEST_AFTER = "CREPLICAS", "CDIGEST", "CDIGEST2"
SYDNEY = ZoneInfo("Australia/Sydney")
PUBLIC_URL = "https://bookeo-bot.example.test"  # what Bookeo signs; the replicas sit behind it
REPLICAS = 3
TOTAL = 1000  # webhook deliveries, before the repeats


class Replicas:
    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.env, self.tmp_path = env, tmp_path
        self.urls: list[str] = []
        self.processes: list = []

    def start(self, index: int) -> None:
        port = free_port()
        env = {**self.env, "PORT": str(port)}
        self.urls.append(f"http://127.0.0.1:{port}")
        self.processes.append(start_bot(env, self.tmp_path / f"replica{index}.log"))

    def alive(self) -> list[int]:
        return [i for i, p in enumerate(self.processes) if p.poll() is None]

    def logs(self) -> str:
        return "\n".join(
            f"--- replica {i}\n{(self.tmp_path / f'replica{i}.log').read_text()[-1500:]}"
            for i in range(len(self.processes))
        )

    async def leaders(self, http: httpx.AsyncClient) -> list[int]:
        held = []
        for i in self.alive():
            text = (await http.get(f"{self.urls[i]}/metrics")).text
            if re.search(r"^bookeo_bot_scheduler_leader 1\.0$", text, re.MULTILINE):
                held.append(i)
        return held


async def eventually(check, within: float, every: float = 0.25) -> None:
    """Poll `check()` (sync or async) until it is true or `within` seconds have passed."""
    for _ in range(max(1, int(within / every))):
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(every)


def pending(database: str) -> int:
    with psycopg.connect(database) as connection:
        row = connection.execute("SELECT count(*) FROM inbox WHERE state = 'pending'").fetchone()
    assert row is not None
    return int(row[0])


def delivery(domain: str, type_: str, item_id: str, item: dict) -> tuple[str, bytes, dict]:
    """A delivery as Bookeo sends it (API.md §6), signed with the registered URL."""
    url = f"{PUBLIC_URL}/bookeo/webhooks/{domain}/{type_}"
    timestamp = str(int(time.time() * 1000))
    message_id = uuid.uuid4().hex
    body = json.dumps({"itemId": item_id, "timestamp": timestamp, "item": item}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Bookeo-MessageId": message_id,
        "X-Bookeo-Timestamp": timestamp,
        "X-Bookeo-Signature": compute_signature(
            SECRET_KEY, timestamp_ms=timestamp, message_id=message_id, url=url, body=body
        ),
    }
    return f"/bookeo/webhooks/{domain}/{type_}", body, headers


async def make_changes(sandbox: httpx.AsyncClient) -> tuple[list[tuple], dict[str, str]]:
    """Back-office changes in the sandbox, in phases a second apart (Bookeo's change times
    are whole seconds); returns the deliveries they call for and each booking's final state."""
    now = datetime.now(UTC)
    slots = (
        await sandbox.get(
            "/v2/availability/slots",
            params={
                "startTime": (now + timedelta(days=2)).isoformat(timespec="seconds"),
                "endTime": (now + timedelta(days=25)).isoformat(timespec="seconds"),
            },
            headers=BOOKEO_HEADERS,
        )
    ).json()["data"]
    seats = [s for s in slots for _ in range(min(int(s["numSeatsAvailable"]), 6))]
    products = list((await sandbox.get("/_sandbox")).json()["products"])
    random.Random(7).shuffle(seats)
    deliveries: list[tuple] = []
    final: dict[str, str] = {}
    created: list[tuple[str, dict]] = []

    def product_of(slot: dict) -> str:  # the sandbox's event ids start with their product's
        return next(p for p in products if slot["eventId"].startswith(p[:12]))

    for slot in seats[:200]:
        product = product_of(slot)
        answer = await sandbox.post(
            "/_sandbox/bookings",
            json={
                "productId": product,
                "eventId": slot["eventId"],
                "customerId": "CU00010001SBX",
                "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
            },
        )
        assert answer.status_code == 201, answer.text
        item = answer.json()
        created.append((item["bookingNumber"], slot))
        final[item["bookingNumber"]] = "live"
        deliveries.append(delivery("bookings", "created", item["bookingNumber"], item))
    await asyncio.sleep(1.1)
    for number, slot in created[:150]:  # moved to another slot of the same product
        other = next(
            (
                s
                for s in seats[200:]
                if product_of(s) == product_of(slot) and s["eventId"] != slot["eventId"]
            ),
            None,
        )
        if other is None:
            continue
        answer = await sandbox.post(
            f"/_sandbox/bookings/{number}/move", json={"eventId": other["eventId"]}
        )
        if answer.status_code == 200:
            deliveries.append(delivery("bookings", "updated", number, answer.json()))
    # Paid in instalments: as many as make 1,000 deliveries with the cancellations to come.
    cancellations = len(created[::2])
    instalments = -(-(TOTAL - len(deliveries) - cancellations) // len(created))
    for number, _slot in created:
        for _ in range(instalments):
            answer = await sandbox.post(
                f"/_sandbox/bookings/{number}/payments", json={"amount": "1.00"}
            )
            assert answer.status_code == 201, answer.text
            payment = answer.json()
            deliveries.append(delivery("payments", "created", str(payment["id"]), payment))
    await asyncio.sleep(1.1)
    for number, _slot in created[::2]:  # half of them canceled
        answer = await sandbox.post(f"/_sandbox/bookings/{number}/cancel", json={"reason": "test"})
        assert answer.status_code == 200, answer.text
        final[number] = "canceled"
        deliveries.append(delivery("bookings", "deleted", number, answer.json()))
    return deliveries, final


async def test_replicas_share_the_work_and_hand_over_the_scheduler(
    fake_slack: FakeSlackAPI, tmp_path: Path
) -> None:
    with fresh_postgres_database() as database, sandbox_process("--drop-webhooks", "1") as box:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "SLACK_BOT_TOKEN": "xoxb-replicas",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.base_url,
            "BOOKEO_API_KEY": BOOKEO_HEADERS["X-Bookeo-apiKey"],
            "BOOKEO_SECRET_KEY": SECRET_KEY,
            "BOOKEO_API_URL": f"{box}/v2",
            "PUBLIC_URL": PUBLIC_URL,
            "DATABASE_URL": database,
            "BUSINESS_TIMEZONE": "Australia/Sydney",
            "BOT_ADMINS": "UADMIN",
        }
        replicas = Replicas(env, tmp_path)
        for index in range(REPLICAS):
            replicas.start(index)  # together: they take turns on the migrations
        plain = make_url(database).set(drivername="postgresql").render_as_string(False)
        try:
            await _scenario(replicas, box, fake_slack, plain)
        finally:
            for process in replicas.processes:
                process.kill()
                process.wait(timeout=10)


async def _scenario(replicas: Replicas, box: str, slack: FakeSlackAPI, database: str) -> None:
    for url in replicas.urls:
        await until_ready(url, within=40)
    rng = random.Random(11)
    async with httpx.AsyncClient(base_url=box) as sandbox, httpx.AsyncClient() as http:

        async def command(text: str, channel: str, token: str) -> str:
            body = slash_command(
                text, user="UADMIN", channel=channel, response_url=slack.response_url(token)
            )
            url = rng.choice([replicas.urls[i] for i in replicas.alive()])
            answer = await http.post(
                f"{url}/slack/events", content=body, headers=signed_headers(body)
            )
            assert answer.status_code == 200
            return str((await slack.wait_for(f"respond:{token}", within=10))[-1]["text"])

        assert "Subscribed" in await command("subscribe", CHANNEL, "sub")
        # The digest: at the next whole minute at least 25 s away, local time.
        local = datetime.now(SYDNEY) + timedelta(seconds=25)
        first_digest = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
        assert "Today's roster" in await command(
            f"digest {first_digest:%H:%M} always", DIGEST, "d1"
        )

        deliveries, final = await make_changes(sandbox)
        duplicates = rng.sample(range(len(deliveries)), k=len(deliveries) // 10)
        sends = [(d, rng.randrange(REPLICAS)) for d in deliveries]
        sends += [(deliveries[i], rng.randrange(REPLICAS)) for i in duplicates]  # to another
        assert len(deliveries) >= TOTAL
        gate = asyncio.Semaphore(16)
        answers: Counter[int] = Counter()

        async def send(item: tuple, replica: int) -> None:
            path, body, headers = item
            async with gate:
                answer = await http.post(
                    f"{replicas.urls[replica]}{path}", content=body, headers=headers
                )
            answers[answer.status_code] += 1

        await asyncio.gather(*(send(item, replica) for item, replica in sends))
        assert answers == Counter({200: len(sends)}), answers

        await eventually(lambda: pending(database) == 0, within=90)
        assert pending(database) == 0, replicas.logs()

        posts = [c for c in slack.of("chat.postMessage") if c.get("channel") == CHANNEL]
        updates = [c for c in slack.of("chat.update") if c.get("channel") == CHANNEL]
        cards = [c for c in posts if c.get("blocks") and not c.get("thread_ts")]
        carded = [re.search(r"Booking (\d+)", c["text"]).group(1) for c in cards]
        assert len(carded) == len(set(carded)), "a card was posted twice"
        shown = "\n".join(str(c.get("text", "")) for c in posts)
        missing = [n for n in final if f"`{n}`" not in shown and f"Booking {n}" not in shown]
        assert missing == [], f"never reached Slack: {missing}"
        lines = Counter((c["thread_ts"], c["text"]) for c in posts if c.get("thread_ts"))
        assert [line for line, n in lines.items() if n > 1] == [], "a change was told twice"
        for number, state in final.items():  # each card ends showing its booking's last state
            last = [c["text"] for c in [*cards, *updates] if f"Booking {number} " in c["text"]]
            if last:
                assert last[-1].endswith("canceled") == (state == "canceled"), number

        # The digest, once, from whichever replica holds the scheduler.
        async def digests(channel: str) -> list[dict]:
            return [
                c
                for c in slack.of("chat.postMessage")
                if c.get("channel") == channel and str(c.get("text", "")).startswith("Today")
            ]

        wait = (first_digest - datetime.now(SYDNEY)).total_seconds() + 15
        await eventually(lambda: digests(DIGEST), within=wait)
        assert len(await digests(DIGEST)) == 1, replicas.logs()

        # Kill the scheduler's replica: another takes over and runs the next digest.
        [holder] = await replicas.leaders(http)
        replicas.processes[holder].send_signal(signal.SIGKILL)
        replicas.processes[holder].wait(timeout=10)
        local = datetime.now(SYDNEY) + timedelta(seconds=25)
        second_digest = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
        await command(f"digest {second_digest:%H:%M} always", DIGEST_AFTER, "d2")
        await eventually(lambda: replicas.leaders(http), within=20)
        [successor] = await replicas.leaders(http)
        assert successor != holder
        wait = (second_digest - datetime.now(SYDNEY)).total_seconds() + 15
        await eventually(lambda: digests(DIGEST_AFTER), within=wait)
        assert len(await digests(DIGEST_AFTER)) == 1, replicas.logs()
        assert len(await digests(DIGEST)) == 1  # the new holder did not post the first again
