"""`/bookeo …` text → a typed request, or a `UsageError` that says what was wrong.

Pure: no Slack, no Bookeo. Each subcommand's argument parser is here; which name calls which
parser is the registry's (`bot.slack.commands.registry`), handed to `parse_with`.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Protocol, TypeVar

from bot.permissions import Role

MAX_DAYS = 31
# Bookeo numbers are numeric-looking (ASCII digits: `\d` alone would take ² and ٣)
_BOOKING = re.compile(r"\A#?(\d[\d-]{0,31})\Z", re.ASCII)
# Slack ids are about 11 characters; the store keeps at most 32 (longer is not an id).
_MENTION = re.compile(r"\A<@([UW][A-Z0-9]{1,31})>\Z")
_GROUP = re.compile(r"\A<!subteam\^(S[A-Z0-9]{1,31})>\Z")
# A mention or link as Slack sends it, with its label: `<@U1|sam>`, `<!subteam^S1|@team>`.
_SLACK_REF = re.compile(r"<([@#!][^<>|\s]*)(?:\|[^<>]*)?>")
# Slack sends text escaped (& < > as entities, once); people's devices type curly quotes.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})
MAX_SUBSCRIPTION_ID = 2**63 - 1  # the store's integer
KINDS = ("created", "changed", "canceled", "payments")
_QUIET = re.compile(r"\A([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)\Z")
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


def _unescape(word: str) -> str:
    """Slack's escaping undone (once): `&amp;lt;` is what a person typed as `&lt;`."""
    for entity, char in _ENTITIES:
        word = word.replace(entity, char)
    return word


def slack_words(text: str) -> list[str]:
    """The words of command text as Slack sends it: mentions without their labels (whose
    spaces would split them), quotes straightened, then split, then unescaped."""
    text = _SLACK_REF.sub(lambda m: f"<{m.group(1)}>", text.translate(_QUOTES))
    return [_unescape(word) for word in _words(text)]


def _did_you_mean(head: str, text: str, names: list[str]) -> str:
    """The subcommand a mistyped name is close to (and the find it might have meant)."""
    close = difflib.get_close_matches(head, names, n=1, cutoff=0.75)
    find = f"`/bookeo find {clip_word(text)}`"
    if not close:
        return f" Did you mean {find}?"
    rest = text.split(" ", 1)[1] if " " in text else ""
    meant = f"/bookeo {close[0]} {clip_word(rest)}".rstrip()
    return f" Did you mean `{meant}`? (To look it up: {find}.)"


class UsageError(ValueError):
    """Bad input, with the usage line of the subcommand involved (`parse_with` adds it when
    an argument parser raised without one)."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class Request:
    """What a subcommand was asked to do, its arguments read (one subclass per request)."""


R = TypeVar("R", bound="Request")


class Changing(Protocol):
    @property
    def changes(self) -> bool:
        """Whether the request changes a setting (or only shows it)."""
        ...


@dataclass(frozen=True)
class Help(Request):
    pass


@dataclass(frozen=True)
class Find(Request):
    query: str


@dataclass(frozen=True)
class Roster(Request):
    """Bookings starting on `days` days from `offset` days after today."""

    label: str
    offset: int
    days: int
    product: str | None = None


@dataclass(frozen=True)
class New(Request):
    product: str | None = None


@dataclass(frozen=True)
class OnBooking(Request):
    """A subcommand about one booking: edit, cancel, pay, payments."""

    verb: str
    booking_number: str


@dataclass(frozen=True)
class CustomerLookup(Request):
    query: str  # a booking number or an email address


@dataclass(frozen=True)
class SetRole(Request):
    user_id: str
    role: Role
    confirmed: bool = False  # `confirm`: the last admin demoting themself means it


@dataclass(frozen=True)
class ListRoles(Request):
    pass


@dataclass(frozen=True)
class Subscribe(Request):
    kinds: frozenset[str]
    product: str | None = None
    within_hours: int | None = None
    quiet: str | None = None
    broadcast: bool = True
    urgent_hours: int | None = None  # None: the default; 0: never


@dataclass(frozen=True)
class Unsubscribe(Request):
    subscription_id: int | None = None  # None: every subscription of the channel


@dataclass(frozen=True)
class ListSubscriptions(Request):
    pass


@dataclass(frozen=True)
class Status(Request):
    pass


@dataclass(frozen=True)
class OnCall(Request):
    target: str | None = None  # None: show who is on call

    @property
    def changes(self) -> bool:
        return self.target is not None


@dataclass(frozen=True)
class SetDigest(Request):
    """`digest 08:00 …`: today's roster at that local time; `off=True` stops it; neither
    time nor off: show this channel's."""

    at: time | None = None
    product: str | None = None
    always: bool = False
    off: bool = False

    @property
    def changes(self) -> bool:
        return self.off or self.at is not None


