"""What real Bookeo may do that the sandbox does not always: windows across a DST change,
creates that answer 201 with only a `Location`, and time precision on the wire."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bookeo import BookeoClient
from bot.bookeo.models import (
    Money,
    NewBooking,
    NewCustomer,
    NewPayment,
    Participants,
    PaymentMethod,
    PeopleNumber,
    WebhookDomain,
    WebhookType,
)
from bot.bookeo.resources._base import windows
from bot.roster import day_window
from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SYDNEY = ZoneInfo("Australia/Sydney")
LIMIT = timedelta(days=31)


def _elapsed(a: datetime, b: datetime) -> timedelta:
    # Aware datetimes sharing a tzinfo subtract by wall clock; go through UTC.
    return b.astimezone(UTC) - a.astimezone(UTC)


def _calendar_days(a: datetime, b: datetime, zone: ZoneInfo) -> timedelta:
    """The span on the wall clocks of `zone`."""
    return b.astimezone(zone).replace(tzinfo=None) - a.astimezone(zone).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        (LOS_ANGELES, date(2026, 10, 15)),  # across the autumn change (1 Nov 2026)
        (LOS_ANGELES, date(2026, 2, 20)),  # across the spring change (8 Mar 2026)
        (SYDNEY, date(2026, 3, 20)),  # Sydney's autumn (5 Apr 2026)
        (SYDNEY, date(2026, 9, 20)),  # Sydney's spring (4 Oct 2026)
    ],
)
def test_windows_across_a_dst_change_fit_both_ways(zone: ZoneInfo, first: date) -> None:
    start, end = day_window(first, 62, zone)
    pieces = list(windows(start, end))
    assert pieces[0][0] == start and pieces[-1][1] == end
    for (_, b), (c, _) in itertools.pairwise(pieces):
        assert b == c  # contiguous
    for a, b in pieces:
        assert _elapsed(a, b) <= LIMIT, (a, b)
        assert _calendar_days(a, b, zone) <= LIMIT, (a, b)


@given(
    start=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 (hypothesis takes naive bounds)
        max_value=datetime(2030, 1, 1),  # noqa: DTZ001
        timezones=st.just(LOS_ANGELES),
    ),
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
def test_windows_cover_any_span_within_both_limits(start: datetime, span: timedelta) -> None:
    end = (start.astimezone(UTC) + span).astimezone(LOS_ANGELES)
    pieces = list(windows(start, end))
    assert pieces[0][0] == start and pieces[-1][1] == end
    for a, b in pieces:
        assert timedelta(0) <= _elapsed(a, b) <= LIMIT
        assert _calendar_days(a, b, LOS_ANGELES) <= LIMIT


@pytest.mark.asyncio
async def test_a_month_of_roster_across_the_autumn_change_is_accepted() -> None:
    sandbox = Sandbox(timezone="America/Los_Angeles")
    client = BookeoClient(
        api_key=sandbox.api_key,
        secret_key=sandbox.secret_key,
        base_url="https://api.bookeo.com/v2",
        transport=sandbox.transport(),
    )
    start, end = day_window(date(2026, 10, 15), 31, LOS_ANGELES)
    try:
        await client.bookings.list(start=start, end=end).to_list()
        await client.availability.slots(start=start, end=end).to_list()
    finally:
        await client.aclose()
        await sandbox.aclose()


def _bodyless_creates(requests: list[httpx.Request]) -> httpx.MockTransport:
    """Bookeo as the 2015 models declare it: 201 + Location, no body; GET answers."""
    objects = {
        "customers/C1": {"id": "C1", "firstName": "Ana", "lastName": "Lima"},
        "holds/H1": {
            "id": "H1",
            "expiration": "2026-12-01T20:30:00Z",
            "price": {
                name: {"amount": "10", "currency": "USD"}
                for name in ("totalGross", "totalNet", "totalTaxes", "totalPaid")
            },
        },
        "webhooks/W1": {
            "id": "W1",
            "url": "https://x.example/h",
            "domain": "bookings",
            "type": "created",
        },
    }

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        path = request.url.path.removeprefix("/v2/")
        if request.method == "POST":
            made = {"customers": "C1", "holds": "H1", "webhooks": "W1"}[path]
            return httpx.Response(
                201, headers={"Location": f"https://api.bookeo.com/v2/{path}/{made}"}
            )
        return httpx.Response(200, json=objects[path])

    return httpx.MockTransport(handle)


@pytest.mark.asyncio
async def test_creates_with_only_a_location_are_read_back() -> None:
    seen: list[httpx.Request] = []
    client = BookeoClient(
        api_key=DEFAULT_API_KEY,
        secret_key=DEFAULT_SECRET_KEY,
        base_url="https://api.bookeo.com/v2",
        transport=_bodyless_creates(seen),
    )
    customer = await client.customers.create(NewCustomer(first_name="Ana", last_name="Lima"))
    webhook = await client.webhooks.create(
        url="https://x.example/h", domain=WebhookDomain.BOOKINGS, type=WebhookType.CREATED
    )
    party = Participants(numbers=[PeopleNumber(people_category_id="Cadults", number=1)])
    hold = await client.holds.create(NewBooking(product_id="P1", participants=party))
    await client.aclose()
    assert (customer.id, webhook.id, hold.id) == ("C1", "W1", "H1")
    assert [r.method for r in seen] == ["POST", "GET"] * 3


def test_request_bodies_carry_at_most_milliseconds() -> None:
    payment = NewPayment(
        amount=Money(amount=10, currency="USD"),
        payment_method=PaymentMethod.CASH,
        reason="Payment",
        received_time=datetime(2026, 12, 1, 20, 18, 33, 909787, tzinfo=UTC),
    )
    body = json.dumps(payment.to_json_dict())
    assert '"receivedTime": "2026-12-01T20:18:33.909Z"' in body
