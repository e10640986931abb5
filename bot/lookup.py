"""Finding bookings from what a person types: a number, an email, a name or a phone number.

Bookeo cannot search customers by phone, so phone numbers go through the bot's own index,
filled from Bookeo's customer list (`CustomerIndexer`), and are read with `phonenumbers` in
the business's region (`0400 123 456` in AU is `+61 400 123 456`). Bookeo's name search is
exact about accents, so the indexer also keeps each customer's name folded (no accents, no
case): `zoe` finds "Zoë Brown".

Bookings are shown today's first, then the nearest to now (the recent past and the coming
days), a page of `MAX_RESULTS` at a time; `FindResult.total` says how many there are.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

import phonenumbers

from bot.bookeo import BookeoClient, NotFound
from bot.bookeo.models import Booking, Customer
from bot.clock import Clock
from bot.store import Store

log = logging.getLogger("bot.lookup")
MAX_RESULTS = 10
MAX_CUSTOMERS = 10
_PHONE = re.compile(r"\A\+?[\d\s().-]{7,}\Z", re.ASCII)


def folded(text: str) -> str:
    """Without accents and case: "Zoë" and "ZOE" are both "zoe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def squashed(text: str) -> str:
    """Folded, and without apostrophes, hyphens, spaces or any other mark: "O'Brien",
    "o brien" and "OBrien" are all "obrien", "Smith-Jones" is "smithjones"."""
    return "".join(c for c in folded(text) if c.isalnum())


def name_matches(query: str, name: str) -> bool:
    """Whether every word of `query` is in `name`, punctuation, spaces, accents and case
    aside (`obrien` finds "Aoife O'Brien", `smith jones` and `smithjones` "Smith-Jones")."""
    words = [w for w in (squashed(w) for w in query.split()) if w]
    whole = squashed(name)
    return bool(words) and all(w in whole for w in words)


