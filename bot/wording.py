"""Plain words for amounts, times and parties: shared by what Slack shows and what the audit
log records, so it lives below both (it imports nothing of Slack)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, get_decimal_symbol, get_group_symbol

from bot.bookeo.models import Booking, PaymentMethod

DEFAULT_LOCALE = "en_US"


def escape(text: str) -> str:
    """Escape outside text (a name from Bookeo, what a person typed) for Slack's mrkdwn and a
    message's `text`: &, <, > are control characters there (`<!channel>` in a name would page
    a channel). The one escaping function; bot.slack.text re-exports it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def amount(
    value: Decimal, currency: str, *, locale: str, code: bool = True, grouped: bool = True
) -> str:
    """`1,250.00 USD`: the locale's decimal and group marks and the currency's decimals, from
    Babel (`1.250,00 EUR` in de_DE, `1,250 JPY`); `code=False` leaves the currency out, and
    `grouped=False` the thousands marks (`1250,00`: what a form prefills). The sign is kept:
    say "refund of" with the absolute value. `locale` is the business's (LOCALE, or its time
    zone's usual one): required, so that no caller writes en_US marks by default.

    Babel's own pattern formatter takes ~100 µs a call, which a 300-booking schedule would
    feel; its symbols, looked up once per locale, and Python's formatting take ~2 µs."""
    decimal, group, digits = _marks(locale, currency)
    text = f"{value:{',' if grouped else ''}.{digits}f}"
    text = text.translate({ord(","): group, ord("."): decimal})
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


def _words(code: str) -> str:
    """A code spelled out as words, first one capitalised: `giftCard`, `gift_card` → `Gift card`
    (an acronym such as `SMS` is kept)."""
    if code.isupper():
        return code.strip()
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", code.strip())
    words = re.sub(r"[\s_\-]+", " ", spaced).strip().lower()
    return words[:1].upper() + words[1:]


# Bookeo's booking sources (`source`), as the front desk says them.
SOURCE_LABELS = {
    "api": "API",
    "backend": "Back office",
    "backoffice": "Back office",
    "website": "Website",
    "widget": "Website",
    "phone": "Phone",
    "mobile": "Mobile app",
    "app": "Mobile app",
    "facebook": "Facebook",
    "google": "Google",
    "partner": "Partner",
    "reseller": "Reseller",
    "kiosk": "Kiosk",
    "email": "Email",
}


def source_label(source: object) -> str | None:
    """Where a booking came from, in words (`backend` → `Back office`, a code Bookeo added
    later spelled out: `partnerPortal` → `Partner portal`); None when Bookeo gave nothing
    readable (an empty value, or an object: its type is unconfirmed, API.md §5)."""
    if not isinstance(source, str) or not source.strip():
        return None
    return SOURCE_LABELS.get(source.strip().lower()) or _words(source) or None


# How a sentence names a role: "@sam is now a cashier".
ROLE_NOUNS = {"viewer": "a viewer", "staff": "a staff member", "cashier": "a cashier"}


def role_noun(role: str) -> str:
    """`a cashier`, `a staff member`, `an admin`: a role as the object of "is now"."""
    return ROLE_NOUNS.get(role) or (f"an {role}" if role[:1] in "aeiou" else f"a {role}")


def duration(minutes: int) -> str:
    """`45 min`, `2 h`, `3 h 55 min`."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{minutes} min"


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
    """`1 booking`, `2 bookings`; `many` for a noun whose plural is not `one` + s."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


