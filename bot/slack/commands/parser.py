"""`/bookeo …` text → a typed request, or a `UsageError` that says what was wrong.

Pure: no Slack, no Bookeo. The registry `SUBCOMMANDS` drives both parsing and `/bookeo help`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from bot.permissions import Role

MAX_DAYS = 31
_BOOKING = re.compile(r"\A#?(\d[\d-]{0,31})\Z")  # Bookeo numbers are numeric-looking
_MENTION = re.compile(r"\A<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\Z")
_QUOTING = frozenset("\"'\\")
_SHELL_SPACE = re.compile(r"[ \t\r\n]+")  # what shlex splits on (str.split takes more)


def _words(text: str) -> list[str]:
    """Split like a shell (quotes keep `product:"Sunset Kayak"` whole). Text without quotes
    or backslashes splits the same on whitespace, which is ten times cheaper than shlex —
    and this runs before every acknowledgement."""
    if _QUOTING.isdisjoint(text):
        return [word for word in _SHELL_SPACE.split(text) if word]
    try:
        return shlex.split(text)
    except ValueError:  # an unclosed quote
        return text.split()


class UsageError(ValueError):
    """Bad input, with the usage line of the subcommand involved."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Find:
    query: str


@dataclass(frozen=True)
class Roster:
    """Bookings starting on `days` days from `offset` days after today."""

    label: str
    offset: int
    days: int
    product: str | None = None


@dataclass(frozen=True)
class New:
    product: str | None = None


@dataclass(frozen=True)
class OnBooking:
    """A subcommand about one booking: edit, cancel, pay, payments."""

    verb: str
    booking_number: str


@dataclass(frozen=True)
class CustomerLookup:
    query: str  # a booking number or an email address


@dataclass(frozen=True)
class SetRole:
    user_id: str
    role: Role


@dataclass(frozen=True)
class ListRoles:
    pass


@dataclass(frozen=True)
class Subscribe:
    kinds: frozenset[str]
    product: str | None = None
    within_hours: int | None = None
    quiet: str | None = None
    broadcast: bool = True
    urgent_hours: int | None = None  # None: the default; 0: never


@dataclass(frozen=True)
class Unsubscribe:
    subscription_id: int | None = None  # None: every subscription of the channel


@dataclass(frozen=True)
class ListSubscriptions:
    pass


@dataclass(frozen=True)
class Status:
    pass


@dataclass(frozen=True)
class OnCall:
    target: str | None = None  # None: show who is on call


@dataclass(frozen=True)
class SetDigest:
    """`digest 08:00 …`: today's roster at that local time; `off=True` stops it; neither
    time nor off: show this channel's."""

    at: time | None = None
    product: str | None = None
    always: bool = False
    off: bool = False


@dataclass(frozen=True)
class SetReminder:
    """`remind 30m …`: a note that many minutes before each slot; `off=True` stops them."""

    minutes: int | None = None
    product: str | None = None
    off: bool = False


_GROUP = re.compile(r"\A<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>\Z")


