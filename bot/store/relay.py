"""The relay's tables: the inbox, last known booking states, subscriptions, living cards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import uuid4

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.records import Subscription

from .tables import (
    BookingBaselineRow,
    BookingStateRow,
    CardRow,
    InboxRow,
    RelayClaimRow,
    SubscriptionRow,
)

KINDS = ("created", "changed", "canceled", "payments")
# The message ids of the deliveries the bot queues itself when it changes a booking's notes:
# notes live in the bot, not in Bookeo, so no webhook tells the relay of them.
NOTES_PREFIX = "notes:"


def aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes even for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Posted:
    """A booking's card that Slack has, by its message ts; `shared_by` is who shared it with
    "Share in channel" (None: a subscription put it there). A shared card is kept current on
    every change of its booking, whatever the channel's subscriptions say."""

    ts: str
    shared_by: str | None = None


@dataclass(frozen=True)
class Pending:
    """A card noted before it is posted (Slack has no idempotency key): `key` is what the
    message carries in its metadata, so after a crash the card can be looked up in the channel
    instead of posted twice."""

    key: str


CardRef = Posted | Pending

# How the cards table's `ts` column holds a CardRef: a ts, "pending:" and the key, or
# "shared:", the sharer's user id, ":" and the ts. Existing rows and the migration that
# widened the column use this encoding (a shared card needs no migration: user ids and ts
# hold no ":"); nothing above the store sees it.
_PENDING_PREFIX = "pending:"
_SHARED_PREFIX = "shared:"


def _card_ref(column: str) -> CardRef:
    if column.startswith(_PENDING_PREFIX):
        return Pending(column.removeprefix(_PENDING_PREFIX))
    if column.startswith(_SHARED_PREFIX):
        user, _, ts = column.removeprefix(_SHARED_PREFIX).rpartition(":")
        return Posted(ts, shared_by=user)
    return Posted(column)


def _card_column(ref: CardRef) -> str:
    if isinstance(ref, Pending):
        return _PENDING_PREFIX + ref.key
    return f"{_SHARED_PREFIX}{ref.shared_by}:{ref.ts}" if ref.shared_by else ref.ts


@dataclass(frozen=True)
class InboxItem:
    id: int
    message_id: str
    domain: str
    type: str
    booking_number: str | None
    body: str
    previous_lost: bool
    attempts: int
    received_at: datetime


@dataclass(frozen=True)
class Received:
    """A delivery as it arrived, before it is stored."""

    message_id: str
    domain: str
    type: str
    booking_number: str | None
    body: str
    previous_lost: bool
    at: datetime
    dead_reason: str | None = None


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        kinds=frozenset(k for k in row.kinds.split(",") if k),
        product_id=row.product_id,
        product_name=row.product_name,
        within_hours=row.within_hours,
        quiet=row.quiet,
        broadcast=row.broadcast,
        paused_reason=row.paused_reason,
        urgent_hours=row.urgent_hours,
    )


class _CardsPart:
    """Where each booking's living card is, per channel (a part of RelayRepository)."""

    _sessions: async_sessionmaker[AsyncSession]

    async def card(self, booking_number: str, channel_id: str) -> CardRef | None:
        async with self._sessions() as session:
            row = await session.get(CardRow, (booking_number, channel_id))
            return _card_ref(row.ts) if row else None

    async def set_card(
        self, booking_number: str, channel_id: str, ref: CardRef, *, at: datetime
    ) -> None:
        """Record (or correct) where a booking's card is."""
        ts = _card_column(ref)
        async with self._sessions.begin() as session:
            row = await session.get(CardRow, (booking_number, channel_id))
            if row is None:
                session.add(
                    CardRow(
                        booking_number=booking_number, channel_id=channel_id, ts=ts, posted_at=at
                    )
                )
            else:
                row.ts = ts

    async def shared_cards(self, booking_number: str) -> dict[str, str]:
        """The channels where the booking's card was shared, each with who shared it."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CardRow).where(
                    CardRow.booking_number == booking_number,
                    CardRow.ts.startswith(_SHARED_PREFIX),
                )
            )
            found = {row.channel_id: _card_ref(row.ts) for row in rows}
        return {c: r.shared_by for c, r in found.items() if isinstance(r, Posted) and r.shared_by}

    async def forget_card(self, booking_number: str, channel_id: str) -> None:
        """Stop keeping a card Slack no longer has (deleted, or a channel the bot left)."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(CardRow).where(
                    CardRow.booking_number == booking_number, CardRow.channel_id == channel_id
                )
            )


