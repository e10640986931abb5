"""Finding bookings from what a person types: a number, an email, a name or a phone number.

Bookeo cannot search customers by phone, so phone numbers go through the bot's own index,
filled from Bookeo's customer list (`CustomerIndexer`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.bookeo import BookeoClient, NotFound
from bot.bookeo.models import Booking, Customer
from bot.clock import Clock
from bot.store import Store

log = logging.getLogger("bot.lookup")
MAX_RESULTS = 10
_PHONE = re.compile(r"\A\+?[\d\s().-]{7,}\Z")


@dataclass(frozen=True)
class FindResult:
    bookings: list[Booking]
    customers: list[Customer]
    truncated: bool = False


class CustomerIndexer:
    """Keeps the phone index current: a full pass over Bookeo's customers, one at a time."""

    def __init__(self, bookeo: BookeoClient, store: Store, clock: Clock) -> None:
        self._bookeo = bookeo
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()

    async def refresh(self) -> int:
        async with self._lock:
            count = 0
            async for customer in self._bookeo.customers.list():
                await self.index(customer)
                count += 1
            log.info("phone index refreshed: %d customers", count)
            return count

    async def settled(self) -> None:
        """Wait for a refresh in progress, if any."""
        async with self._lock:
            return

    async def index(self, customer: Customer) -> None:
        if customer.id is None:
            return
        phones = [p.number for p in customer.phone_numbers or []]
        await self._store.index_customer(
            customer.id, name=customer.full_name, phones=phones, at=self._clock.now()
        )


class Lookup:
    def __init__(
        self, bookeo: BookeoClient, store: Store, indexer: CustomerIndexer, clock: Clock
    ) -> None:
        self._bookeo = bookeo
        self._store = store
        self._indexer = indexer
        self._clock = clock

    async def find(self, query: str, *, today: date) -> FindResult:
        text = query.strip()
        if text.isdigit():
            try:
                booking = await self._bookeo.bookings.get(text, expand_customer=True)
                return FindResult([booking], [booking.customer] if booking.customer else [])
            except NotFound:
                if len(text) < 7:
                    return FindResult([], [])
        if "@" in text:
            customers = await self._bookeo.customers.search(text, field="emailAddress").to_list(
                limit=MAX_RESULTS
            )
        elif _PHONE.match(text):
            customers = await self._by_phone(text)
        else:
            customers = await self._bookeo.customers.search(text).to_list(limit=MAX_RESULTS)
        return await self._bookings_of(customers, today=today)

    async def customer(self, customer_id: str) -> Customer:
        return await self._bookeo.customers.get(customer_id)

    async def bookings_of(self, customer: Customer, *, today: date) -> list[Booking]:
        return (await self._bookings_of([customer], today=today)).bookings

    async def _by_phone(self, text: str) -> list[Customer]:
        matches = await self._store.customers_by_phone(text)
        if not matches:
            await self._indexer.settled()  # the start-up pass may still be running
            if not await self._store.indexed_customers():
                await self._indexer.refresh()  # first use: build the index now
            matches = await self._store.customers_by_phone(text)
        customers = []
        for customer_id, _ in matches[:MAX_RESULTS]:
            try:
                customers.append(await self._bookeo.customers.get(customer_id))
            except NotFound:
                continue  # deleted since it was indexed
        return customers

    async def _bookings_of(self, customers: list[Customer], *, today: date) -> FindResult:
        found: list[Booking] = []
        for customer in customers:
            if customer.id is None:
                continue
            pager = self._bookeo.customers.bookings(
                customer.id,
                begin_date=today - timedelta(days=30),
                end_date=today + timedelta(days=365),
            )
            for booking in await pager.to_list(limit=50):
                found.append(booking.model_copy(update={"customer": customer}))
        # Upcoming first (soonest first), then the recent past (latest first).
        now = self._clock.now()
        upcoming = sorted(
            (b for b in found if b.start_time and b.start_time >= now),
            key=lambda b: b.start_time or now,
        )
        past = sorted(
            (b for b in found if not b.start_time or b.start_time < now),
            key=lambda b: b.start_time or now,
            reverse=True,
        )
        ordered = upcoming + past
        return FindResult(ordered[:MAX_RESULTS], customers, truncated=len(ordered) > MAX_RESULTS)
