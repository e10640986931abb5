"""`BookingOps`: make, change, cancel and pay bookings, and what their forms need to read.

Each write takes an `Actor` and a typed form (bot.ops.forms), checks the role, runs through
`IdempotentWrite` where a repeat must not write twice, is audited, and returns a typed
outcome (bot.ops.outcomes)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.bookeo import BookeoClient
from bot.bookeo.models import Booking, Customer, Product
from bot.catalog import Catalog
from bot.clock import Clock
from bot.lookup import CustomerIndexer
from bot.ops.access import Access
from bot.ops.actor import Actor
from bot.ops.bookings import cancel, create, edit, payment, reads, settle
from bot.ops.bookings._services import Services
from bot.ops.bookings.reads import DayTimes
from bot.ops.bookings.settle import Tell
from bot.ops.forms import CancelForm, CreateForm, EditForm, PaymentForm
from bot.ops.idempotent import Checked, IdempotentWrite
from bot.ops.outcomes import (
    CancelOutcome,
    CreateOutcome,
    EditOutcome,
    PaymentOutcome,
    Repeat,
)
from bot.permissions import Permission
from bot.refs import is_bot_ref
from bot.slots import SlotChoice
from bot.store import AuditEntry, Store

__all__ = ["BookingOps", "DayTimes", "Tell"]


class BookingOps:
    def __init__(
        self,
        *,
        bookeo: BookeoClient,
        store: Store,
        catalog: Catalog,
        indexer: CustomerIndexer,
        access: Access,
        clock: Clock,
        tz: ZoneInfo,
        locale: str,
    ) -> None:
        self._s = Services(
            bookeo=bookeo,
            store=store,
            catalog=catalog,
            indexer=indexer,
            access=access,
            writes=IdempotentWrite(store, clock),
            clock=clock,
            tz=tz,
            locale=locale,
        )
        self._started = clock.now()

    # -- writes --------------------------------------------------------------------------

    async def earlier_create(self, actor: Actor, form_key: str) -> Repeat | None:
        """What became of an earlier submission of this create form (None: nothing)."""
        return await create.earlier_create(self._s, actor, form_key)

    async def claim_create(
        self, actor: Actor, form: CreateForm, *, view_id: str | None = None
    ) -> Repeat | None:
        """Claim the form for one create (None: claimed), before its ack says "creating";
        what finishing it needs is kept with the claim."""
        return await create.claim_create(self._s, actor, form, view_id=view_id)

    async def settle_pending_creates(self, tell: Tell) -> int:
        """Finish the creates a crash left pending; `tell` tells their people how they ended."""
        return await settle.settle_pending(self._s, tell, started=self._started)

    async def create(
        self, actor: Actor, form: CreateForm, *, checking: Checked | None = None
    ) -> CreateOutcome:
        """Make the booking of a claimed form (`checking`: awaited if its answer is lost)."""
        return await create.create(self._s, actor, form, checking=checking)

    async def edit(self, actor: Actor, form: EditForm) -> EditOutcome:
        return await edit.edit(self._s, actor, form)

    async def cancel(self, actor: Actor, form: CancelForm) -> CancelOutcome:
        return await cancel.cancel(self._s, actor, form)

    async def record_payment(
        self, actor: Actor, form: PaymentForm, *, checking: Checked | None = None
    ) -> PaymentOutcome:
        return await payment.record_payment(self._s, actor, form, checking=checking)

    # -- reads for the forms -------------------------------------------------------------

    async def get(self, booking_number: str) -> Booking:
        """The booking with its customer."""
        return await self._s.bookeo.bookings.get(booking_number, expand_customer=True)

    async def note(self, booking_number: str) -> str | None:
        """The bot's note on a booking (Bookeo's API has no notes field)."""
        return await self._s.store.note(booking_number)

    async def history(self, booking: Booking) -> list[AuditEntry]:
        """The audit rows of the writes made on `booking` from Slack, oldest first (its
        create's found by the reference it sent too): who did what, for its cards."""
        ref = booking.external_ref if is_bot_ref(booking.external_ref) else None
        return await self._s.store.audit_log(
            booking_number=booking.booking_number, external_ref=ref
        )

    async def load_slots(
        self, product: Product, day: date, people: dict[str, int], *, booking: Booking | None = None
    ) -> list[SlotChoice]:
        return await reads.load_slots(self._s, product, day, people, booking=booking)

    async def day_times(
        self, product: Product, day: date, people: dict[str, int], *, booking: Booking | None = None
    ) -> DayTimes:
        """The times on `day`, and Bookeo's refusal of the party (the form shows it there)."""
        return await reads.day_times(self._s, product, day, people, booking=booking)

    async def first_day_with_times(
        self, product: Product, day: date, people: dict[str, int]
    ) -> DayTimes:
        return await reads.first_day_with_times(self._s, product, day, people)

    async def search_customers(
        self, actor: Actor, query: str, *, budget: float
    ) -> list[Customer] | None:
        """Customers for the create form's typeahead: names and emails, so staff only."""
        await self._s.access.require(actor, Permission.SEE_CONTACTS)
        return await reads.search_customers(self._s, query, budget=budget)
