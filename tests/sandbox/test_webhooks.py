"""The sandbox's webhook deliveries: signed as API.md §6 says, retried, blocked, flagged lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.bookeo import InvalidSignature
from bot.bookeo.models import WebhookDomain, WebhookType
from bot.bookeo.webhooks import ReplayGuard, parse_event, unwrap, verify_signature
from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from tests.fakes.openapi import validate_webhook_delivery
from tests.fakes.receiver import WebhookReceiver

pytestmark = pytest.mark.asyncio
BASE = "https://bot.example.com/bookeo/webhooks"
KEYS = {"X-Bookeo-apiKey": DEFAULT_API_KEY, "X-Bookeo-secretKey": DEFAULT_SECRET_KEY}


@pytest.fixture
async def http(sandbox: Sandbox):
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="https://api.bookeo.com/v2/", headers=KEYS
    ) as client:
        yield client


async def register(http: httpx.AsyncClient, domain: str, type_: str) -> str:
    url = f"{BASE}/{domain}/{type_}?account=demo"
    answer = await http.post("webhooks", json={"url": url, "domain": domain, "type": type_})
    assert answer.status_code == 201, answer.text
    return url


def upcoming_event(sandbox: Sandbox):
    return next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.start > datetime.now(UTC) + timedelta(hours=2)
        and sandbox.state.seats_available(e) >= 2
        and sandbox.state.products[e.product_id].type == "fixed"
    )


async def book(http: httpx.AsyncClient, sandbox: Sandbox) -> dict:
    event = upcoming_event(sandbox)
    made = await http.post(
        "bookings",
        json={
            "productId": event.product_id,
            "eventId": event.event_id,
            "customerId": next(iter(sandbox.state.customers)),
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
        },
    )
    assert made.status_code == 201
    return made.json()


async def test_a_create_sends_a_signed_delivery_the_client_verifies(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    url = await register(http, "bookings", "created")
    booking = await book(http, sandbox)
    await sandbox.drain_webhooks()
    [delivery] = receiver.deliveries
    assert delivery.url == url
    validate_webhook_delivery(delivery.headers, delivery.body)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "x-bookeo-signature"}
    with pytest.raises(Exception, match="X-Bookeo-Signature"):
        validate_webhook_delivery(unsigned, delivery.body)  # the check is live
    event = unwrap(
        delivery.body,
        delivery.headers,
        secret_key=DEFAULT_SECRET_KEY,
        url=url,
        domain="bookings",
        type="created",
    )
    assert event.domain is WebhookDomain.BOOKINGS and event.type is WebhookType.CREATED
    assert event.item_id == booking["bookingNumber"]
    assert event.booking is not None and event.booking.customer is not None
    assert not event.previous_message_lost
    # The body's timestamp is the change time in RFC 3339, not the header's Unix ms (#15).
    assert datetime.fromisoformat(json.loads(delivery.body)["timestamp"]).tzinfo is not None


async def test_tampering_is_detected(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    url = await register(http, "bookings", "created")
    await book(http, sandbox)
    await sandbox.drain_webhooks()
    d = receiver.deliveries[0]
    verify = {"secret_key": DEFAULT_SECRET_KEY, "headers": d.headers, "url": url, "body": d.body}
    verify_signature(**verify)
    flipped = bytearray(d.body)
    flipped[10] ^= 1
    stamp = int(d.headers["x-bookeo-timestamp"])
    for name, change in {
        "a changed byte": {"body": bytes(flipped)},
        "a wrong url": {"url": url.replace("?account=demo", "")},
        "a wrong key": {"secret_key": DEFAULT_API_KEY},
        "a stale timestamp": {"now_ms": stamp + 120_001},
        "a future timestamp": {"now_ms": stamp - 120_001},
    }.items():
        with pytest.raises(InvalidSignature):
            verify_signature(**(verify | change))
        del name
    guard = ReplayGuard()
    args = {
        "secret_key": DEFAULT_SECRET_KEY,
        "url": url,
        "domain": "bookings",
        "type": "created",
        "replay_guard": guard,
    }
    unwrap(d.body, d.headers, **args)
    with pytest.raises(InvalidSignature, match="replay"):
        unwrap(d.body, d.headers, **args)


async def test_every_change_fires_its_webhook(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    for domain, type_ in [
        ("bookings", "created"),
        ("bookings", "updated"),
        ("bookings", "deleted"),
        ("payments", "created"),
    ]:
        await register(http, domain, type_)
    booking = await book(http, sandbox)
    number = booking["bookingNumber"]
    await http.post(
        f"bookings/{number}/payments",
        json={
            "amount": {"amount": "10", "currency": "USD"},
            "paymentMethod": "cash",
            "reason": "x",
        },
    )
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="http://sb/_sandbox/"
    ) as office:
        moved_to = next(
            e
            for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
            if e.product_id == booking["productId"]
            and e.event_id != booking["eventId"]
            and e.start > datetime.now(UTC)
            and sandbox.state.seats_available(e) >= 1
        )
        assert (
            await office.post(f"bookings/{number}/move", json={"eventId": moved_to.event_id})
        ).status_code == 200
        assert (
            await office.post(f"bookings/{number}/cancel", json={"reason": "storm"})
        ).status_code == 200
    await sandbox.drain_webhooks()
    kinds = [d.url.split("/")[-1].split("?")[0] for d in receiver.deliveries]
    domains = [d.url.split("/")[-2] for d in receiver.deliveries]
    assert sorted(zip(domains, kinds, strict=True)) == sorted(
        [
            ("bookings", "created"),
            ("payments", "created"),
            ("bookings", "updated"),
            ("bookings", "updated"),
            ("bookings", "deleted"),
        ]
    )
    last = receiver.deliveries[-1]
    event = parse_event(last.body, last.headers, domain="bookings", type="deleted")
    assert event.booking is not None and event.booking.canceled
    assert event.booking.last_change_agent or event.booking.cancelation_agent


async def test_failed_deliveries_are_retried_with_the_same_message_id(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    await register(http, "bookings", "created")
    receiver.fail_next(500, httpx.ConnectError)
    await book(http, sandbox)
    await sandbox.drain_webhooks()
    assert len(receiver.deliveries) == 3
    assert len({d.headers["x-bookeo-messageid"] for d in receiver.deliveries}) == 1
    assert sandbox.sender.log[-1].outcome == "delivered"
    assert sandbox.sender.log[-1].attempts == 3


async def test_a_lost_delivery_is_flagged_on_the_next_one(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    await register(http, "bookings", "created")
    sandbox.faults.update({"drop_next_webhooks": 1})
    await book(http, sandbox)
    await book(http, sandbox)
    await sandbox.drain_webhooks()
    assert [r.outcome for r in sandbox.sender.log] == ["dropped", "delivered"]
    [delivery] = receiver.deliveries
    assert delivery.headers["x-bookeo-previousmessagelost"] == "true"
    event = parse_event(delivery.body, delivery.headers, domain="bookings", type="created")
    assert event.previous_message_lost
    await book(http, sandbox)
    await sandbox.drain_webhooks()
    assert "x-bookeo-previousmessagelost" not in receiver.deliveries[-1].headers


async def test_a_webhook_that_keeps_failing_is_blocked(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    await register(http, "bookings", "created")
    receiver.fail_next(*([503] * 15))  # 5 deliveries × 3 attempts
    for _ in range(6):
        await book(http, sandbox)
    await sandbox.drain_webhooks()
    assert [r.outcome for r in sandbox.sender.log] == ["failed"] * 5 + ["blocked"]
    assert len(receiver.deliveries) == 15
    [hook] = (await http.get("webhooks")).json()["data"]
    assert hook["blockedTime"] and hook["blockedReason"]
    # Re-creating the webhook is how an app repairs it.
    await register(http, "bookings", "created")
    await book(http, sandbox)
    await sandbox.drain_webhooks()
    assert sandbox.sender.log[-1].outcome == "delivered"


async def test_http_urls_only_when_allowed(receiver: WebhookReceiver) -> None:
    for allowed, status in ((False, 400), (True, 201)):
        box = Sandbox(allow_http_webhooks=allowed, webhook_transport=receiver)
        async with httpx.AsyncClient(
            transport=box.transport(), base_url="http://sb/v2/", headers=KEYS
        ) as c:
            answer = await c.post(
                "webhooks",
                json={"url": "http://127.0.0.1:3000/x", "domain": "bookings", "type": "created"},
            )
        assert answer.status_code == status
        await box.aclose()