def _inbox_item(row: InboxRow) -> InboxItem:
    return InboxItem(
        id=row.id,
        message_id=row.message_id,
        domain=row.domain,
        type=row.type,
        booking_number=row.booking_number,
        body=row.body,
        previous_lost=row.previous_lost,
        attempts=row.attempts,
        received_at=aware(row.received_at),
    )


class _StatesPart:
    """The state of each booking the cards last showed, and the state a booking had before
    the bot changed it while the cards had shown none (a part of RelayRepository)."""

    _sessions: async_sessionmaker[AsyncSession]

    async def state_of(self, booking_number: str) -> str | None:
        async with self._sessions() as session:
            row = await session.get(BookingStateRow, booking_number)
            return row.snapshot if row else None

    async def save_state(self, booking_number: str, snapshot: str, *, at: datetime) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(BookingStateRow, booking_number)
            if row is None:
                session.add(
                    BookingStateRow(booking_number=booking_number, snapshot=snapshot, updated_at=at)
                )
            else:
                row.snapshot, row.updated_at = snapshot, at
            # The cards show a state now: a baseline has said what it had to.
            await session.execute(
                delete(BookingBaselineRow).where(
                    BookingBaselineRow.booking_number == booking_number
                )
            )

    async def keep_baseline(self, booking_number: str, booking: str, *, at: datetime) -> None:
        """Keep `booking` (Bookeo's JSON, read just before the bot changes it) as what the
        relay compares the change with, unless the relay already knows a state of it (the
        cards showed one) or an earlier baseline (a burst of changes: the first one counts)."""
        try:
            async with self._sessions.begin() as session:
                if await session.get(BookingStateRow, booking_number) is not None:
                    return
                if await session.get(BookingBaselineRow, booking_number) is not None:
                    return
                session.add(
                    BookingBaselineRow(
                        booking_number=booking_number, booking=booking, recorded_at=at
                    )
                )
        except IntegrityError:
            return  # another write of the same booking kept its baseline first

    async def baseline_of(self, booking_number: str) -> str | None:
        async with self._sessions() as session:
            row = await session.get(BookingBaselineRow, booking_number)
            return row.booking if row else None


