"""What the commands and App Home read: a booking found from what a person typed, a day's or
a week's roster, a booking's payments, a customer and their bookings, the Home tab's days.

Reads check `Permission.LOOKUP` (everyone has it) and write nothing, so they are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.bookeo import BookeoClient, BookeoError
from bot.bookeo.models import Booking, Customer, Payment, Product
from bot.catalog import Catalog
from bot.clock import Clock
from bot.lookup import MAX_RESULTS, FindResult, Lookup
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.products import product_named
from bot.permissions import Permission
from bot.roster import SlotGroup, fetch_roster


@dataclass(frozen=True)
class RosterDays:
    """Bookings by slot over `days` days from `first_day`, maybe of one product."""

    first_day: date
    days: int
    product: Product | None
    groups: list[SlotGroup]

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)


@dataclass(frozen=True)
class Payments:
    booking: Booking
    payments: list[Payment]


@dataclass(frozen=True)
class CustomerBookings:
    customer: Customer
    bookings: list[Booking]  # this page: the booking asked about, today's, then nearest now
    total: int = 0  # their bookings from 30 days ago to a year ahead
    offset: int = 0

    @property
    def more(self) -> int:
        return max(self.total - self.offset - len(self.bookings), 0)


@dataclass(frozen=True)
class HomeDays:
    """Today's and tomorrow's rosters for App Home; `error` when Bookeo could not say."""

    days: list[RosterDays]
    error: BookeoError | None = None


class Lookups:
    def __init__(
        self,
        *,
        bookeo: BookeoClient,
        catalog: Catalog,
        lookup: Lookup,
        access: Access,
        clock: Clock,
        tz: ZoneInfo,
    ) -> None:
        self._bookeo = bookeo
        self._catalog = catalog
        self._lookup = lookup
        self._access = access
        self._clock = clock
        self._tz = tz

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    async def find(self, actor: Actor, query: str, *, offset: int = 0) -> FindResult:
        """Bookings matching a booking number, an email, a phone number or a name: a page
        of them from `offset`, today's first."""
        await self._access.require(actor, Permission.LOOKUP)
        return await self._lookup.find(query, today=self.today(), tz=self._tz, offset=offset)

    async def booking(self, actor: Actor, booking_number: str) -> Booking:
        """One booking, with its customer."""
        await self._access.require(actor, Permission.LOOKUP)
        return await self._bookeo.bookings.get(booking_number, expand_customer=True)

    async def roster(
        self, actor: Actor, *, offset: int, days: int, product: str | None = None
    ) -> RosterDays:
        """`days` days of bookings by slot, from `offset` days after today."""
        await self._access.require(actor, Permission.LOOKUP)
        chosen = await product_named(self._catalog, product)
        return await self._roster(self.today() + timedelta(days=offset), days, chosen)

    async def payments(self, actor: Actor, booking_number: str) -> Payments:
        await self._access.require(actor, Permission.LOOKUP)
        booking = await self._bookeo.bookings.get(booking_number)
        payments = await self._bookeo.bookings.payments(booking_number).to_list()
        return Payments(booking, payments)

    async def customer(
        self, actor: Actor, query: str, *, offset: int = 0
    ) -> CustomerBookings | None:
        """The customer of a booking number (that booking first), or the one with an email
        address (None: nobody has it), and a page of their bookings from `offset`."""
        await self._access.require(actor, Permission.LOOKUP)
        if "@" in query:
            pager = self._bookeo.customers.search(query, field="emailAddress")
            matches = await pager.to_list(limit=2)
            if not matches:
                return None
            customer = matches[0]
        else:
            customer = await self._bookeo.bookings.customer(query)
        bookings = await self._lookup.bookings_of(customer, today=self.today(), tz=self._tz)
        asked = [b for b in bookings if b.booking_number == query]
        bookings = asked + [b for b in bookings if b.booking_number != query]
        page = bookings[offset : offset + MAX_RESULTS]
        return CustomerBookings(customer, page, total=len(bookings), offset=offset)

    async def home(self, actor: Actor) -> HomeDays:
        await self._access.require(actor, Permission.LOOKUP)
        days: list[RosterDays] = []
        try:
            for offset in (0, 1):
                days.append(await self._roster(self.today() + timedelta(days=offset), 1, None))
        except BookeoError as error:
            return HomeDays(days, error)
        return HomeDays(days)

    async def _roster(self, first_day: date, days: int, product: Product | None) -> RosterDays:
        groups = await fetch_roster(
            self._bookeo,
            await self._catalog.products(),
            await self._catalog.categories(),
            first_day=first_day,
            days=days,
            tz=self._tz,
            product=product,
        )
        return RosterDays(first_day, days, product, groups)