Parsed = (
    Help
    | Find
    | Roster
    | New
    | OnBooking
    | CustomerLookup
    | SetRole
    | ListRoles
    | Subscribe
    | Unsubscribe
    | ListSubscriptions
    | Status
    | OnCall
    | SetDigest
    | SetReminder
)
KINDS = ("created", "changed", "canceled", "payments")
_QUIET = re.compile(r"\A([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)\Z")


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    example: str


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "find",
        "find <booking number | name | email | phone>",
        "look a booking up (also just `/bookeo 1234`)",
        "/bookeo find ada@example.com",
    ),
    Subcommand("today", "today [product]", "today's schedule, by slot", "/bookeo today kayak"),
    Subcommand("tomorrow", "tomorrow [product]", "tomorrow's schedule", "/bookeo tomorrow"),
    Subcommand(
        "upcoming",
        "upcoming [N days] [product]",
        f"the next N days (default 7, at most {MAX_DAYS})",
        "/bookeo upcoming 3 days walking",
    ),
    Subcommand("new", "new [product]", "create a booking", "/bookeo new Sunset Kayak"),
    Subcommand("edit", "edit <booking>", "move, resize or annotate a booking", "/bookeo edit 1234"),
    Subcommand("cancel", "cancel <booking>", "cancel a booking", "/bookeo cancel 1234"),
    Subcommand("pay", "pay <booking>", "record a payment or refund", "/bookeo pay 1234"),
    Subcommand(
        "payments",
        "payments <booking>",
        "payments received and the balance due",
        "/bookeo payments 1234",
    ),
    Subcommand(
        "customer",
        "customer <booking | email>",
        "a customer and their bookings",
        "/bookeo customer 1234",
    ),
    Subcommand(
        "role",
        "role @user viewer|staff|cashier|admin",
        "set someone's role (admins)",
        "/bookeo role @sam cashier",
    ),
    Subcommand("roles", "roles", "who has which role", "/bookeo roles"),
    Subcommand(
        "subscribe",
        'subscribe [created,changed,canceled,payments] [product:"…"] '
        "[within:48h] [quiet:22:00-07:00] [broadcast:off] [urgent:6h|off]",
        "post booking changes in this channel (admins)",
        '/bookeo subscribe created,canceled product:"Sunset Kayak" within:48h',
    ),
    Subcommand(
        "unsubscribe", "unsubscribe [all | ID]", "stop them (admins)", "/bookeo unsubscribe"
    ),
    Subcommand("subscriptions", "subscriptions", "what this channel gets", "/bookeo subscriptions"),
    Subcommand("status", "status", "the relay: last delivery, backlog, webhooks", "/bookeo status"),
    Subcommand(
        "oncall",
        "oncall [@user | @group]",
        "who is paged for urgent changes (admins set it)",
        "/bookeo oncall @sam",
    ),
    Subcommand(
        "digest",
        'digest HH:MM [product:"…"] [always] | off',
        "today's roster in this channel each morning (admins)",
        '/bookeo digest 08:00 product:"Sunset Kayak"',
    ),
    Subcommand(
        "remind",
        'remind 30m [product:"…"] | off',
        "a note in this channel before each slot starts (admins)",
        "/bookeo remind 30m",
    ),
    Subcommand("help", "help", "this list", "/bookeo help"),
)
_BY_NAME = {s.name: s for s in SUBCOMMANDS}


def usage_of(name: str) -> str:
    return f"/bookeo {_BY_NAME[name].usage}"


def parse(text: str) -> Parsed:
    """Parse the text after `/bookeo`."""
    text = " ".join(text.replace("\u00a0", " ").split())
    if not text:
        return Help()
    words = _words(text)
    if not words:
        return Help()
    head, rest = words[0].lower(), words[1:]
    if head in ("help", "-h", "--help", "?"):
        return Help()
    if head not in _BY_NAME:
        if _BOOKING.match(words[0]) and words[0].lstrip("#").isdigit() and not rest:
            return Find(words[0].lstrip("#"))
        hint = f" Did you mean `/bookeo find {text}`?" if not head.isdigit() else ""
        raise UsageError(f"I don't know `{clip_word(words[0])}`.{hint}")
    return _PARSERS[head](head, rest)


def clip_word(word: str) -> str:
    return word if len(word) <= 30 else word[:29] + "…"


def _find(name: str, rest: list[str]) -> Parsed:
    query = " ".join(rest).strip()
    if not query:
        raise UsageError("Tell me what to look for.", usage_of(name))
    if len(query) > 200:
        raise UsageError("That search is too long (200 characters at most).", usage_of(name))
    return Find(query.lstrip("#") if query.lstrip("#").isdigit() else query)


def _day(name: str, rest: list[str]) -> Parsed:
    offset = 0 if name == "today" else 1
    product = " ".join(rest) or None
    return Roster(label=name.capitalize(), offset=offset, days=1, product=product)


