"""Plain words for amounts, times and parties: shared by what Slack shows and what the audit
log records, so it lives below both (it imports nothing of Slack)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, get_decimal_symbol, get_group_symbol

from bot.bookeo.models import Booking, PaymentMethod

DEFAULT_LOCALE = "en_US"


def amount(
    value: Decimal, currency: str, *, locale: str = DEFAULT_LOCALE, code: bool = True
) -> str:
    """`1,250.00 USD`: the locale's decimal and group marks and the currency's decimals, from
    Babel (`1.250,00 EUR` in de_DE, `1,250 JPY`); `code=False` leaves the currency out. The
    sign is kept: say "refund of" with the absolute value.

    Babel's own pattern formatter takes ~100 µs a call, which a 300-booking schedule would
    feel; its symbols, looked up once per locale, and Python's formatting take ~2 µs."""
    decimal, group, digits = _marks(locale, currency)
    text = f"{value:,.{digits}f}".translate({ord(","): group, ord("."): decimal})
    return f"{text} {currency}" if code else text


@lru_cache(maxsize=64)
def _marks(locale: str, currency: str) -> tuple[str, str, int]:
    return get_decimal_symbol(locale), get_group_symbol(locale), get_currency_precision(currency)


METHOD_LABELS = {
    PaymentMethod.CASH: "Cash",
    PaymentMethod.CREDIT_CARD: "Credit card",
    PaymentMethod.DEBIT_CARD: "Debit card",
    PaymentMethod.BANK_TRANSFER: "Bank transfer",
    PaymentMethod.CHEQUE: "Cheque",
    PaymentMethod.PAYPAL: "PayPal",
    PaymentMethod.MONEY_VOUCHER: "Gift voucher",
    PaymentMethod.ACCOUNT_CREDIT: "Account credit",
    PaymentMethod.EXISTING_CREDIT: "Existing credit",
    PaymentMethod.OTHER: "Other",
}


def method_label(method: str, other: str | None = None) -> str:
    """A payment method as people say it: `Credit card`, `Other (voucher book)`; a method
    Bookeo added later is spelled out from its camelCase (`giftCard` → `Gift card`)."""
    try:
        label = METHOD_LABELS[PaymentMethod(method)]
    except ValueError:
        words = "".join(f" {c.lower()}" if c.isupper() else c for c in str(method)).strip()
        label = words[:1].upper() + words[1:] or "Other"
    return f"{label} ({other})" if other else label


def when(start: datetime | None, end: datetime | None, tz: tzinfo) -> str:
    """`Wed 25 Nov, 17:30–19:30` in the business's zone (end date shown if it differs)."""
    if start is None:
        return "time not set"
    local = start.astimezone(tz)
    text = f"{local:%a %d %b}, {local:%H:%M}"
    if end is not None:
        local_end = end.astimezone(tz)
        if local_end.date() == local.date():
            text += f"–{local_end:%H:%M}"
        else:
            text += f" – {local_end:%a %d %b %H:%M}"
    return text


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def party(booking: Booking, categories: dict[str, str]) -> str:
    """`2 Adults, 1 Child`: who a booking is for, by category name."""
    parts = [
        plural(
            n.number,
            categories.get(n.people_category_id, n.people_category_id).rstrip("s"),
            categories.get(n.people_category_id, n.people_category_id),
        )
        for n in booking.participants.numbers
        if n.number
    ]
    return ", ".join(parts) or "no one"
