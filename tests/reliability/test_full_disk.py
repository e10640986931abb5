"""SQLite on a real full disk (issue 14): the database lives on a small tmpfs, filled to the
last byte. While writes fail the bot says so (/readyz 503) and posts nothing it cannot
record; once space is freed it recovers without a restart — writes commit, /readyz is 200,
the webhooks waiting in the inbox are delivered once — and its write-ahead log is
checkpointed back to nothing instead of keeping the size the full disk left it at.

Mounting needs root (CAP_SYS_ADMIN); where it is not permitted the tests are skipped."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import BotApp
from bot.sandbox import Sandbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.relay.test_relay import command, in_channel, next_event
from tests.reliability.test_ready import readyz
from tests.reliability.test_slack_faults import delivered, until

pytestmark = pytest.mark.asyncio
DISK = "8m"
SMALL_WAL = 16 * 1024  # bytes: a few pages


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of its own for the database directory, unmounted afterwards."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def database_url(disk: Path) -> str:
    return f"sqlite:///{disk}/bot.db"


def fill(disk: Path) -> Path:
    """Take every byte left on the disk (a real ENOSPC, not a simulated one)."""
    ballast = disk / "ballast"
    with contextlib.suppress(OSError), open(ballast, "wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 4096)
    return ballast


def wal(disk: Path) -> int:
    path = disk / "bot.db-wal"
    return path.stat().st_size if path.exists() else 0


async def back_office_booking(sandbox: Sandbox, hours: int) -> str:
    """A booking made in Bookeo's back office, its webhook left to the sender (not drained:
    its retries wait for the disk to be freed)."""
    event = next_event(
        sandbox, "Harbour Walking Tour", after=datetime.now(UTC) + timedelta(hours=hours), seats=1
    )
    body = {
        "productId": event.product_id,
        "eventId": event.event_id,
        "customerId": next(iter(sandbox.state.customers)),
        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
    }
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox") as http:
        response = await http.post("/_sandbox/bookings", json=body)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["bookingNumber"])


async def test_a_full_disk_is_not_ready_and_recovers_once_space_is_freed(
    disk: Path, bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    assert await readyz(bot) == 200
    posted_before = len(in_channel(fake_slack, "chat.postMessage"))
    freed = asyncio.Event()
    retried: list[float] = []

    async def later(seconds: float) -> None:  # Bookeo's next try comes after the disk is freed
        retried.append(seconds)
        await freed.wait()

    sandbox.sender._sleep = later
    ballast = fill(disk)
    numbers = [await back_office_booking(sandbox, 30 + 24 * day) for day in range(4)]
    await until(lambda: asyncio.sleep(0, bool(retried)))  # the bot refused to take one: 503
    assert bot.intake.counts["unavailable"] >= 1
    assert await readyz(bot) == 503
    assert not await bot.maintain_store()  # the periodic pass: still cannot write
    assert len(in_channel(fake_slack, "chat.postMessage")) == posted_before
    full_wal = wal(disk)

    ballast.unlink()  # space is freed; the same process carries on
    assert await bot.maintain_store()  # what the 30-s pass does: writes commit again
    assert await readyz(bot) == 200
    # Checkpointed into the database and truncated (the readiness write since adds a page).
    assert wal(disk) <= SMALL_WAL < full_wal, (wal(disk), full_wal)
    print(f"\nfull disk: the write-ahead log was {full_wal} bytes, {wal(disk)} after recovery")
    freed.set()
    await sandbox.drain_webhooks()
    await until(lambda: delivered(bot), within=10)  # no wake-up, no restart
    top = in_channel(fake_slack, "chat.postMessage", thread=False)[posted_before:]
    shown = "\n".join(c.get("text", "") for c in top)
    for number in numbers:
        assert shown.count(f"Booking {number}") == 1, shown
    assert (await bot.store.relay.backlog()).get("dead", 0) == 0
