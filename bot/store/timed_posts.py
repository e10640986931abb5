"""Digests and reminders per channel, and the record of what they already posted."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.records import Digest, Reminder

from .relay import aware
from .tables import DigestRow, PostedRow, ReminderRow


def _digest(row: DigestRow) -> Digest:
    return Digest(
        team_id=row.team_id,
        channel_id=row.channel_id,
        at=time.fromisoformat(row.at),
        product_id=row.product_id,
        product_name=row.product_name,
        always=row.always,
        created_at=aware(row.created_at),
    )


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        team_id=row.team_id,
        channel_id=row.channel_id,
        minutes=row.minutes,
        product_id=row.product_id,
        product_name=row.product_name,
        created_at=aware(row.created_at),
    )


class TimedPostRepository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # -- digests ----------------------------------------------------------------------------

    async def set_digest(
        self,
        *,
        team_id: str,
        channel_id: str,
        at: time,
        product_id: str | None,
        product_name: str | None,
        always: bool,
        by: str,
        now: datetime,
    ) -> Digest:
        """Set (or replace) the channel's digest."""
        async with self._sessions.begin() as session:
            row = await session.get(DigestRow, channel_id)
            if row is None:
                row = DigestRow(channel_id=channel_id)
                session.add(row)
            row.team_id, row.at, row.always = team_id, at.strftime("%H:%M"), always
            row.product_id, row.product_name = product_id, product_name
            row.created_by, row.created_at = by, now
            await session.flush()
            return _digest(row)

    async def digest_off(self, channel_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(DigestRow).where(DigestRow.channel_id == channel_id)
            )
            return bool(getattr(result, "rowcount", 0))

    async def digests(self, *, channel_id: str | None = None) -> list[Digest]:
        async with self._sessions() as session:
            query = select(DigestRow).order_by(DigestRow.at, DigestRow.channel_id)
            if channel_id is not None:
                query = query.where(DigestRow.channel_id == channel_id)
            return [_digest(row) for row in await session.scalars(query)]

    # -- reminders --------------------------------------------------------------------------

    async def set_reminder(
        self,
        *,
        team_id: str,
        channel_id: str,
        minutes: int,
        product_id: str | None,
        product_name: str | None,
        by: str,
        now: datetime,
    ) -> Reminder:
        async with self._sessions.begin() as session:
            row = await session.get(ReminderRow, channel_id)
            if row is None:
                row = ReminderRow(channel_id=channel_id)
                session.add(row)
            row.team_id, row.minutes = team_id, minutes
            row.product_id, row.product_name = product_id, product_name
            row.created_by, row.created_at = by, now
            await session.flush()
            return _reminder(row)

    async def reminder_off(self, channel_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ReminderRow).where(ReminderRow.channel_id == channel_id)
            )
            return bool(getattr(result, "rowcount", 0))

    async def reminders(self, *, channel_id: str | None = None) -> list[Reminder]:
        async with self._sessions() as session:
            query = select(ReminderRow).order_by(ReminderRow.channel_id)
            if channel_id is not None:
                query = query.where(ReminderRow.channel_id == channel_id)
            return [_reminder(row) for row in await session.scalars(query)]

    # -- once only --------------------------------------------------------------------------

    async def claim_post(self, channel_id: str, key: str, *, now: datetime) -> bool:
        """True when this post is ours to make; False when it was made (or is being made)."""
        try:
            async with self._sessions.begin() as session:
                session.add(PostedRow(channel_id=channel_id, key=key[:200], at=now))
        except IntegrityError:
            return False
        return True

    async def release_post(self, channel_id: str, key: str) -> None:
        """The post failed: let the next run try again."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(PostedRow).where(PostedRow.channel_id == channel_id, PostedRow.key == key)
            )

    async def forget_posts(self, *, before: datetime) -> int:
        """Old records are no longer needed to avoid a repeat."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(PostedRow).where(PostedRow.at < before))
            return int(getattr(result, "rowcount", 0) or 0)
