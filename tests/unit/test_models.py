"""Models: Money, date-times with any offset, enum spellings, unknown fields, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.bookeo.models import Booking, Money, Payment, PaymentMethod

amounts = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2, allow_nan=False
)


@given(amounts)
def test_money_reads_bookeos_strings_and_writes_strings(amount: Decimal) -> None:
    money = Money.model_validate({"amount": str(amount), "currency": "USD"})
    assert money.amount == amount
    dumped = money.to_json_dict()
    assert isinstance(dumped["amount"], str)
    assert Decimal(dumped["amount"]) == amount
    assert "E" not in dumped["amount"]


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_money_accepts_integers(value: int) -> None:
    assert Money.model_validate({"amount": value, "currency": "EUR"}).amount == Decimal(value)


@given(amounts)
def test_money_accepts_floats_without_binary_noise(amount: Decimal) -> None:
    money = Money.model_validate({"amount": float(amount), "currency": "USD"})
    assert money.amount == amount


@pytest.mark.parametrize("bad", ["", "abc", "NaN", "Infinity", True, None, [1]])
def test_money_refuses_what_is_not_an_amount(bad: object) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": bad, "currency": "USD"})


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timedelta(minutes=m))
instants = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
).map(lambda d: d.replace(microsecond=0))


@given(instants, offsets)
def test_date_times_with_any_offset(moment: datetime, offset: timedelta) -> None:
    aware = moment.replace(tzinfo=timezone(offset))
    text = aware.isoformat()
    booking = Booking.model_validate(
        {"bookingNumber": "1", "productId": "P", "startTime": text, "participants": {"numbers": []}}
    )
    assert booking.start_time == aware
    assert booking.start_time is not None and booking.start_time.utcoffset() == offset


@pytest.mark.parametrize(
    "text",
    [
        "2019-09-16T00:00:00Z",
        "2019-09-16T00:00:00.000Z",
        "2019-09-16T11:00:00+11:00",
        "2019-09-16T00:00:00-00:00",
    ],
)
def test_the_forms_bookeo_is_seen_to_use(text: str) -> None:
    booking = Booking.model_validate({"bookingNumber": "1", "productId": "P", "startTime": text})
    assert booking.start_time == datetime(2019, 9, 16, tzinfo=UTC)


def test_naive_date_times_are_refused() -> None:
    with pytest.raises(ValidationError):
        Booking.model_validate(
            {"bookingNumber": "1", "productId": "P", "startTime": "2019-09-16T00:00:00"}
        )


def test_bookeos_own_enum_spelling_and_unknown_methods() -> None:
    cheque = Payment.model_validate(
        {"id": "1", "amount": {"amount": "1", "currency": "USD"}, "paymentMethod": "checque"}
    )
    assert cheque.payment_method is PaymentMethod.CHEQUE
    newer = Payment.model_validate(
        {"id": "2", "amount": {"amount": "1", "currency": "USD"}, "paymentMethod": "applePay"}
    )
    assert newer.payment_method == "applePay"  # a method Bookeo adds later does not break reads


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    number=st.from_regex(r"\A[0-9]{1,12}\Z"),
    people=st.lists(
        st.tuples(st.sampled_from(["Cadults", "Cchildren", "NFAMLY"]), st.integers(0, 40)),
        max_size=4,
    ),
    paid=amounts,
    # Top-level nulls are left out of what we send (exclude_none), so none are generated.
    extra=st.dictionaries(
        st.from_regex(r"\Azz[a-z]{1,8}\Z"), json_values.filter(lambda v: v is not None), max_size=3
    ),
)
def test_booking_round_trips_and_keeps_unknown_fields(
    number: str, people: list[tuple[str, int]], paid: Decimal, extra: dict[str, object]
) -> None:
    money = {"amount": "10.00", "currency": "USD"}
    raw = {
        "bookingNumber": number,
        "productId": "P1",
        "participants": {"numbers": [{"peopleCategoryId": c, "number": n} for c, n in people]},
        "price": {
            "totalGross": money,
            "totalNet": money,
            "totalTaxes": money,
            "totalPaid": {"amount": str(paid), "currency": "USD"},
        },
        "startTime": "2026-01-02T09:00:00+11:00",
        **extra,
    }
    booking = Booking.model_validate(raw)
    again = Booking.model_validate(booking.to_json_dict())
    assert again == booking
    for key, value in extra.items():
        assert booking.to_json_dict()[key] == value
    assert booking.participants.total == sum(n for _, n in people)


def test_to_update_drops_read_only_fields_and_keeps_the_rest() -> None:
    booking = Booking.model_validate(
        {
            "bookingNumber": "1",
            "productId": "P",
            "eventId": "E_2026-01-01",
            "title": "x",
            "creationTime": "2026-01-01T00:00:00Z",
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 2}]},
            "price": {
                "totalGross": {"amount": "1", "currency": "USD"},
                "totalNet": {"amount": "1", "currency": "USD"},
                "totalTaxes": {"amount": "0", "currency": "USD"},
                "totalPaid": {"amount": "0", "currency": "USD"},
            },
            "someNewField": {"kept": True},
        }
    )
    body = booking.to_update().to_json_dict()
    assert "bookingNumber" not in body and "price" not in body and "title" not in body
    assert body["eventId"] == "E_2026-01-01"
    assert body["someNewField"] == {"kept": True}


def test_balance_due_never_goes_negative() -> None:
    usd = lambda a: {"amount": a, "currency": "USD"}  # noqa: E731
    booking = Booking.model_validate(
        {
            "bookingNumber": "1",
            "productId": "P",
            "price": {
                "totalGross": usd("10"),
                "totalNet": usd("10"),
                "totalTaxes": usd("0"),
                "totalPaid": usd("12"),
            },
        }
    )
    assert booking.price is not None and booking.price.balance_due.amount == 0
