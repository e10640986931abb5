"""Plain words for amounts, times and parties: shared by what Slack shows and what the audit
log records, so it lives below both (it imports nothing of Slack)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, get_currency_precision

from bot.bookeo.models import Booking, PaymentMethod

DEFAULT_LOCALE = "en_US"


def amount(
    value: Decimal, currency: str, *, locale: str = DEFAULT_LOCALE, code: bool = True
) -> str:
    """`1,250.00 USD` (Babel: the locale's marks, the currency's decimals); `code=False`
    leaves the currency out. The sign is kept: say "refund of" with the absolute value."""
    if not code:
        digits = get_currency_precision(currency)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=locale)
    return format_currency(value, currency, format="#,##0.00 ¤¤", locale=locale)


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
