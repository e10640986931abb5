"""The bot's own tables (SQLAlchemy 2 typed declarative). Schema changes go through alembic."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class RoleRow(Base):
    """A person's role in one Slack workspace (viewer < staff < cashier < admin)."""

    __tablename__ = "roles"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One write attempted from Slack: who, what, which booking, and what Bookeo said."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    booking_number: Mapped[str | None] = mapped_column(String(32), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # pending | ok | denied | failed
    detail: Mapped[str] = mapped_column(Text, default="")
    # The reference a create sends to Bookeo, so its row is found before the number is known.
    external_ref: Mapped[str | None] = mapped_column(String(64), index=True)


class IdempotencyRow(Base):
    """A create submitted from a modal: the key in its private_metadata → the booking made."""

    __tablename__ = "idempotency"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # pending | done | unknown
    booking_number: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    form: Mapped[str | None] = mapped_column(Text)
    """What the form said that finishing the write needs (JSON), kept from the claim so a
    claim left pending by a crash can be settled after a restart."""


class CustomerIndexRow(Base):
    """Customers by phone: Bookeo's API cannot search by phone, so the bot keeps this index."""

    __tablename__ = "customer_index"
    __table_args__ = (UniqueConstraint("customer_id", "phone_digits"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    phone_digits: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NoteRow(Base):
    """A booking's notes, written from Slack (Bookeo's API has no notes field)."""

    __tablename__ = "booking_notes"
    booking_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_customer_index_phone", CustomerIndexRow.phone_digits)


class InboxRow(Base):
    """A webhook delivery, stored before Bookeo gets its 2xx; it leaves only when delivered
    (state done) or dead-lettered with a reason."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(128), unique=True)
    domain: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(32))
    booking_number: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)
    previous_lost: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(16))  # pending | done | dead
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)


class BookingStateRow(Base):
    """The last state of a booking the relay delivered, to say what changed next time."""

    __tablename__ = "booking_states"
    booking_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    snapshot: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BookingBaselineRow(Base):
    """A booking as it was just before the bot changed it, kept while the relay has no state
    of it: the relay's first line about it then says what changed, not only that it did."""

    __tablename__ = "booking_baselines"
    booking_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    booking: Mapped[str] = mapped_column(Text)  # Bookeo's JSON of the booking
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    kinds: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str | None] = mapped_column(String(200))
    within_hours: Mapped[int | None] = mapped_column(Integer)
    quiet: Mapped[str | None] = mapped_column(String(16))
    broadcast: Mapped[bool] = mapped_column(Boolean)
    urgent_hours: Mapped[int | None] = mapped_column(Integer)  # None: 24 h; 0: never urgent
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CardRow(Base):
    """Where a booking's living card is: one per (booking, channel)."""

    __tablename__ = "cards"
    booking_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(100))  # or "pending:<key>" while being posted
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OnCallRow(Base):
    """Who is paged for urgent booking changes in a workspace: a user or a user group."""

    __tablename__ = "oncall"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    target: Mapped[str] = mapped_column(String(64))  # U… (a person) or S… (a user group)
    set_by: Mapped[str] = mapped_column(String(32))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PageRow(Base):
    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    booking_number: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    card_ts: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acked_by: Mapped[str | None] = mapped_column(String(32))
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    line: Mapped[str | None] = mapped_column(Text)  # the change paged about, as its line said
    changes: Mapped[str | None] = mapped_column(String(100))  # its kinds, comma-separated


# Declared here as the migrations made them, so autogenerate finds nothing to change.
Index("ix_inbox_state_next", InboxRow.state, InboxRow.next_attempt_at)
Index("ix_inbox_booking", InboxRow.booking_number)
Index("ix_subscriptions_team", SubscriptionRow.team_id)
Index("ix_pages_open", PageRow.acked_at, PageRow.escalated_at)


class DigestRow(Base):
    """A channel's morning digest: today's roster at a local time (one per channel)."""

    __tablename__ = "digests"
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[str] = mapped_column(String(5))  # "08:00" in the business's time zone
    product_id: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str | None] = mapped_column(String(200))
    always: Mapped[bool] = mapped_column(Boolean)  # post on days without bookings too
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReminderRow(Base):
    """A channel's reminders: a note N minutes before each slot starts (one per channel)."""

    __tablename__ = "reminders"
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PostedRow(Base):
    """A timed post made (or being made) once: a digest for a day, a reminder for a slot.
    Inserted before posting, so a second scheduler or a retry cannot post it twice."""

    __tablename__ = "posted"
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # digest:2026-11-25 …
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RelayClaimRow(Base):
    """One row per booking the relay has seen. On PostgreSQL a replica holds its row locked
    (FOR UPDATE SKIP LOCKED) while it delivers that booking, so each booking's deliveries go
    through one replica at a time, in order."""

    __tablename__ = "relay_claims"
    booking_number: Mapped[str] = mapped_column(String(32), primary_key=True)