# Bookeo names people categories in the plural only ("Adults", "Children"). The words
# businesses use most, plural → singular; a name ending in one of them is counted in words.
_SINGULAR = {
    "adults": "adult",
    "children": "child",
    "kids": "kid",
    "infants": "infant",
    "babies": "baby",
    "toddlers": "toddler",
    "teens": "teen",
    "teenagers": "teenager",
    "youths": "youth",
    "juniors": "junior",
    "seniors": "senior",
    "students": "student",
    "pensioners": "pensioner",
    "concessions": "concession",
    "veterans": "veteran",
    "members": "member",
    "guests": "guest",
    "participants": "participant",
    "persons": "person",
    "people": "person",
    "riders": "rider",
    "divers": "diver",
    "players": "player",
    "families": "family",
    "groups": "group",
    "couples": "couple",
}
_PLURAL = {one: many for many, one in _SINGULAR.items() if many != "persons"}
_CATEGORY_WORD = re.compile(r"^(?P<head>.*?)(?P<word>[^\W\d_]+)(?P<tail>\s*(?:\(.*\))?\s*)$")
# Bookeo's own category ids, for a name the account did not give (never shown raw).
_STANDARD_IDS = {"Cadults": "Adults", "Cchildren": "Children", "Cinfants": "Infants"}


def people_count(count: int, category: str) -> str:
    """`1 Adult`, `3 Adults`, `1 Child`, `2 Families (2+2)`: a count of a people category
    by its (plural) Bookeo name. A form the bot cannot be sure of is written `Kayakers: 1`
    or `Seniors 65+: 1`, never wrong."""
    match = _CATEGORY_WORD.match(category.strip())
    if match is not None:
        word = match["word"]
        singular = _SINGULAR.get(word.casefold())
        plural_form = _PLURAL.get(word.casefold())
        if singular is not None:  # the name is a plural we know
            chosen = word if count != 1 else _same_case(singular, word)
            return f"{count} {match['head']}{chosen}{match['tail']}".rstrip()
        if plural_form is not None:  # a singular we know ("Family (2+2)")
            chosen = word if count == 1 else _same_case(plural_form, word)
            return f"{count} {match['head']}{chosen}{match['tail']}".rstrip()
        if count != 1 and word.endswith("s") and not match["tail"].strip():
            return f"{count} {category.strip()}"  # Bookeo's plural, as the account wrote it
    return f"{category}: {count}"


def _same_case(replacement: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return replacement.upper()
    if like[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def category_name(category_id: str, categories: dict[str, str]) -> str:
    """A category's name in the account; a standard id's usual name; else a plain word."""
    if category_id in categories:
        return categories[category_id]
    return _STANDARD_IDS.get(category_id, "people (other)")


def party(booking: Booking, categories: dict[str, str]) -> str:
    """`2 Adults, 1 Child`: who a booking is for, by the account's category names."""
    parts = [
        people_count(n.number, category_name(n.people_category_id, categories))
        for n in booking.participants.numbers
        if n.number
    ]
    return ", ".join(parts) or "no one"


def course_sessions(
    start: datetime | None, end: datetime | None, tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    """The weekly sessions of a course booked from `start` (its first session's start) to
    `end` (its last session's end), in the business's zone; [] when they are not weekly."""
    if start is None or end is None:
        return []
    first, last = start.astimezone(tz), end.astimezone(tz)
    wall = last.replace(tzinfo=None) - first.replace(tzinfo=None)
    weeks, length = divmod(wall, timedelta(weeks=1))
    if weeks < 1 or length <= timedelta(0) or length >= timedelta(days=1):
        return []
    sessions = []
    for week in range(weeks + 1):
        begins = (first.replace(tzinfo=None) + timedelta(weeks=week)).replace(tzinfo=tz)
        sessions.append((begins, begins + length))
    return sessions


def course_when(start: datetime | None, end: datetime | None, tz: tzinfo) -> str:
    """`Course of 4 sessions, 18:30–20:30: Mon 07 Dec, Mon 14 Dec, Mon 21 Dec, Mon 28 Dec`
    (`when` itself when the sessions are not weekly)."""
    sessions = course_sessions(start, end, tz)
    if not sessions:
        return when(start, end, tz)
    first_start, first_end = sessions[0]
    days = ", ".join(f"{s:%a %d %b}" for s, _ in sessions)
    hours = f"{first_start:%H:%M}–{first_end:%H:%M}"
    return f"Course of {plural(len(sessions), 'session')}, {hours}: {days}"