def parse_phone(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """A phone number as a person or Bookeo wrote it, read in `region`; None if it is not one."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def international(text: str, region: str) -> str:
    """A phone number as typed (`0400 123 456`), written the way it reads anywhere
    (`+61 400 123 456`, in REGION); as typed when it is not a valid number."""
    number = parse_phone(text, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def same_phone(a: phonenumbers.PhoneNumber, b: phonenumbers.PhoneNumber) -> bool:
    match = phonenumbers.is_number_match(a, b)
    return match in (phonenumbers.MatchType.EXACT_MATCH, phonenumbers.MatchType.NSN_MATCH)


@dataclass(frozen=True)
class FindResult:
    bookings: list[Booking]  # this page
    customers: list[Customer]
    total: int = 0  # bookings found in all (this page is `offset` onwards)
    offset: int = 0

    @property
    def truncated(self) -> bool:
        """More bookings after this page."""
        return self.offset + len(self.bookings) < self.total

    @property
    def more(self) -> int:
        return max(self.total - self.offset - len(self.bookings), 0)


def ordered(bookings: list[Booking], *, now: datetime, tz: tzinfo) -> list[Booking]:
    """Today's first (in time order), then the nearest to now, past or coming."""
    today = now.astimezone(tz).date()

    def key(booking: Booking) -> tuple[int, float]:
        start = booking.start_time
        if start is None:
            return (2, 0.0)
        if start.astimezone(tz).date() == today:
            return (0, start.timestamp())
        return (1, abs((start - now).total_seconds()))

    return sorted(bookings, key=key)


class CustomerIndexer:
    """Keeps the phone index current: a full pass over Bookeo's customers, one at a time."""

    def __init__(self, bookeo: BookeoClient, store: Store, clock: Clock) -> None:
        self._bookeo = bookeo
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()
        self._names: dict[str, str] = {}  # customer id → folded full name

    async def refresh(self) -> int:
        async with self._lock:
            count = 0
            async for customer in self._bookeo.customers.list():
                await self.index(customer)
                count += 1
            log.info("phone index refreshed: %d customers", count)
            return count

    def named(self, text: str) -> list[str]:
        """Ids of the customers whose name holds every word of `text`, accents, case and
        punctuation aside (empty until the first pass has run)."""
        return [cid for cid, name in self._names.items() if name_matches(text, name)]

    @property
    def has_names(self) -> bool:
        return bool(self._names)

    async def settled(self) -> None:
        """Wait for a refresh in progress, if any."""
        async with self._lock:
            return

    async def index(self, customer: Customer) -> None:
        if customer.id is None:
            return
        self._names[customer.id] = folded(customer.full_name)
        phones = [p.number for p in customer.phone_numbers or []]
        await self._store.index_customer(
            customer.id, name=customer.full_name, phones=phones, at=self._clock.now()
        )


class Lookup:
    def __init__(
        self,
        bookeo: BookeoClient,
        store: Store,
        indexer: CustomerIndexer,
        clock: Clock,
        *,
        region: str = "US",
    ) -> None:
        self._bookeo = bookeo
        self._store = store
        self._indexer = indexer
        self._clock = clock
        self._region = region

    async def find(
        self, query: str, *, today: date, tz: tzinfo | None = None, offset: int = 0
    ) -> FindResult:
        text = query.strip()
        if text.isascii() and text.isdigit():
            try:
                booking = await self._bookeo.bookings.get(text, expand_customer=True)
                customers = [booking.customer] if booking.customer else []
                return FindResult([booking], customers, total=1)
            except NotFound:
                if len(text) < 7:
                    return FindResult([], [])
        if "@" in text:
            customers = await self._bookeo.customers.search(text, field="emailAddress").to_list(
                limit=MAX_CUSTOMERS
            )
        elif _PHONE.match(text):
            customers = await self._by_phone(text)
        else:
            customers = await self._by_name(text)
        found = await self._all_bookings_of(customers, today=today, tz=tz)
        page = found[offset : offset + MAX_RESULTS]
        return FindResult(page, customers, total=len(found), offset=offset)

    async def customer(self, customer_id: str) -> Customer:
        return await self._bookeo.customers.get(customer_id)

    async def bookings_of(
        self, customer: Customer, *, today: date, tz: tzinfo | None = None
    ) -> list[Booking]:
        """All of a customer's bookings from 30 days ago to a year ahead, today's first."""
        return await self._all_bookings_of([customer], today=today, tz=tz)

    async def _by_name(self, text: str) -> list[Customer]:
        customers = await self._bookeo.customers.search(text).to_list(limit=MAX_CUSTOMERS)
        known = {c.id for c in customers}
        if not self._indexer.has_names:
            await self._indexer.settled()  # the start-up pass may still be running
        for customer_id in self._indexer.named(text):
            if len(customers) >= MAX_CUSTOMERS:
                break
            if customer_id in known:
                continue
            try:
                customers.append(await self._bookeo.customers.get(customer_id))
            except NotFound:
                continue  # deleted since it was indexed
        return customers

    async def _by_phone(self, text: str) -> list[Customer]:
        wanted = parse_phone(text, self._region)
        # The index holds digits; the national number is the part every way of writing it
        # ends with (0400 123 456, +61 400 123 456, 61400123456).
        suffix = str(phonenumbers.national_significant_number(wanted)) if wanted else text
        matches = await self._store.customers_by_phone(suffix)
        if not matches:
            await self._indexer.settled()  # the start-up pass may still be running
            if not await self._store.indexed_customers():
                await self._indexer.refresh()  # first use: build the index now
            matches = await self._store.customers_by_phone(suffix)
        customers: list[Customer] = []
        for customer_id, _ in matches:
            if len(customers) >= MAX_CUSTOMERS:
                break
            try:
                customer = await self._bookeo.customers.get(customer_id)
            except NotFound:
                continue  # deleted since it was indexed
            if wanted is None or self._has_phone(customer, wanted):
                customers.append(customer)
        return customers

    def _has_phone(self, customer: Customer, wanted: phonenumbers.PhoneNumber) -> bool:
        for phone in customer.phone_numbers or []:
            number = parse_phone(phone.number, self._region)
            if number is not None and same_phone(number, wanted):
                return True
        return False

    async def _all_bookings_of(
        self, customers: list[Customer], *, today: date, tz: tzinfo | None
    ) -> list[Booking]:
        found: list[Booking] = []
        for customer in customers:
            if customer.id is None:
                continue
            pager = self._bookeo.customers.bookings(
                customer.id,
                begin_date=today - timedelta(days=30),
                end_date=today + timedelta(days=365),
            )
            for booking in await pager.to_list(limit=100):
                found.append(booking.model_copy(update={"customer": customer}))
        now = self._clock.now()
        return ordered(found, now=now, tz=tz or UTC)