def _upcoming(name: str, rest: list[str]) -> Parsed:
    days = 7
    if rest and re.fullmatch(r"\d+d?", rest[0].lower()):
        days = int(rest[0].lower().rstrip("d"))
        rest = rest[1:]
        if rest and rest[0].lower() in ("day", "days"):
            rest = rest[1:]
        if not 1 <= days <= MAX_DAYS:
            raise UsageError(f"Pick between 1 and {MAX_DAYS} days.", usage_of(name))
    product = " ".join(rest) or None
    return Roster(label=f"Next {days} days", offset=0, days=days, product=product)


def _new(_name: str, rest: list[str]) -> Parsed:
    return New(product=" ".join(rest) or None)


def _booking(name: str, rest: list[str]) -> Parsed:
    if len(rest) != 1 or not _BOOKING.match(rest[0]):
        raise UsageError("Give one booking number.", usage_of(name))
    return OnBooking(verb=name, booking_number=rest[0].lstrip("#"))


def _customer(name: str, rest: list[str]) -> Parsed:
    if len(rest) != 1:
        raise UsageError("Give a booking number or an email address.", usage_of(name))
    query = rest[0].lstrip("#")
    if "@" not in query and not _BOOKING.match(query):
        raise UsageError("Give a booking number or an email address.", usage_of(name))
    return CustomerLookup(query=query)


def _role(name: str, rest: list[str]) -> Parsed:
    if len(rest) != 2:
        raise UsageError("Name one person and one role.", usage_of(name))
    mention = _MENTION.match(rest[0])
    if mention is None:
        raise UsageError("Mention the person with @ so Slack turns it into a link.", usage_of(name))
    try:
        role = Role(rest[1].lower())
    except ValueError:
        raise UsageError(
            f"`{clip_word(rest[1])}` is not a role: viewer, staff, cashier or admin.",
            usage_of(name),
        ) from None
    return SetRole(user_id=mention.group(1), role=role)


def _roles(name: str, rest: list[str]) -> Parsed:
    if rest:
        raise UsageError("`roles` takes nothing after it.", usage_of(name))
    return ListRoles()


def _help(_name: str, _rest: list[str]) -> Parsed:
    return Help()


def _subscribe(name: str, rest: list[str]) -> Parsed:
    kinds: set[str] = set()
    options: dict[str, str] = {}
    for word in rest:
        key, sep, value = word.partition(":")
        if sep and key.lower() in ("product", "within", "quiet", "broadcast", "urgent"):
            options[key.lower()] = value.strip()
            continue
        for kind in word.lower().split(","):
            if kind not in KINDS:
                raise UsageError(
                    f"`{clip_word(kind or word)}` is not one of {', '.join(KINDS)}.", usage_of(name)
                )
            kinds.add(kind)
    within = None
    if "within" in options:
        match = re.fullmatch(r"(\d{1,4})([hd])", options["within"].lower())
        if match is None:
            raise UsageError(
                "Write `within:` as hours or days, like `within:48h` or `within:3d`.",
                usage_of(name),
            )
        within = int(match.group(1)) * (24 if match.group(2) == "d" else 1)
        if not 1 <= within <= 24 * 90:
            raise UsageError("`within:` must be between 1 hour and 90 days.", usage_of(name))
    quiet = options.get("quiet")
    if quiet is not None and not _QUIET.match(quiet):
        raise UsageError("Write `quiet:` as two times, like `quiet:22:00-07:00`.", usage_of(name))
    broadcast = options.get("broadcast", "on").lower()
    if broadcast not in ("on", "off"):
        raise UsageError("`broadcast:` is on or off.", usage_of(name))
    urgent = None
    if "urgent" in options:
        text = options["urgent"].lower()
        match = re.fullmatch(r"(\d{1,3})([hd])", text)
        if text == "off":
            urgent = 0
        elif match is None or int(match.group(1)) == 0:
            raise UsageError(
                "Write `urgent:` as a window like `urgent:6h`, or `urgent:off`.", usage_of(name)
            )
        else:
            urgent = int(match.group(1)) * (24 if match.group(2) == "d" else 1)
    product = options.get("product") or None
    return Subscribe(
        kinds=frozenset(kinds or KINDS),
        product=product,
        within_hours=within,
        quiet=quiet,
        broadcast=broadcast == "on",
        urgent_hours=urgent,
    )