@dataclass(frozen=True)
class SetReminder(Request):
    """`remind 30m …`: a note that many minutes before each slot; `off=True` stops them."""

    minutes: int | None = None
    product: str | None = None
    off: bool = False

    @property
    def changes(self) -> bool:
        return self.off or self.minutes is not None


ArgumentParser = Callable[[str, list[str]], Request]  # (subcommand name, words after it)


class Grammar(Protocol):
    """What `parse_with` needs of a subcommand: its usage line and its argument parser."""

    @property
    def usage(self) -> str: ...

    @property
    def parse(self) -> ArgumentParser: ...


def parse_with(text: str, grammar: Mapping[str, Grammar]) -> tuple[str, Request]:
    """Parse the text after `/bookeo`: the subcommand's name and its request. Nothing (or
    `help`, `-h`, `?`) is `help`; a bare booking number is `find`."""
    text = " ".join(text.replace("\u00a0", " ").split())
    words = slack_words(text) if text else []
    if not words:
        return "help", Help()
    head, rest = words[0].lower(), words[1:]
    if head in ("help", "-h", "--help", "?"):
        return "help", Help()
    if head not in grammar:
        if _BOOKING.match(words[0]) and words[0].lstrip("#").isdecimal() and not rest:
            return "find", Find(words[0].lstrip("#"))
        typed = " ".join(words)
        hint = _did_you_mean(head, typed, list(grammar)) if not head.isdigit() else ""
        raise UsageError(f"I don't know `{clip_word(words[0])}`.{hint}")
    subcommand = grammar[head]
    try:
        return head, subcommand.parse(head, rest)
    except UsageError as error:
        if error.usage is None:
            error.usage = f"/bookeo {subcommand.usage}"
        raise


def clip_word(word: str) -> str:
    return word if len(word) <= 30 else word[:29] + "…"


def parse_find(_name: str, rest: list[str]) -> Find:
    query = " ".join(rest).strip()
    if not query:
        raise UsageError("Tell me what to look for.")
    if len(query) > 200:
        raise UsageError("That search is too long (200 characters at most).")
    number = query.lstrip("#")
    return Find(number if number.isascii() and number.isdigit() else query)


def parse_day(name: str, rest: list[str]) -> Roster:
    offset = 0 if name == "today" else 1
    product = " ".join(rest) or None
    return Roster(label=name.capitalize(), offset=offset, days=1, product=product)


def parse_upcoming(_name: str, rest: list[str]) -> Roster:
    days = 7
    if rest and re.fullmatch(r"\d+d?", rest[0].lower()):
        days = int(rest[0].lower().rstrip("d"))
        rest = rest[1:]
        if rest and rest[0].lower() in ("day", "days"):
            rest = rest[1:]
        if not 1 <= days <= MAX_DAYS:
            raise UsageError(f"Pick between 1 and {MAX_DAYS} days.")
    product = " ".join(rest) or None
    return Roster(label=f"Next {days} days", offset=0, days=days, product=product)


def parse_new(_name: str, rest: list[str]) -> New:
    return New(product=" ".join(rest) or None)


def parse_booking(name: str, rest: list[str]) -> OnBooking:
    if len(rest) != 1 or not _BOOKING.match(rest[0]):
        raise UsageError("Give one booking number.")
    return OnBooking(verb=name, booking_number=rest[0].lstrip("#"))


def parse_customer(_name: str, rest: list[str]) -> CustomerLookup:
    if len(rest) != 1:
        raise UsageError("Give a booking number or an email address.")
    query = rest[0].lstrip("#")
    if "@" not in query and not _BOOKING.match(query):
        raise UsageError("Give a booking number or an email address.")
    return CustomerLookup(query=query)


def parse_role(_name: str, rest: list[str]) -> SetRole:
    confirmed = len(rest) == 3 and rest[2].lower() == "confirm"
    if confirmed:
        rest = rest[:2]
    if len(rest) != 2:
        raise UsageError("Name one person and one role.")
    mention = _MENTION.match(rest[0])
    if mention is None:
        raise UsageError("Mention the person with @ so Slack turns it into a link.")
    try:
        role = Role(rest[1].lower())
    except ValueError:
        raise UsageError(
            f"`{clip_word(rest[1])}` is not a role: viewer, staff, cashier or admin."
        ) from None
    return SetRole(user_id=mention.group(1), role=role, confirmed=confirmed)


