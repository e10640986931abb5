"""The retry policy's decisions, and the signature math against API.md's reference."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bookeo import (
    BookeoConnectionError,
    BookeoTimeoutError,
    InvalidSignature,
    MalformedDelivery,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServerError,
)
from bot.bookeo.webhooks import compute_signature, parse_event, verify_signature

POLICY = RetryPolicy(max_retries=3)


def status(cls, code, **kw):
    return cls(status_code=code, method="GET", path="x", message="m", error_id=None, **kw)


def connection(*, reached: bool, cls=BookeoConnectionError):
    return cls("boom", method="POST", path="bookings", may_have_reached=reached)


@pytest.mark.parametrize(
    ("error", "idempotent", "retried"),
    [
        (connection(reached=False), False, True),  # nothing sent: even a create
        (connection(reached=True), True, True),
        (connection(reached=True), False, False),  # a create that may have landed
        (connection(reached=True, cls=BookeoTimeoutError), False, False),
        (status(RateLimited, 429, retry_after=1.0), False, True),  # refused unprocessed
        (status(ServerError, 503), True, True),
        (status(ServerError, 500), False, False),
        (status(NotFound, 404), True, False),
    ],
)
def test_what_is_retried(error, idempotent: bool, retried: bool) -> None:
    decision = POLICY.decide(error, attempt=1, idempotent=idempotent, rand=lambda: 0.5)
    assert (decision is not None) is retried


def test_the_budget_and_the_backoff_cap() -> None:
    error = status(ServerError, 502)
    delays = [
        POLICY.decide(error, attempt=n, idempotent=True, rand=lambda: 0.0) for n in range(1, 5)
    ]
    assert delays == [0.5, 1.0, 2.0, None]
    capped = RetryPolicy(max_retries=10).decide(error, attempt=9, idempotent=True, rand=lambda: 0.0)
    assert capped == 8.0


@given(st.floats(min_value=0, max_value=60))
def test_retry_after_is_honoured(seconds: float) -> None:
    delay = POLICY.decide(status(RateLimited, 429, retry_after=seconds), attempt=1, idempotent=True)
    assert delay is not None and seconds <= delay <= seconds + 0.1


def reference_signature(
    secret_key: str, timestamp_ms: str, message_id: str, url: str, raw_body: bytes
) -> str:
    """API.md §6.3, verbatim."""
    data = (timestamp_ms + message_id + url).encode("utf-8") + raw_body
    return hmac.new(secret_key.encode("utf-8"), data, hashlib.sha256).hexdigest()


@given(
    secret=st.text(min_size=1, max_size=40),
    stamp=st.integers(min_value=0, max_value=10**13).map(str),
    message_id=st.uuids().map(str),
    url=st.text(min_size=1, max_size=80),
    body=st.binary(max_size=200),
)
def test_signature_matches_the_reference(secret, stamp, message_id, url, body) -> None:
    ours = compute_signature(secret, timestamp_ms=stamp, message_id=message_id, url=url, body=body)
    assert ours == reference_signature(secret, stamp, message_id, url, body)
    headers = {
        "X-Bookeo-Timestamp": stamp,
        "X-Bookeo-MessageId": message_id,
        "X-Bookeo-Signature": ours.upper(),
    }  # hex case does not matter
    verify_signature(secret_key=secret, headers=headers, url=url, body=body, now_ms=int(stamp))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Bookeo-Timestamp": "1", "X-Bookeo-MessageId": "m"},
        {"X-Bookeo-Timestamp": "soon", "X-Bookeo-MessageId": "m", "X-Bookeo-Signature": "ab"},
        # int() refuses these (superscripts pass str.isdigit(); 5,000 digits pass neither
        # Python's int limit nor any clock): refused as a bad signature, never a 500.
        {"X-Bookeo-Timestamp": "²³", "X-Bookeo-MessageId": "m", "X-Bookeo-Signature": "ab"},
        {"X-Bookeo-Timestamp": "9" * 5000, "X-Bookeo-MessageId": "m", "X-Bookeo-Signature": "a"},
        {"X-Bookeo-Timestamp": "١٢", "X-Bookeo-MessageId": "m", "X-Bookeo-Signature": "ab"},
    ],
)
def test_missing_or_malformed_headers_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(InvalidSignature):
        verify_signature(secret_key="k", headers=headers, url="u", body=b"{}", now_ms=1)


@given(st.binary(max_size=300))
def test_any_body_parses_or_is_refused_with_a_reason(body: bytes) -> None:
    outcome: object
    try:
        outcome = parse_event(body, {}, domain="bookings", type="updated").item_id
    except MalformedDelivery as exc:
        outcome = exc.reason
    assert isinstance(outcome, str)
    assert outcome


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "not a JSON object"),
        (b'{"item": {}}', "itemId"),
        (b'{"itemId": "1", "item": {"bookingNumber": "1"}}', "productId"),
        (b"\xff", "not JSON"),
    ],
)
def test_malformed_deliveries_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedDelivery, match=reason):
        parse_event(body, {}, domain="bookings", type="created")


def test_deleted_without_item_and_unknown_routes() -> None:
    event = parse_event(
        b'{"itemId": 42}',
        {"X-Bookeo-PreviousMessageLost": "true"},
        domain="bookings",
        type="deleted",
    )
    assert event.item is None and event.item_id == "42" and event.previous_message_lost
    with pytest.raises(MalformedDelivery, match="unknown webhook"):
        parse_event(b'{"itemId": "1"}', {}, domain="bookings", type="exploded")
