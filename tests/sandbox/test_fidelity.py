"""Where the sandbox answers as Bookeo documents: navigable result sets, the token gone on the
last page, error JSON on every route, and webhook bodies the bot reads whatever their
`timestamp` looks like."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.app import BotApp
from bot.bookeo.webhooks import compute_signature
from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from tests.fakes.receiver import WebhookReceiver

pytestmark = pytest.mark.asyncio
KEYS = {"X-Bookeo-apiKey": DEFAULT_API_KEY, "X-Bookeo-secretKey": DEFAULT_SECRET_KEY}


@pytest.fixture
async def http(sandbox: Sandbox):
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="https://api.bookeo.com/v2/", headers=KEYS
    ) as client:
        yield client


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def search(sandbox: Sandbox, days: int) -> dict:
    fixed = next(p for p in sandbox.state.products.values() if p.type == "fixed")
    start = datetime.now(UTC) + timedelta(days=1)
    return {
        "productId": fixed.product_id,
        "startTime": iso(start),
        "endTime": iso(start + timedelta(days=days)),
        "peopleNumbers": [{"peopleCategoryId": "Cadults", "number": 1}],
    }


async def test_a_one_page_matching_slots_result_is_navigable_at_its_location(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    found = await http.post("availability/matchingslots", json=search(sandbox, 3))
    assert found.status_code == 201, found.text
    first = found.json()
    assert first["info"]["totalPages"] == 1 and first["data"]
    assert "pageNavigationToken" not in first["info"]  # one page: no token (API.md §3.3)
    again = await http.get(found.headers["Location"])
    assert again.status_code == 200, again.text
    assert again.json()["data"] == first["data"]
    assert "pageNavigationToken" not in again.json()["info"]


async def test_the_last_page_drops_the_token_the_others_carry(
    http: httpx.AsyncClient,
) -> None:
    start = datetime.now(UTC)
    first = await http.get(
        "bookings",
        params={
            "startTime": iso(start),
            "endTime": iso(start + timedelta(days=10)),
            "itemsPerPage": 7,
        },
    )
    info = first.json()["info"]
    token, total = info["pageNavigationToken"], info["totalPages"]
    assert total >= 3
    middle = await http.get("bookings", params={"pageNavigationToken": token, "pageNumber": 2})
    assert middle.json()["info"]["pageNavigationToken"] == token
    last = await http.get("bookings", params={"pageNavigationToken": token, "pageNumber": total})
    assert last.status_code == 200
    assert last.json()["info"]["currentPage"] == total
    assert "pageNavigationToken" not in last.json()["info"]
    # A client that reads on while a token is there stops here, having seen every item.
    seen = len(first.json()["data"]) + len(last.json()["data"]) + 7 * (total - 2)
    assert seen == info["totalItems"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v2/no/such/route", 404),
        ("GET", "/v2/bookings/1001/nonsense", 404),
        ("DELETE", "/v2/settings/products", 405),
        ("GET", "/elsewhere", 404),
    ],
)
async def test_routes_outside_the_emulated_set_answer_bookeos_error_json(
    sandbox: Sandbox, method: str, path: str, status: int
) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sb") as raw:
        answer = await raw.request(method, path, headers=KEYS)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"httpStatus", "message", "errorId"}
    assert body["httpStatus"] == status and path in body["message"]


async def test_webhook_bodies_carry_the_change_time_in_rfc_3339(
    http: httpx.AsyncClient, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    url = "https://bot.example.com/bookeo/webhooks/customers/created"
    made = await http.post("webhooks", json={"url": url, "domain": "customers", "type": "created"})
    assert made.status_code == 201
    before = datetime.now(UTC).replace(microsecond=0)
    customer = await http.post(
        "customers", json={"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "a@x.io"}
    )
    assert customer.status_code == 201, customer.text
    await sandbox.drain_webhooks()
    [delivery] = receiver.deliveries
    stamp = json.loads(delivery.body)["timestamp"]
    assert isinstance(stamp, str) and not stamp.isdigit()
    happened = datetime.fromisoformat(stamp)
    assert happened.utcoffset() == datetime.now(sandbox.tz).utcoffset()  # the account's offset
    assert before <= happened <= datetime.now(UTC)
    assert delivery.headers["x-bookeo-timestamp"].isdigit()  # the header stays Unix ms


def signed(bot: BotApp, sandbox: Sandbox, body: bytes, message_id: str) -> dict[str, str]:
    url = bot.intake.url_for("bookings", "updated")
    ts = str(int(time.time() * 1000))
    return {
        "Content-Type": "application/json",
        "X-Bookeo-Timestamp": ts,
        "X-Bookeo-MessageId": message_id,
        "X-Bookeo-Signature": compute_signature(
            sandbox.secret_key, timestamp_ms=ts, message_id=message_id, url=url, body=body
        ),
    }


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-03-12T09:15:02.123+11:00",  # an RFC 3339 event time
        "2026-03-12T09:15:02Z",
        "1773267302123",  # epoch milliseconds, as a string
        1773267302123,  # … and as a number
        None,  # no timestamp at all
    ],
)
async def test_intake_reads_a_delivery_whatever_its_body_timestamp(
    bot: BotApp, sandbox: Sandbox, stamp: object
) -> None:
    item = sandbox.state.booking_json(sandbox.state.bookings["1001"])
    payload: dict[str, object] = {"itemId": "1001", "item": item}
    if stamp is not None:
        payload["timestamp"] = stamp
    body = json.dumps(payload).encode()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as client:
        answer = await client.post(
            "/bookeo/webhooks/bookings/updated",
            content=body,
            headers=signed(bot, sandbox, body, f"stamp-{stamp}"),
        )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "duplicate": False}
    assert bot.intake.counts["malformed"] == 0
    assert "dead" not in await bot.store.relay.backlog()