class RelayRepository(_CardsPart, _StatesPart):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # -- inbox ------------------------------------------------------------------------------

    async def receive(
        self,
        *,
        message_id: str,
        domain: str,
        type: str,
        booking_number: str | None,
        body: str,
        previous_lost: bool,
        at: datetime,
        dead_reason: str | None = None,
    ) -> bool:
        """Store a delivery; False when its message id was already stored (no second effect)."""
        delivery = Received(
            message_id, domain, type, booking_number, body, previous_lost, at, dead_reason
        )
        [new] = await self.receive_many([delivery])
        return new

    async def notes_changed(self, booking_number: str, *, at: datetime) -> bool:
        """Queue a refresh of the booking's cards with the notes the bot just stored: it goes
        through the inbox like a webhook (durable, paced, once, on whichever replica
        delivers), and the planner says "notes updated" where a card shows other notes."""
        return await self.receive(
            message_id=f"{NOTES_PREFIX}{booking_number}:{at.isoformat()}:{uuid4().hex}",
            domain="bookings",
            type="updated",
            booking_number=booking_number,
            body=json.dumps({"itemId": booking_number}),
            previous_lost=False,
            at=at,
        )

    async def receive_many(self, deliveries: list[Received]) -> list[bool]:
        """Store deliveries in one transaction, in order; for each, whether it was new (a
        message id already stored, or earlier in the list, has no second effect)."""
        if not deliveries:
            return []
        # A Core insert, not the ORM's unit of work: this runs for every webhook, under load.
        rows = [
            {
                "message_id": d.message_id,
                "domain": d.domain,
                "type": d.type,
                "booking_number": d.booking_number,
                "received_at": d.at,
                "body": d.body,
                "previous_lost": d.previous_lost,
                "state": "dead" if d.dead_reason else "pending",
                "attempts": 0,
                "next_attempt_at": d.at,
                "reason": d.dead_reason or "",
            }
            for d in deliveries
        ]
        dialect = self._sessions.kw["bind"].dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # One statement for any number of rows (executemany: compiled once and cached, which
        # a VALUES list of a different length each time is not); on the table, not the ORM
        # entity, to skip the ORM's bulk-insert bookkeeping.
        inbox = cast(Table, InboxRow.__table__)
        statement = (
            insert(inbox)
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(inbox.c.message_id)
        )
        async with self._sessions.begin() as session:
            stored = set((await session.execute(statement, rows)).scalars())
        fresh = []
        for delivery in deliveries:
            fresh.append(delivery.message_id in stored)
            stored.discard(delivery.message_id)  # a repeat later in the list is not new
        return fresh

    async def due_keys(self, *, now: datetime, limit: int = 200) -> list[tuple[int, str | None]]:
        """(id, booking number) of the pending items whose time has come, oldest first."""
        query = (
            select(InboxRow.id, InboxRow.booking_number)
            .where(InboxRow.state == "pending", InboxRow.next_attempt_at <= now)
            .order_by(InboxRow.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [(row.id, row.booking_number) for row in await session.execute(query)]

    async def due(
        self, *, now: datetime, limit: int = 200, bookings: Collection[str] | None = None
    ) -> list[InboxItem]:
        """Pending items whose time has come, oldest first (of these bookings, if given)."""
        query = select(InboxRow).where(InboxRow.state == "pending", InboxRow.next_attempt_at <= now)
        if bookings is not None:
            query = query.where(InboxRow.booking_number.in_(list(bookings)))
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(InboxRow.id).limit(limit))
            return [_inbox_item(row) for row in rows]

    @asynccontextmanager
    async def claim(self, booking_numbers: Collection[str]) -> AsyncIterator[set[str]]:
        """Hold these bookings for the block; yields those this process got.

        On PostgreSQL, where several replicas drain one inbox, each booking's claim row is
        locked `FOR UPDATE SKIP LOCKED` in a transaction that lasts the block: a booking is
        delivered by one replica at a time (so in order, and its card posted once), others
        skip it, and a replica that dies releases its bookings with its connection. SQLite
        serves one process, which gets them all.
        """
        numbers = sorted(set(booking_numbers))
        if not numbers or self._sessions.kw["bind"].dialect.name != "postgresql":
            yield set(numbers)
            return
        async with self._sessions.begin() as session:
            await session.execute(
                postgresql_insert(RelayClaimRow)
                .values([{"booking_number": n} for n in numbers])
                .on_conflict_do_nothing()
            )
        async with self._sessions() as session, session.begin():
            held = await session.scalars(
                select(RelayClaimRow.booking_number)
                .where(RelayClaimRow.booking_number.in_(numbers))
                .order_by(RelayClaimRow.booking_number)
                .with_for_update(skip_locked=True)
            )
            yield set(held)

    async def done(self, ids: list[int]) -> None:
        async with self._sessions.begin() as session:
            await session.execute(update(InboxRow).where(InboxRow.id.in_(ids)).values(state="done"))

    async def trying(self, ids: list[int], *, retry_at: datetime) -> None:
        """Note a try before anything is posted for it (one more attempt; due again at
        `retry_at` should it not end); raises when the store cannot write."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.id.in_(ids))
                .values(attempts=InboxRow.attempts + 1, next_attempt_at=retry_at)
            )

    async def retry(self, ids: list[int], *, at: datetime, reason: str, attempts: int) -> None:
        """Due again at `at`, after `attempts` tries (`trying` counted this one)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.id.in_(ids))
                .values(attempts=attempts, next_attempt_at=at, reason=reason[:2000])
            )

    async def dead(self, ids: list[int], *, reason: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.id.in_(ids))
                .values(state="dead", reason=reason[:2000])
            )

    async def prune(self, *, before: datetime) -> int:
        """Forget deliveries that reached Slack before `before` (dead letters stay)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(InboxRow).where(InboxRow.state == "done", InboxRow.received_at < before)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def backlog(self) -> dict[str, int]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(InboxRow.state, func.count()).group_by(InboxRow.state)
            )
            return {str(state): int(count) for state, count in rows}

    async def dead_letters(self, *, limit: int = 5) -> list[tuple[str, str, str]]:
        """(message id, domain/type, reason) of the latest dead letters."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(InboxRow)
                .where(InboxRow.state == "dead")
                .order_by(InboxRow.id.desc())
                .limit(limit)
            )
            return [(r.message_id, f"{r.domain}/{r.type}", r.reason) for r in rows]

    async def last_received(self) -> datetime | None:
        async with self._sessions() as session:
            result: datetime | None = await session.scalar(select(func.max(InboxRow.received_at)))
            return aware(result) if result is not None else None

    # -- subscriptions ----------------------------------------------------------------------

    async def subscribe(
        self,
        *,
        team_id: str,
        channel_id: str,
        created_by: str,
        at: datetime,
        kinds: frozenset[str],
        product_id: str | None,
        product_name: str | None,
        within_hours: int | None,
        quiet: str | None,
        broadcast: bool,
        urgent_hours: int | None = None,
    ) -> Subscription:
        async with self._sessions.begin() as session:
            row = SubscriptionRow(
                team_id=team_id,
                channel_id=channel_id,
                kinds=",".join(k for k in KINDS if k in kinds),
                product_id=product_id,
                product_name=product_name,
                within_hours=within_hours,
                quiet=quiet,
                broadcast=broadcast,
                urgent_hours=urgent_hours,
                created_by=created_by,
                created_at=at,
            )
            session.add(row)
            await session.flush()
            return _subscription(row)

    async def subscriptions(
        self, *, team_id: str | None = None, channel_id: str | None = None
    ) -> list[Subscription]:
        async with self._sessions() as session:
            query = select(SubscriptionRow).order_by(SubscriptionRow.id)
            if team_id is not None:
                query = query.where(SubscriptionRow.team_id == team_id)
            if channel_id is not None:
                query = query.where(SubscriptionRow.channel_id == channel_id)
            return [_subscription(row) for row in await session.scalars(query)]

    async def unsubscribe(
        self, *, team_id: str, channel_id: str, subscription_id: int | None = None
    ) -> int:
        async with self._sessions.begin() as session:
            query = delete(SubscriptionRow).where(
                SubscriptionRow.team_id == team_id, SubscriptionRow.channel_id == channel_id
            )
            if subscription_id is not None:
                query = query.where(SubscriptionRow.id == subscription_id)
            result = await session.execute(query)
            return int(getattr(result, "rowcount", 0) or 0)

    async def pause(self, channel_id: str, reason: str) -> list[Subscription]:
        """Pause every active subscription of a channel; returns those newly paused."""
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(SubscriptionRow).where(
                        SubscriptionRow.channel_id == channel_id,
                        SubscriptionRow.paused_reason.is_(None),
                    )
                )
            )
            for row in rows:
                row.paused_reason = reason
            return [_subscription(row) for row in rows]

    async def resume(self, channel_id: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.channel_id == channel_id)
                .values(paused_reason=None)
            )
