"""`Store`: the only code that reads and writes the bot's tables.

Each method is one unit of work in its own session; callers never see a session.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.permissions import Role

from . import migrate
from .oncall import OnCallRepository
from .relay import RelayRepository, aware
from .tables import AuditRow, CustomerIndexRow, IdempotencyRow, NoteRow, RoleRow
from .timed_posts import TimedPostRepository
from .wal import WriteAheadLog


def cannot_write_now(error: BaseException) -> bool:
    """Whether `error` is the database refusing writes for now (a full disk, a lock held too
    long), not something wrong with what was written: trying again later may work."""
    return isinstance(error, OperationalError)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    team_id: str
    user_id: str
    action: str
    booking_number: str | None
    outcome: str
    detail: str
    external_ref: str | None = None
    """The reference a create sent to Bookeo (matched before its booking number is known)."""


@dataclass(frozen=True)
class PendingWrite:
    """A key claimed and never finished, with what its form said (None: kept nothing)."""

    key: str
    claimed_at: datetime
    form: str | None


@dataclass(frozen=True)
class WriteClaim:
    """The state of a write's key (a create, a payment): fresh (ours to run), pending, done,
    or unknown (its answer was lost)."""

    fresh: bool
    state: str
    booking_number: str | None
    claimed_at: datetime | None = None


def phone_digits(value: str) -> str:
    """Digits only, so +1 (555) 010-0 and 15550100 match."""
    return re.sub(r"\D", "", value)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        team_id=row.team_id,
        user_id=row.user_id,
        action=row.action,
        booking_number=row.booking_number,
        outcome=row.outcome,
        detail=row.detail,
        external_ref=row.external_ref,
    )


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.relay = RelayRepository(self._sessions)
        self.oncall = OnCallRepository(self._sessions)
        self.timed_posts = TimedPostRepository(self._sessions)
        self.wal = WriteAheadLog(engine)

    async def upgrade(self) -> None:
        await migrate.upgrade(self.engine)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any failure means "not ready"
            return False
        return True

    async def writable(self) -> bool:
        """Whether the store is ready: its schema is at head and a write commits. The write
        rewrites the schema's version in place (nothing changes), so a full disk, a database
        that refuses writes or an empty recreated one is not ready."""
        try:
            async with self.engine.begin() as connection:
                version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
                if version not in migrate.heads():
                    return False
                await connection.execute(
                    text("UPDATE alembic_version SET version_num = version_num")
                )
        except Exception:  # any failure means "not ready"
            return False
        await self.wal.written()
        return True

    async def maintain(self) -> bool:
        """A periodic pass: after writes failed for want of space, whether they commit again
        (the log is then checkpointed; True: work that waited can go on); else the log is
        checkpointed every CHECKPOINT_EVERY seconds (False)."""
        if self.wal.short_of_space:
            return await self.writable()
        await self.wal.checkpoint_if_due()
        return False

    @property
    def one_process(self) -> bool:
        """Whether one process at a time uses this database (SQLite): then whatever a claim
        left pending from before this process started was left by a dead one."""
        return self.wal.sqlite

    async def aclose(self) -> None:
        await self.engine.dispose()

    # -- roles ------------------------------------------------------------------------------

    async def role_of(self, team_id: str, user_id: str) -> Role | None:
        async with self._sessions() as session:
            row = await session.get(RoleRow, (team_id, user_id))
            return Role(row.role) if row else None

    async def set_role(
        self, team_id: str, user_id: str, role: Role, *, granted_by: str, at: datetime
    ) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(RoleRow, (team_id, user_id))
            if row is None:
                session.add(
                    RoleRow(
                        team_id=team_id,
                        user_id=user_id,
                        role=role.value,
                        granted_by=granted_by,
                        granted_at=at,
                    )
                )
            else:
                row.role, row.granted_by, row.granted_at = role.value, granted_by, at

    async def roles(self, team_id: str) -> list[tuple[str, Role]]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(RoleRow).where(RoleRow.team_id == team_id).order_by(RoleRow.user_id)
            )
            return [(row.user_id, Role(row.role)) for row in rows]

    # -- audit ------------------------------------------------------------------------------

    async def audit(self, entry: AuditEntry) -> int:
        """Add a row; its id (a "pending" one is finished later with `finish_audit`)."""
        async with self._sessions.begin() as session:
            row = AuditRow(**{**asdict(entry), "detail": entry.detail[:2000]})
            session.add(row)
            await session.flush()
            return row.id

    async def finish_audit(
        self, row_id: int, *, outcome: str, booking_number: str | None, detail: str
    ) -> None:
        """Finish a row written "pending" before its write: what became of it."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(AuditRow)
                .where(AuditRow.id == row_id)
                .values(outcome=outcome, booking_number=booking_number, detail=detail[:2000])
            )

    async def pending_audit(self, external_ref: str) -> int | None:
        """The id of the pending create row with this reference (left so by a crash), if any."""
        async with self._sessions() as session:
            return await session.scalar(
                select(AuditRow.id)
                .where(AuditRow.external_ref == external_ref)
                .where(AuditRow.outcome == "pending")
                .order_by(AuditRow.id.desc())
                .limit(1)
            )

    async def audit_log(
        self, *, booking_number: str | None = None, external_ref: str | None = None
    ) -> list[AuditEntry]:
        """Every row, or those of one booking: by its number, or (for a create whose Bookeo
        answer has not come back yet) by the external reference the create sent."""
        async with self._sessions() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if booking_number is not None:
                about = AuditRow.booking_number == booking_number
                if external_ref is not None:
                    about = about | (AuditRow.external_ref == external_ref)
                query = query.where(about)
            return [_entry(row) for row in await session.scalars(query)]

    # -- write idempotency (bot.ops.idempotent) ---------------------------------------------

    async def claim_write(self, key: str, *, at: datetime, form: str | None = None) -> WriteClaim:
        """Claim a write's key, keeping `form` (what finishing it needs) with it. Fresh when
        nobody holds it; else its recorded state."""
        try:
            async with self._sessions.begin() as session:
                session.add(
                    IdempotencyRow(
                        key=key,
                        state="pending",
                        booking_number=None,
                        created_at=at,
                        updated_at=at,
                        form=form,
                    )
                )
            return WriteClaim(fresh=True, state="pending", booking_number=None)
        except IntegrityError:
            async with self._sessions() as session:
                row = await session.get(IdempotencyRow, key)
                assert row is not None
                return WriteClaim(
                    fresh=False,
                    state=row.state,
                    booking_number=row.booking_number,
                    claimed_at=aware(row.created_at),
                )

    async def peek_write(self, key: str) -> WriteClaim | None:
        """The recorded state of a write's key, without claiming it."""
        async with self._sessions() as session:
            row = await session.get(IdempotencyRow, key)
            if row is None:
                return None
            return WriteClaim(
                fresh=False,
                state=row.state,
                booking_number=row.booking_number,
                claimed_at=aware(row.created_at),
            )

    async def pending_writes(self, prefix: str, *, claimed_before: datetime) -> list[PendingWrite]:
        """Keys starting with `prefix` still pending since before `claimed_before` (left so by
        a crash: a live call ends well within that), with the form kept at their claim."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(IdempotencyRow)
                .where(IdempotencyRow.key.startswith(prefix, autoescape=True))
                .where(IdempotencyRow.state == "pending")
                .where(IdempotencyRow.created_at < claimed_before)
                .order_by(IdempotencyRow.created_at)
            )
            return [
                PendingWrite(key=row.key, claimed_at=aware(row.created_at), form=row.form)
                for row in rows
            ]

    async def settle_write(
        self, key: str, *, state: str, booking_number: str | None, at: datetime
    ) -> bool:
        """Finish a pending key (done, or failed: freed) unless someone settled it first;
        whether this call did."""
        async with self._sessions.begin() as session:
            pending = (IdempotencyRow.key == key) & (IdempotencyRow.state == "pending")
            if state == "failed":
                result = await session.execute(delete(IdempotencyRow).where(pending))
            else:
                result = await session.execute(
                    update(IdempotencyRow)
                    .where(pending)
                    .values(state=state, booking_number=booking_number, updated_at=at)
                )
            return bool(getattr(result, "rowcount", 0))

    async def finish_write(
        self, key: str, *, state: str, booking_number: str | None, at: datetime
    ) -> None:
        """Record the outcome: done (with the booking), unknown, or failed (frees the key)."""
        async with self._sessions.begin() as session:
            if state == "failed":
                await session.execute(delete(IdempotencyRow).where(IdempotencyRow.key == key))
                return
            row = await session.get(IdempotencyRow, key)
            if row is not None:
                row.state, row.booking_number, row.updated_at = state, booking_number, at

    # -- booking notes ----------------------------------------------------------------------

    async def note(self, booking_number: str) -> str | None:
        async with self._sessions() as session:
            row = await session.get(NoteRow, booking_number)
            return row.text if row else None

    async def notes(self, booking_numbers: list[str]) -> dict[str, str]:
        """The notes of many bookings at once (those that have any)."""
        if not booking_numbers:
            return {}
        async with self._sessions() as session:
            rows = await session.scalars(
                select(NoteRow).where(NoteRow.booking_number.in_(booking_numbers))
            )
            return {row.booking_number: row.text for row in rows if row.text}

    async def set_note(self, booking_number: str, text: str, *, by: str, at: datetime) -> None:
        """Set (or, with empty text, clear) a booking's notes."""
        async with self._sessions.begin() as session:
            row = await session.get(NoteRow, booking_number)
            if not text.strip():
                if row is not None:
                    await session.delete(row)
                return
            if row is None:
                session.add(
                    NoteRow(booking_number=booking_number, text=text, updated_by=by, updated_at=at)
                )
            else:
                row.text, row.updated_by, row.updated_at = text, by, at

    # -- customer phone index ---------------------------------------------------------------

    async def index_customer(
        self, customer_id: str, *, name: str, phones: list[str], at: datetime
    ) -> None:
        digits = sorted({phone_digits(p) for p in phones if len(phone_digits(p)) >= 4})
        async with self._sessions.begin() as session:
            await session.execute(
                delete(CustomerIndexRow).where(CustomerIndexRow.customer_id == customer_id)
            )
            for value in digits:
                session.add(
                    CustomerIndexRow(
                        customer_id=customer_id, phone_digits=value, name=name, updated_at=at
                    )
                )

    async def customers_by_phone(self, phone: str) -> list[tuple[str, str]]:
        """(customer id, name) whose phone ends with these digits (local or international)."""
        digits = phone_digits(phone)
        if len(digits) < 4:
            return []
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CustomerIndexRow).where(CustomerIndexRow.phone_digits.endswith(digits))
            )
            found = {(row.customer_id, row.name) for row in rows}
            return sorted(found)

    async def indexed_customers(self) -> int:
        async with self._sessions() as session:
            rows = await session.scalars(select(CustomerIndexRow.customer_id).distinct())
            return len(list(rows))
