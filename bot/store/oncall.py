"""On-call targets and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .tables import OnCallRow, PageRow


@dataclass(frozen=True)
class Page:
    id: int
    team_id: str
    booking_number: str
    channel_id: str
    card_ts: str
    target: str
    reason: str
    created_at: datetime
    acked_by: str | None
    acked_at: datetime | None
    line: str | None = None  # the change paged about, as its thread line said it
    changes: tuple[str, ...] = ()  # that change's kinds (canceled, moved, people, …)


def _page(row: PageRow) -> Page:
    return Page(
        row.id,
        row.team_id,
        row.booking_number,
        row.channel_id,
        row.card_ts,
        row.target,
        row.reason,
        row.created_at,
        row.acked_by,
        row.acked_at,
        row.line,
        tuple(row.changes.split(",")) if row.changes else (),
    )


class OnCallRepository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def target(self, team_id: str) -> str | None:
        async with self._sessions() as session:
            row = await session.get(OnCallRow, team_id)
            return row.target if row else None

    async def set_target(self, team_id: str, target: str, *, by: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(OnCallRow, team_id)
            if row is None:
                session.add(OnCallRow(team_id=team_id, target=target, set_by=by, set_at=at))
            else:
                row.target, row.set_by, row.set_at = target, by, at

    async def open_page(
        self,
        *,
        team_id: str,
        booking_number: str,
        channel_id: str,
        card_ts: str,
        target: str,
        reason: str,
        at: datetime,
        line: str | None = None,
        changes: tuple[str, ...] = (),
    ) -> Page:
        async with self._sessions.begin() as session:
            row = PageRow(
                team_id=team_id,
                booking_number=booking_number,
                channel_id=channel_id,
                card_ts=card_ts,
                target=target,
                reason=reason,
                created_at=at,
                line=line,
                changes=",".join(changes)[:100] or None,
            )
            session.add(row)
            await session.flush()
            return _page(row)

    async def acknowledge(self, page_id: int, *, by: str, at: datetime) -> Page | None:
        """Record the first acknowledgement; None when the page does not exist. It also
        acknowledges the booking's earlier open pages: whoever looked at the booking now has
        seen the changes they were about."""
        async with self._sessions.begin() as session:
            row = await session.get(PageRow, page_id)
            if row is None:
                return None
            if row.acked_at is None:
                row.acked_by, row.acked_at = by, at
                await session.execute(
                    update(PageRow)
                    .where(
                        PageRow.team_id == row.team_id,
                        PageRow.booking_number == row.booking_number,
                        PageRow.id < row.id,
                        PageRow.acked_at.is_(None),
                        PageRow.escalated_at.is_(None),
                    )
                    .values(acked_by=by, acked_at=at)
                )
            return _page(row)

    async def due_for_escalation(self, *, before: datetime) -> list[Page]:
        """Unacknowledged, not yet escalated pages opened before `before`, with every other
        open page of their bookings (a booking escalates once, for all its changes) — claimed
        at once, so each is escalated once; oldest first."""
        async with self._sessions.begin() as session:
            due = select(PageRow.team_id, PageRow.booking_number).where(
                PageRow.acked_at.is_(None),
                PageRow.escalated_at.is_(None),
                PageRow.created_at <= before,
            )
            keys = {(team, number) for team, number in await session.execute(due)}
            if not keys:
                return []
            candidates = await session.scalars(
                select(PageRow)
                .where(
                    PageRow.acked_at.is_(None),
                    PageRow.escalated_at.is_(None),
                    PageRow.booking_number.in_({number for _, number in keys}),
                )
                .order_by(PageRow.id)
            )
            rows = [r for r in candidates if (r.team_id, r.booking_number) in keys]
            if rows:
                await session.execute(
                    update(PageRow)
                    .where(PageRow.id.in_([r.id for r in rows]))
                    .values(escalated_at=before)
                )
            return [_page(r) for r in rows]