def parse_help(_name: str, _rest: list[str]) -> Help:
    return Help()


def parse_subscribe(_name: str, rest: list[str]) -> Subscribe:
    kinds: set[str] = set()
    options: dict[str, str] = {}
    for word in rest:
        key, sep, value = word.partition(":")
        if sep and key.lower() in ("product", "within", "quiet", "broadcast", "urgent"):
            options[key.lower()] = value.strip()
            continue
        for kind in word.lower().split(","):
            if kind not in KINDS:
                raise UsageError(f"`{clip_word(kind or word)}` is not one of {', '.join(KINDS)}.")
            kinds.add(kind)
    within = None
    if "within" in options:
        match = re.fullmatch(r"(\d{1,4})([hd])", options["within"].lower())
        if match is None:
            raise UsageError("Write `within:` as hours or days, like `within:48h` or `within:3d`.")
        within = int(match.group(1)) * (24 if match.group(2) == "d" else 1)
        if not 1 <= within <= 24 * 90:
            raise UsageError("`within:` must be between 1 hour and 90 days.")
    quiet = options.get("quiet")
    if quiet is not None and not _QUIET.match(quiet):
        raise UsageError("Write `quiet:` as two times, like `quiet:22:00-07:00`.")
    broadcast = options.get("broadcast", "on").lower()
    if broadcast not in ("on", "off"):
        raise UsageError("`broadcast:` is on or off.")
    urgent = None
    if "urgent" in options:
        text = options["urgent"].lower()
        match = re.fullmatch(r"(\d{1,3})([hd])", text)
        if text == "off":
            urgent = 0
        elif match is None or int(match.group(1)) == 0:
            raise UsageError("Write `urgent:` as a window like `urgent:6h`, or `urgent:off`.")
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


def parse_unsubscribe(_name: str, rest: list[str]) -> Unsubscribe:
    if not rest or rest == ["all"]:
        return Unsubscribe()
    number = rest[0].lstrip("#") if len(rest) == 1 else ""
    if number.isascii() and number.isdigit():
        if int(number) > MAX_SUBSCRIPTION_ID:
            raise UsageError(f"There is no subscription #{clip_word(number)}.")
        return Unsubscribe(int(number))
    raise UsageError("Give a subscription number (see `/bookeo subscriptions`) or `all`.")


def no_arguments(kind: Callable[[], R]) -> Callable[[str, list[str]], R]:
    """The parser of a subcommand that takes nothing after its name."""

    def parse_(name: str, rest: list[str]) -> R:
        if rest:
            raise UsageError(f"`{name}` takes nothing after it.")
        return kind()

    return parse_


def parse_oncall(_name: str, rest: list[str]) -> OnCall:
    if not rest:
        return OnCall()
    if len(rest) == 1:
        person, group = _MENTION.match(rest[0]), _GROUP.match(rest[0])
        found = person or group
        if found is not None:
            return OnCall(target=found.group(1))
    raise UsageError("Mention one person or one user group with @.")


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


def parse_digest(_name: str, rest: list[str]) -> SetDigest:
    words, product = _product_option(rest)
    if not words and product is None:
        return SetDigest()
    if [w.lower() for w in words] == ["off"] and product is None:
        return SetDigest(off=True)
    always = any(w.lower() == "always" for w in words)
    times = [w for w in words if w.lower() != "always"]
    at = parse_clock(times[0]) if len(times) == 1 else None
    if at is None:
        raise UsageError("Give one local time like `08:00` or `7:30am`, or `off`.")
    return SetDigest(at=at, product=product, always=always)


def parse_remind(_name: str, rest: list[str]) -> SetReminder:
    words, product = _product_option(rest)
    if not words and product is None:
        return SetReminder()
    if [w.lower() for w in words] == ["off"] and product is None:
        return SetReminder(off=True)
    match = _LEAD.match(" ".join(words).lower()) if words else None
    if match is None:
        raise UsageError("Say how long before each slot, like `30m` or `2h`, or `off`.")
    minutes = int(match.group(1)) * (60 if match.group(2).startswith("h") else 1)
    if not 5 <= minutes <= MAX_REMIND_MINUTES:
        raise UsageError("Reminders go between 5 minutes and 24 hours ahead.")
    return SetReminder(minutes=minutes, product=product)
