"""Amounts as people type them (pure): `12,50`, `1.250,00`, `$12.50`, `12.50 USD`, `-5`.

Babel gives the business's locale its symbols (decimal and group marks, currency symbols,
currency precision) and formats what the bot says back. The reading rules are the ones a
front desk expects, whatever the locale: one mark followed by one or two digits is the
decimal mark (`12,50` and `12.50` are 12.50); with both marks, the last one is the decimal
mark (`1,250.00` and `1.250,00` are 1250); a single mark followed by exactly three digits
(`1,250`) could be either, so it is asked back rather than guessed; and when its decimal
reading has more decimals than the currency (`12.505` in USD) it is refused as such, never
read as thousands (a mistyped 12.50 must not become 12,505.00)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages
from babel.numbers import (
    get_currency_precision,
    get_currency_symbol,
    get_group_symbol,
    is_currency,
)

from bot.bookeo.models import Price
from bot.wording import amount

__all__ = [
    "DEFAULT_LOCALE",
    "MAX_AMOUNT",
    "Ambiguous",
    "AmountError",
    "Standing",
    "locale_for_zone",
    "over_by",
    "paid_text",
    "parse_amount",
    "standing",
]

DEFAULT_LOCALE = "en_US"
MAX_AMOUNT = Decimal("1000000")
MAX_TEXT = 40
EXAMPLE = "Enter an amount, like 50 or 49.90."

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_SPACES = " \u00a0\u202f\u2009"  # people group thousands with these, and with apostrophes
_GROUPERS = _SPACES + "'’"
_MARKS = ".," + _GROUPERS
_SIGNS = r"+\-−"
_THOUSANDS = re.compile(r"([1-9]\d{0,2})[.,](\d{3})")  # `12.505`: a thousands reading too
_AMOUNT = re.compile(
    rf"(?P<sign1>[{_SIGNS}]?)\s*(?P<pre>[^\d{_MARKS}{_SIGNS}]*?)\s*(?P<sign2>[{_SIGNS}]?)\s*"
    rf"(?P<num>[.,]?\d(?:[\d{_MARKS}]*\d)?[.,]?)\s*(?P<post>[^\d{_MARKS}{_SIGNS}]*)"
)


class AmountError(ValueError):
    """Why a text is not an amount, said to the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Ambiguous(AmountError):
    """`1,250`: a thousands mark or a decimal mark; the person is asked which."""

    def __init__(self, readings: tuple[Decimal, Decimal], currency: str, locale: str) -> None:
        self.readings = readings
        big, small = (amount(r, currency, locale=locale, code=False) for r in readings)
        super().__init__(f"Did you mean {big} or {small}? Type it with its decimals.")


@dataclass(frozen=True)
class _Number:
    sign: int
    digits: str  # the number with ASCII digits and at most one "." as its decimal mark


def parse_amount(text: str, *, currency: str, locale: str = DEFAULT_LOCALE) -> Decimal:
    """The amount `text` means, in `currency` (the booking's), quantized to its precision.

    Raises `Ambiguous` when it could be read two ways, `AmountError` when it is no amount,
    names another currency, is zero, too large, or has more decimals than the currency."""
    cleaned = text.translate(_FULL_WIDTH).strip()
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise AmountError(EXAMPLE)
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not re.sub(r"\D", "", match["num"]).isascii():
        raise AmountError(EXAMPLE)
    signs = match["sign1"] + match["sign2"]
    marker = (match["pre"] + " " + match["post"]).strip()
    if len(signs) > 1 or (match["pre"] and match["post"]):
        raise AmountError(EXAMPLE)
    if marker:
        _check_currency(marker, currency, locale)
    sign = -1 if signs in ("-", "−") else 1
    precision = get_currency_precision(currency)
    readings = _readings(match["num"], precision, locale)
    if not readings:
        raise AmountError(EXAMPLE)
    if len(readings) > 1:
        raise Ambiguous((readings[0], readings[1]), currency, locale)
    value = readings[0] * sign
    if value == 0:
        raise AmountError("Enter an amount other than zero.")
    if abs(value) > MAX_AMOUNT:  # first: quantizing 10^27 would overflow Decimal's context
        raise AmountError(f"That is more than {amount(MAX_AMOUNT, currency, locale=locale)}.")
    if value != value.quantize(Decimal(1).scaleb(-precision)):
        decimals = "no decimals" if precision == 0 else f"at most {precision} decimals"
        said = f"{currency} amounts have {decimals}."
        if (grouped := _THOUSANDS.fullmatch(match["num"])) is not None:
            big = amount(Decimal(grouped[1] + grouped[2]) * sign, currency, locale=locale)
            said += f" For {big}, type {'-' if sign < 0 else ''}{grouped[1]}{grouped[2]}."
        raise AmountError(said)
    return value.quantize(Decimal(1).scaleb(-precision))