def _unsubscribe(name: str, rest: list[str]) -> Parsed:
    if not rest or rest == ["all"]:
        return Unsubscribe()
    if len(rest) == 1 and rest[0].lstrip("#").isdigit():
        return Unsubscribe(int(rest[0].lstrip("#")))
    raise UsageError(
        "Give a subscription number (see `/bookeo subscriptions`) or `all`.", usage_of(name)
    )


def _no_arguments(kind: Callable[[], Parsed]) -> Callable[[str, list[str]], Parsed]:
    def parse_(name: str, rest: list[str]) -> Parsed:
        if rest:
            raise UsageError(f"`{name}` takes nothing after it.", usage_of(name))
        return kind()

    return parse_


def _oncall(name: str, rest: list[str]) -> Parsed:
    if not rest:
        return OnCall()
    if len(rest) == 1:
        person, group = _MENTION.match(rest[0]), _GROUP.match(rest[0])
        found = person or group
        if found is not None:
            return OnCall(target=found.group(1))
    raise UsageError("Mention one person or one user group with @.", usage_of(name))


_CLOCK = re.compile(r"\A(\d{1,2})(?::([0-5]\d))?\s*(am|pm)?\Z")
_LEAD = re.compile(r"\A(\d{1,4})\s*(m|min|mins|minutes?|h|hours?)\Z")
MAX_REMIND_MINUTES = 24 * 60


def parse_clock(text: str) -> time | None:
    """`08:00`, `8:00`, `17:30`, `8am`, `7:30pm` → a time; None when it is not one."""
    match = _CLOCK.match(text.strip().lower())
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None  # a bare "8" could be 08:00 or 20:00: ask for one or the other
    if hour > 23:
        return None
    return time(hour, minute)


def _product_option(rest: list[str]) -> tuple[list[str], str | None]:
    """Split off `product:"…"`; the other words are returned as they came."""
    product = None
    words = []
    for word in rest:
        key, sep, value = word.partition(":")
        if sep and key.lower() == "product":
            product = value.strip() or None
        else:
            words.append(word)
    return words, product


def _digest(name: str, rest: list[str]) -> Parsed:
    words, product = _product_option(rest)
    if not words and product is None:
        return SetDigest()
    if [w.lower() for w in words] == ["off"] and product is None:
        return SetDigest(off=True)
    always = any(w.lower() == "always" for w in words)
    times = [w for w in words if w.lower() != "always"]
    at = parse_clock(times[0]) if len(times) == 1 else None
    if at is None:
        raise UsageError("Give one local time like `08:00` or `7:30am`, or `off`.", usage_of(name))
    return SetDigest(at=at, product=product, always=always)


def _remind(name: str, rest: list[str]) -> Parsed:
    words, product = _product_option(rest)
    if not words and product is None:
        return SetReminder()
    if [w.lower() for w in words] == ["off"] and product is None:
        return SetReminder(off=True)
    match = _LEAD.match(" ".join(words).lower()) if words else None
    if match is None:
        raise UsageError(
            "Say how long before each slot, like `30m` or `2h`, or `off`.", usage_of(name)
        )
    minutes = int(match.group(1)) * (60 if match.group(2).startswith("h") else 1)
    if not 5 <= minutes <= MAX_REMIND_MINUTES:
        raise UsageError("Reminders go between 5 minutes and 24 hours ahead.", usage_of(name))
    return SetReminder(minutes=minutes, product=product)


_PARSERS = {
    "digest": _digest,
    "remind": _remind,
    "oncall": _oncall,
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "subscriptions": _no_arguments(ListSubscriptions),
    "status": _no_arguments(Status),
    "find": _find,
    "today": _day,
    "tomorrow": _day,
    "upcoming": _upcoming,
    "new": _new,
    "edit": _booking,
    "cancel": _booking,
    "pay": _booking,
    "payments": _booking,
    "customer": _customer,
    "role": _role,
    "roles": _roles,
    "help": _help,
}
