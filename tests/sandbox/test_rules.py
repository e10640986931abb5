"""What the sandbox enforces, seen over raw HTTP as any client would."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from tests.fakes.openapi import SPEC_PATH, ValidatingTransport

pytestmark = pytest.mark.asyncio
KEYS = {"X-Bookeo-apiKey": DEFAULT_API_KEY, "X-Bookeo-secretKey": DEFAULT_SECRET_KEY}


@pytest.fixture
async def http(validating: ValidatingTransport):
    async with httpx.AsyncClient(
        transport=validating, base_url="https://api.bookeo.com/v2/", headers=KEYS
    ) as client:
        yield client


def booking_body(event, customer_id: str, *, adults: int) -> dict:
    return {
        "productId": event.product_id,
        "eventId": event.event_id,
        "customerId": customer_id,
        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": adults}]},
    }


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


async def test_keys_are_required_in_headers_or_query(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sb/v2/") as raw:
        missing = await raw.get("settings/business")
        assert missing.status_code == 403
        assert set(missing.json()) == {"httpStatus", "message", "errorId"}
        wrong = await raw.get("settings/business", headers={**KEYS, "X-Bookeo-secretKey": "nope"})
        assert wrong.status_code == 403
        by_query = await raw.get(
            "settings/business", params={"apiKey": DEFAULT_API_KEY, "secretKey": DEFAULT_SECRET_KEY}
        )
        assert by_query.status_code == 200


async def test_paging_envelope_and_size_limits(http: httpx.AsyncClient) -> None:
    start, end = datetime.now(UTC), datetime.now(UTC) + timedelta(days=10)
    first = await http.get(
        "bookings", params={"startTime": iso(start), "endTime": iso(end), "itemsPerPage": 10}
    )
    info = first.json()["info"]
    assert info["currentPage"] == 1 and info["totalPages"] > 1 and "pageNavigationToken" in info
    second = await http.get(
        "bookings", params={"pageNavigationToken": info["pageNavigationToken"], "pageNumber": 2}
    )
    assert second.json()["info"]["currentPage"] == 2
    assert {b["bookingNumber"] for b in first.json()["data"]}.isdisjoint(
        b["bookingNumber"] for b in second.json()["data"]
    )
    one_page = await http.get("settings/products")
    assert "pageNavigationToken" not in one_page.json()["info"]
    default = await http.get("bookings", params={"startTime": iso(start), "endTime": iso(end)})
    assert len(default.json()["data"]) == 50  # Bookeo's default page size
    too_big = await http.get(
        "bookings", params={"startTime": iso(start), "endTime": iso(end), "itemsPerPage": 101}
    )
    assert too_big.status_code == 400
    bad_token = await http.get("bookings", params={"pageNavigationToken": "nope", "pageNumber": 2})
    assert bad_token.status_code == 400


async def test_windows_over_31_days_and_missing_windows_are_refused(
    http: httpx.AsyncClient,
) -> None:
    start = datetime.now(UTC)
    long = await http.get(
        "bookings", params={"startTime": iso(start), "endTime": iso(start + timedelta(days=32))}
    )
    assert long.status_code == 400 and "31 days" in long.json()["message"]
    assert (await http.get("bookings")).status_code == 400
    assert (await http.get("availability/slots")).status_code == 400
    half = await http.get("bookings", params={"startTime": iso(start)})
    assert half.status_code == 400


async def test_minus_zero_offset_means_the_accounts_own_zone(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    event = next(e for e in sandbox.state.events.values() if e.start > datetime.now(UTC))
    local = event.start.astimezone(sandbox.tz).replace(tzinfo=None).isoformat(timespec="seconds")
    slots = await http.get(
        "availability/slots",
        params={
            "productId": event.product_id,
            "startTime": local + "-00:00",
            "endTime": local + "-00:00",
        },
    )
    assert [s["eventId"] for s in slots.json()["data"]] == [event.event_id]
    assert slots.json()["data"][0]["startTime"].endswith(("+11:00", "+10:00"))


async def test_a_full_slot_refuses_and_a_cancel_frees_it(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.start > datetime.now(UTC) + timedelta(hours=1)
        and sandbox.state.products[e.product_id].name == "Wine Tasting Evening"
    )
    customer = next(iter(sandbox.state.customers))
    numbers: list[str] = []
    free = sandbox.state.seats_available(event)
    while free:
        party = min(free, 6)
        made = await http.post(
            "bookings",
            json=booking_body(event, customer, adults=party),
        )
        assert made.status_code == 201, made.text
        assert made.headers["Location"].endswith(f"/v2/bookings/{made.json()['bookingNumber']}")
        numbers.append(made.json()["bookingNumber"])
        free -= party
    full = await http.post(
        "bookings",
        json=booking_body(event, customer, adults=1),
    )
    assert full.status_code == 409 and "seats" in full.json()["message"]
    canceled = await http.delete(f"bookings/{numbers[0]}", params={"reason": "freeing"})
    assert canceled.status_code == 204 and canceled.content == b""
    retry = await http.post(
        "bookings",
        json=booking_body(event, customer, adults=1),
    )
    assert retry.status_code == 201


async def test_create_rules(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    event = next(
        e for e in sandbox.state.events.values() if e.start > datetime.now(UTC) + timedelta(hours=1)
    )
    past = next(e for e in sandbox.state.events.values() if e.start < datetime.now(UTC))
    base = {
        "productId": event.product_id,
        "eventId": event.event_id,
        "customerId": next(iter(sandbox.state.customers)),
        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
    }
    cases = {
        "no participants": {**base, "participants": {"numbers": []}},
        "unknown category": {
            **base,
            "participants": {"numbers": [{"peopleCategoryId": "Cpets", "number": 1}]},
        },
        "no event": {k: v for k, v in base.items() if k != "eventId"},
        "unknown product": {**base, "productId": "NOPE"},
        "past event": {**base, "eventId": past.event_id, "productId": past.product_id},
        "no customer": {k: v for k, v in base.items() if k != "customerId"},
        "both customers": {**base, "customer": {"firstName": "A"}},
    }
    for name, body in cases.items():
        answer = await http.post("bookings", json=body)
        assert answer.status_code == 400, name
        assert answer.json()["message"], name
    backend = await http.post("bookings", params={"mode": "backend"}, json=cases["past event"])
    assert backend.status_code == 201  # the back office may book the past
    not_json = await http.post(
        "bookings", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400


async def test_price_and_total_paid(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    walk = next(p for p in sandbox.state.products.values() if p.name == "Harbour Walking Tour")
    event = next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if e.product_id == walk.product_id
        and e.start > datetime.now(UTC)
        and sandbox.state.seats_available(e) >= 8
    )
    made = await http.post(
        "bookings",
        json={
            "productId": walk.product_id,
            "eventId": event.event_id,
            "customerId": next(iter(sandbox.state.customers)),
            "participants": {
                "numbers": [
                    {"peopleCategoryId": "Cadults", "number": 1},
                    {"peopleCategoryId": "Cinfants", "number": 1},
                    {"peopleCategoryId": "NFAMLY", "number": 1},
                ]
            },
        },
    )
    booking = made.json()
    assert booking["price"]["totalGross"] == {"amount": "135.00", "currency": "USD"}
    assert booking["price"]["totalPaid"]["amount"] == "0.00"
    paid = await http.post(
        f"bookings/{booking['bookingNumber']}/payments",
        json={
            "amount": {"amount": "35", "currency": "USD"},
            "paymentMethod": "cash",
            "reason": "Deposit",
        },
    )
    assert paid.status_code == 201 and paid.headers["Location"].endswith(
        f"/v2/payments/{paid.json()['id']}"
    )
    again = (await http.get(f"bookings/{booking['bookingNumber']}")).json()
    assert again["price"]["totalPaid"]["amount"] == "35.00"
    # The family takes 4 seats, the infant none, the adult one.
    slot = (
        await http.get(
            "availability/slots",
            params={
                "productId": walk.product_id,
                "startTime": iso(event.start),
                "endTime": iso(event.start),
            },
        )
    ).json()["data"][0]
    assert slot["numSeatsAvailable"] == sandbox.state.seats_available(event)


async def test_same_seed_same_business() -> None:
    day = date(2026, 11, 24)

    def snapshot(seed: int) -> str:
        box = Sandbox(seed=seed, today=day, timezone="Europe/London")
        state = box.state
        return json.dumps(
            {
                "products": [p.to_json(state.currency) for p in state.products.values()],
                "customers": [state.customer_json(c) for c in state.customers.values()],
                "bookings": [state.booking_json(b) for b in state.bookings.values()],
                "payments": [state.payment_json(p) for p in state.payments.values()],
            },
            sort_keys=True,
        )

    one, again, other = snapshot(7), snapshot(7), snapshot(8)
    assert one == again
    assert one != other


async def test_the_seed_is_a_believable_business(sandbox: Sandbox) -> None:
    state = sandbox.state
    now = datetime.now(UTC)
    assert len(state.products) >= 5
    assert {p.type for p in state.products.values()} == {"fixed", "fixedCourse", "flexibleTime"}
    assert len(state.customers) >= 50
    assert len(state.bookings) >= 200
    bookings = list(state.bookings.values())
    assert any(b.start < now for b in bookings) and any(
        b.start > now + timedelta(days=20) for b in bookings
    )
    assert any(b.canceled for b in bookings)
    paid = {b.number: state.paid(b.number) for b in bookings}
    assert any(paid[b.number] == b.gross > 0 for b in bookings)
    assert any(0 < paid[b.number] < b.gross for b in bookings)
    assert any(paid[b.number] == 0 < b.gross for b in bookings)
    for event in state.events.values():  # never overbooked
        assert state.seats_used(event.event_id) <= event.capacity


async def test_openapi_copy_matches_the_shared_spec() -> None:
    shared = Path(__file__).parents[3] / "shared" / "bookeo" / "openapi.yaml"
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    assert SPEC_PATH.read_bytes() == shared.read_bytes()


async def test_the_response_validator_catches_a_wrong_shape(sandbox: Sandbox) -> None:
    """Guards the guard: a response that breaks the spec must fail validation."""

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "B", "name": "Biz"})  # no phoneNumbers/streetAddress

    async with httpx.AsyncClient(
        transport=ValidatingTransport(httpx.MockTransport(broken)),
        base_url="https://api.bookeo.com/v2/",
    ) as client:
        with pytest.raises(Exception, match=r"phoneNumbers|streetAddress"):
            await client.get("settings/business")