def _readings(num: str, precision: int, locale: str) -> list[Decimal]:
    """Every plausible value of `num`, in the order they are offered back."""
    grouped = any(c in _GROUPERS or c == get_group_symbol(locale) for c in num if c not in ".,")
    marks = [c for c in num if c in ".,"]
    if not marks:
        return [v for v in [_grouped(num, "")] if v is not None]
    last = marks[-1]
    if len(set(marks)) == 2:  # both: the last is the decimal mark
        if marks.count(last) > 1:
            return []
        whole, _, fraction = num.rpartition(last)
        value = _grouped(whole, "".join(set(marks) - {last}))
        return [] if value is None or not fraction.isdigit() else [value + _fraction(fraction)]
    if len(marks) > 1:  # one kind, several times: thousands marks
        return [v for v in [_grouped(num, last)] if v is not None]
    whole, _, fraction = num.partition(last)
    as_decimal = _grouped(whole, "")
    decimal = None if as_decimal is None else as_decimal + _fraction(fraction)
    if len(fraction) != 3 or grouped:
        return [decimal] if decimal is not None else []
    thousands = _grouped(num, last)
    exact = decimal is not None and decimal == decimal.quantize(Decimal(1).scaleb(-precision))
    if precision > 0 and not exact:
        # `12.505` in USD: as likely 12.50 mistyped as 12,505, so never read as thousands;
        # left as decimals it is refused for having too many.
        return [decimal] if decimal is not None else []
    return [r for r in (thousands, decimal if exact else None) if r is not None] or (
        [decimal] if decimal is not None else []
    )


def _grouped(text: str, mark: str) -> Decimal | None:
    """`1,250,000` (groups of three after the first) as a number; digits alone pass too."""
    if not text:
        return Decimal(0)
    for c in _GROUPERS:
        text = text.replace(c, mark or ",")
    groups = text.split(mark or ",")
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3
        or groups[0].startswith("0")
        or any(len(g) != 3 for g in groups[1:])
    ):
        return None
    digits = "".join(groups)
    return Decimal(digits) if digits.isdigit() and digits.isascii() else None


def _fraction(text: str) -> Decimal:
    return Decimal(f"0.{text}") if text else Decimal(0)


def _check_currency(marker: str, currency: str, locale: str) -> None:
    """Refuse a symbol or code that is not the booking's currency."""
    code = marker.upper()
    if len(code) == 3 and code.isalpha():
        if code == currency.upper():
            return
        if is_currency(code):
            raise AmountError(f"This booking is in {currency}, not {code}: enter it in {currency}.")
    if marker in _symbols_of(currency, locale):
        return
    others = sorted(c for c in _known_currencies(locale) if marker in _symbols_of(c, locale))
    if others:
        raise AmountError(
            f"{marker} is {' or '.join(others[:3])}; this booking is in {currency}: "
            f"enter it in {currency}."
        )
    raise AmountError(EXAMPLE)


def _symbols_of(currency: str, locale: str) -> set[str]:
    """What people write for `currency`: its symbol here, in English and in its own country."""
    found = {currency.upper()}
    for where in (locale, "en", _home_locale(currency)):
        if where is not None:
            found.add(get_currency_symbol(currency, locale=where))
    return found


def _home_locale(currency: str) -> str | None:
    try:
        return str(Locale.parse(f"und_{currency[:2].upper()}"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _known_currencies(locale: str) -> set[str]:
    return set(Locale.parse(locale).currency_symbols) | set(Locale.parse("en").currency_symbols)


def locale_for_zone(zone: str) -> str:
    """The usual locale of the country of an IANA zone (`Australia/Sydney` → `en_AU`), or
    `en_US` when the zone has no country (`UTC`)."""
    territory = get_global("zone_territories").get(zone)
    if not territory:
        return DEFAULT_LOCALE
    try:
        return str(Locale.parse(f"und_{territory}"))
    except (UnknownLocaleError, ValueError):
        languages = get_official_languages(territory, de_facto=True)
        return f"{languages[0]}_{territory}" if languages else DEFAULT_LOCALE


@dataclass(frozen=True)
class Standing:
    """Where a booking's money stands, as a card says it: `Balance due 35.00 USD`,
    `Credit due 75.00 USD` (paid more than the price, or anything paid on a canceled
    booking: owed back), `paid`, or nothing owed on a canceled booking."""

    label: str  # "Balance due" or "Credit due"
    value: Decimal  # what is owed, either way (never negative)
    currency: str
    canceled: bool = False

    @property
    def settled(self) -> bool:
        return self.value == 0

    def text(self, *, locale: str) -> str:
        if self.settled:
            return "nothing owed (canceled)" if self.canceled else "paid"
        return amount(self.value, self.currency, locale=locale)


def standing(price: Price, *, canceled: bool) -> Standing:
    currency = price.total_gross.currency
    owed_by_customer = Decimal(0) if canceled else price.total_gross.amount
    credit = price.total_paid.amount - owed_by_customer
    if credit > 0:
        return Standing("Credit due", credit, currency, canceled)
    return Standing("Balance due", -credit, currency, canceled)


def paid_text(paid: Decimal, currency: str, *, locale: str) -> str:
    """What was paid; below zero (refunds beyond the payments, as Bookeo counts them), what
    that means: `-46.00 USD (46.00 USD more refunded than paid)`."""
    shown = amount(paid, currency, locale=locale)
    if paid < 0:
        return f"{shown} ({amount(-paid, currency, locale=locale)} more refunded than paid)"
    return shown


def over_by(value: Decimal, *, due: Decimal, paid: Decimal) -> Decimal:
    """How far a payment goes past the balance due, or a refund past what was paid (0 when
    it does neither): what the second confirmation names."""
    if value > 0:
        return max(value - due, Decimal(0))
    return max(-value - paid, Decimal(0))
