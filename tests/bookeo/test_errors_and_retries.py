"""Status → exception, retries and their limits, and credentials that never leak."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.bookeo import (
    BadRequest,
    BookeoClient,
    BookeoConnectionError,
    BookeoTimeoutError,
    Forbidden,
    NotFound,
    RateLimited,
    ResponseValidationError,
    RetryPolicy,
    ServerError,
)
from bot.bookeo.models import Booking, NewBooking, Participants, PeopleNumber
from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from tests.conftest import SleepRecorder

pytestmark = pytest.mark.asyncio
SECRET = "s3cr3t-NEVER-LOGGED"
API_KEY = "k3y-NEVER-LOGGED"


def client_for(transport: httpx.AsyncBaseTransport, sleep: SleepRecorder, **kwargs) -> BookeoClient:
    options = {"api_key": DEFAULT_API_KEY, "secret_key": DEFAULT_SECRET_KEY} | kwargs
    return BookeoClient(
        base_url="https://api.bookeo.com/v2", transport=transport, sleep=sleep, **options
    )


def new_booking(sandbox: Sandbox) -> NewBooking:
    event = min(
        (
            e
            for e in sandbox.state.events.values()
            if e.start > datetime.now(UTC) + timedelta(hours=2)
            and sandbox.state.seats_available(e) >= 1
            and sandbox.state.products[e.product_id].type == "fixed"
        ),
        key=lambda e: e.start,
    )
    return NewBooking(
        product_id=event.product_id,
        event_id=event.event_id,
        customer_id=next(iter(sandbox.state.customers)),
        participants=Participants(numbers=[PeopleNumber(people_category_id="Cadults", number=1)]),
    )


async def test_bad_keys_are_forbidden_and_never_leak(
    sandbox: Sandbox, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with client_for(
        sandbox.transport(), sleeps, api_key=API_KEY, secret_key=SECRET
    ) as bookeo:
        with pytest.raises(Forbidden) as caught:
            await bookeo.bookings.get("1001")
    error = caught.value
    assert error.status_code == 403 and error.error_id
    assert "Invalid apiKey" in error.message
    text = f"{error} {error!r} {bookeo!r} {caplog.text}"
    assert SECRET not in text and API_KEY not in text
    # The keys travel as headers, never in the URL (which httpx and proxies log).
    assert error.response is not None
    assert SECRET not in str(error.response.request.url)
    assert error.response.request.headers["X-Bookeo-secretKey"] == SECRET


async def test_not_found_and_bad_request_carry_bookeos_message(
    client: BookeoClient, sleeps: SleepRecorder
) -> None:
    with pytest.raises(NotFound) as missing:
        await client.bookings.get("999999")
    assert "Booking not found" in str(missing.value)
    assert missing.value.error_id and missing.value.error_id in str(missing.value)
    with pytest.raises(BadRequest, match="31 days"):
        await client.get_page(
            "bookings",
            Booking,
            {"startTime": "2026-01-01T00:00:00Z", "endTime": "2026-03-01T00:00:00Z"},
        )
    assert sleeps.delays == []  # 4xx is never retried


@pytest.mark.parametrize("form", ["header", "body", "both"])
async def test_429_is_retried_after_the_wait_bookeo_asks_for(
    client: BookeoClient, sandbox: Sandbox, sleeps: SleepRecorder, form: str
) -> None:
    sandbox.faults.update({"throttle_next": 2, "retry_after_seconds": 7, "retry_after_form": form})
    business = await client.settings.business()
    assert business.name
    assert len(sleeps.delays) == 2
    assert all(7 <= d <= 7.1 for d in sleeps.delays)
    assert sandbox.calls["GET /settings/business"] == 3


async def test_429_beyond_the_retry_budget_surfaces_retry_after(
    client: BookeoClient, sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    sandbox.faults.update(
        {"throttle_next": 10, "retry_after_seconds": 3, "retry_after_form": "body"}
    )
    with pytest.raises(RateLimited) as caught:
        await client.settings.business()
    assert caught.value.retry_after == 3
    assert len(sleeps.delays) == client.retry.max_retries


async def test_a_long_retry_after_is_not_waited_out(
    sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    sandbox.faults.update({"throttle_next": 1, "retry_after_seconds": 3600})
    async with client_for(sandbox.transport(), sleeps) as bookeo:
        with pytest.raises(RateLimited):
            await bookeo.settings.business()
    assert sleeps.delays == []


async def test_a_create_is_retried_after_429_because_bookeo_did_not_process_it(
    client: BookeoClient, sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    before = len(sandbox.state.bookings)
    sandbox.faults.update({"throttle_next": 1})
    await client.bookings.create(new_booking(sandbox))
    assert len(sandbox.state.bookings) == before + 1
    assert len(sleeps.delays) == 1


async def test_5xx_retries_reads_but_never_a_create(
    client: BookeoClient, sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    sandbox.faults.update({"fail_next": 2})
    assert (await client.settings.business()).name
    assert len(sleeps.delays) == 2
    # exponential backoff with jitter, capped
    assert 0.375 <= sleeps.delays[0] <= 0.5 and 0.75 <= sleeps.delays[1] <= 1.0

    before = len(sandbox.state.bookings)
    sandbox.faults.update({"fail_next": 1})
    with pytest.raises(ServerError):
        await client.bookings.create(new_booking(sandbox))
    assert len(sleeps.delays) == 2  # no new sleep: the create was not retried
    assert len(sandbox.state.bookings) == before


class ResetAfterSend(httpx.AsyncBaseTransport):
    """Forwards the request, then loses the answer: the request reached Bookeo."""

    def __init__(self, inner: httpx.AsyncBaseTransport, times: int) -> None:
        self.inner, self.times, self.sent = inner, times, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        response = await self.inner.handle_async_request(request)
        if self.times:
            self.times -= 1
            raise httpx.RemoteProtocolError("connection reset by peer", request=request)
        return response


class RefuseConnect(httpx.AsyncBaseTransport):
    """Fails before anything is sent (connection refused), then forwards."""

    def __init__(self, inner: httpx.AsyncBaseTransport, times: int) -> None:
        self.inner, self.times = inner, times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.times:
            self.times -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_no_blind_retry_of_a_create_after_a_reset(
    sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    before = len(sandbox.state.bookings)
    transport = ResetAfterSend(sandbox.transport(), times=1)
    async with client_for(transport, sleeps) as bookeo:
        with pytest.raises(BookeoConnectionError) as caught:
            await bookeo.bookings.create(new_booking(sandbox))
    assert caught.value.may_have_reached
    assert transport.sent == 1
    assert len(sandbox.state.bookings) == before + 1  # it did reach Bookeo: exactly one booking


async def test_reads_are_retried_after_a_reset(sandbox: Sandbox, sleeps: SleepRecorder) -> None:
    transport = ResetAfterSend(sandbox.transport(), times=2)
    async with client_for(transport, sleeps) as bookeo:
        assert (await bookeo.settings.business()).name
    assert transport.sent == 3


async def test_a_create_is_retried_when_nothing_was_sent(
    sandbox: Sandbox, sleeps: SleepRecorder
) -> None:
    before = len(sandbox.state.bookings)
    async with client_for(RefuseConnect(sandbox.transport(), times=1), sleeps) as bookeo:
        await bookeo.bookings.create(new_booking(sandbox))
    assert len(sandbox.state.bookings) == before + 1
    assert len(sleeps.delays) == 1


async def test_timeouts_become_bookeo_timeout_errors(sleeps: SleepRecorder) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    async with client_for(
        httpx.MockTransport(slow), sleeps, retry=RetryPolicy(max_retries=1)
    ) as bookeo:
        with pytest.raises(BookeoTimeoutError) as caught:
            await bookeo.bookings.get("1")
    assert isinstance(caught.value, BookeoConnectionError)
    assert len(sleeps.delays) == 1


async def test_a_body_of_the_wrong_shape_is_a_validation_error(sleeps: SleepRecorder) -> None:
    def wrong(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"bookingNumber": "1", "price": {"totalGross": "free"}})

    async with client_for(httpx.MockTransport(wrong), sleeps) as bookeo:
        with pytest.raises(ResponseValidationError, match="GET /v2/bookings/1"):
            await bookeo.bookings.get("1")


async def test_the_concurrency_cap_holds(sleeps: SleepRecorder) -> None:
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={"id": "B", "name": "Biz", "phoneNumbers": []})

    async with client_for(httpx.MockTransport(handler), sleeps, max_concurrency=3) as bookeo:
        await asyncio.gather(*(bookeo.settings.business() for _ in range(12)))
    assert peak == 3


async def test_empty_ids_are_refused_before_sending(client: BookeoClient) -> None:
    with pytest.raises(ValueError, match="booking_number"):
        await client.bookings.get(" ")
    with pytest.raises(ValueError, match="no time zone"):
        client.bookings.list(start=datetime(2026, 1, 1), end=datetime(2026, 1, 2))  # noqa: DTZ001
    with pytest.raises(ValueError, match="both"):
        client.bookings.list(start=datetime.now(UTC))
