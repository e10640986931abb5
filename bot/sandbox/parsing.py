"""Values in request bodies and query strings as Bookeo reads them; a bad one is a 400."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .errors import bad_request


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad_request("amount.amount must be a decimal number")
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise bad_request("amount.amount must be a decimal number") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise bad_request("amount.amount must have at most 2 decimals")
    return amount


def parse_time(value: str, tz: tzinfo, name: str) -> datetime:
    """RFC 3339 as Bookeo accepts it: Z, any offset, or -00:00 meaning the account's zone."""
    text = value.strip()
    try:
        if text.endswith("-00:00"):
            return datetime.fromisoformat(text[: -len("-00:00")]).replace(tzinfo=tz)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} is not an RFC 3339 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise bad_request(f"{name} needs a UTC offset: {value!r}")
    return parsed


def parse_day(value: str, tz: tzinfo, name: str, *, end: bool) -> datetime:
    """A `YYYY-MM-DD` date (or a date-time) as the start or end of that day in `tz`."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return parse_time(value, tz, name)
    moment = datetime(day.year, day.month, day.day, tzinfo=tz)
    return moment + timedelta(days=1) - timedelta(seconds=1) if end else moment
