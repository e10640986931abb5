"""Deliveries the inbox cannot hold as they are (PostgreSQL's column lengths, NUL, JSON too
deep or numbers too long for Python) are dead-lettered or refused with a 4xx, and never take
the other deliveries committed in the same group commit down with them."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from bot.app import BotApp
from bot.bookeo.webhooks import compute_signature
from bot.sandbox import Sandbox

pytestmark = pytest.mark.asyncio


def signed(
    bot: BotApp, sandbox: Sandbox, path: str, body: bytes, message_id: str
) -> dict[str, str]:
    domain, type_ = path.rsplit("/", 2)[-2:]
    url = bot.intake.url_for(domain, type_)
    ts = str(int(time.time() * 1000))
    sig = compute_signature(
        sandbox.secret_key, timestamp_ms=ts, message_id=message_id, url=url, body=body
    )
    return {
        "X-Bookeo-Timestamp": ts,
        "X-Bookeo-MessageId": message_id,
        "X-Bookeo-Signature": sig,
        "Content-Type": "application/json",
    }


def poisons(sandbox: Sandbox) -> list[tuple[str, bytes, str]]:
    """(path, body, message id) of each kind of poisoned delivery, all validly signed."""
    booking = sandbox.state.booking_json(sandbox.state.bookings["1001"])
    payment = {
        "id": "PAY1",
        "amount": {"amount": "10.00", "currency": "USD"},
        "paymentMethod": "cash",
        "description": "Booking " + "9" * 40,
    }
    long_number = dict(booking, bookingNumber="1" * 40)
    return [
        ("/bookeo/webhooks/bookings/updated", json.dumps({"itemId": "1001"}).encode(), "m" * 129),
        (
            "/bookeo/webhooks/payments/created",
            json.dumps({"itemId": "PAY1", "item": payment}).encode(),
            "p-desc",
        ),
        (
            "/bookeo/webhooks/bookings/updated",
            json.dumps({"itemId": "1" * 40, "item": long_number}).encode(),
            "p-number",
        ),
        ("/bookeo/webhooks/bookings/updated", b"[" * 100_000 + b"]" * 100_000, "p-deep"),
        ("/bookeo/webhooks/bookings/updated", b'{"itemId": ' + b"7" * 5000 + b"}", "p-digits"),
        ("/bookeo/webhooks/bookings/updated", b'{"itemId": "1001", "x": "\x00"}', "p-nul"),
    ]


async def test_each_poisoned_delivery_is_dead_lettered_or_refused(
    bot: BotApp, sandbox: Sandbox
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        answers = [
            await http.post(path, content=body, headers=signed(bot, sandbox, path, body, mid))
            for path, body, mid in poisons(sandbox)
        ]
    assert [a.status_code for a in answers] == [400, 200, 200, 200, 200, 200]
    dead = {message_id for message_id, _, _ in await bot.store.relay.dead_letters(limit=10)}
    assert dead == {"p-desc", "p-number", "p-deep", "p-digits", "p-nul"}
    assert (await bot.store.relay.backlog()).get("pending", 0) == 0


async def test_one_poisoned_row_in_a_batch_of_a_thousand_loses_none_of_the_others(
    bot: BotApp, sandbox: Sandbox
) -> None:
    await bot.delivery.stop()  # only the intake: the inbox keeps what arrives
    body = json.dumps(
        {"itemId": "1001", "item": sandbox.state.booking_json(sandbox.state.bookings["1001"])}
    ).encode()
    path = "/bookeo/webhooks/bookings/updated"
    sends = [(path, body, f"good-{i}") for i in range(999)]
    sends.insert(500, poisons(sandbox)[5])  # the NUL one: PostgreSQL refuses it in a batch
    before = bot.intake.inbox.transactions
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        answers = await asyncio.gather(
            *(http.post(p, content=b, headers=signed(bot, sandbox, p, b, m)) for p, b, m in sends)
        )
    assert [a.status_code for a in answers] == [200] * 1000
    backlog = await bot.store.relay.backlog()
    assert backlog.get("pending", 0) == 999 and backlog.get("dead", 0) == 1
    assert bot.intake.inbox.transactions - before < 1000  # still committed in groups


async def test_a_store_that_refuses_a_row_fails_that_row_alone(
    bot: BotApp, sandbox: Sandbox
) -> None:
    """Isolation in the group commit itself, whatever the database refuses: a row that
    cannot be written even as a dead letter gets its 5xx; its neighbours are stored."""
    from datetime import UTC, datetime

    from bot.store import Received

    now = datetime.now(UTC)
    good = [Received(f"iso-{i}", "bookings", "updated", "1001", "{}", False, now) for i in range(5)]
    bad = Received(None, "bookings", "updated", "1001", "{}", False, now)  # type: ignore[arg-type]
    writer = bot.intake.inbox
    results = await asyncio.gather(
        *(writer.store(d) for d in [*good[:2], bad, *good[2:]]), return_exceptions=True
    )
    assert [r is True for r in results] == [True, True, False, True, True, True]
    assert isinstance(results[2], Exception)
