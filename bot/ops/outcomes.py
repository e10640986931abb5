"""What a booking operation says happened, for the caller to render (a listener matches on
these; it never has to guess from an exception)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bookeo.models import Booking


@dataclass(frozen=True)
class AlreadyDone:
    """The same form was submitted before and that write happened (once)."""

    booking_number: str | None


@dataclass(frozen=True)
class InProgress:
    """The same form was submitted before and that write is still running."""


@dataclass(frozen=True)
class Unsettled:
    """The same form was submitted before, its answer was lost, and Bookeo cannot say yet
    whether that write happened."""


@dataclass(frozen=True)
class Checking:
    """The same form was submitted before, its answer was lost, and its request may still be
    in flight at Bookeo: the bot is still checking whether that write happened."""


@dataclass(frozen=True)
class Unknown:
    """This try's answer was lost and Bookeo cannot say whether the write happened."""

    error: Exception


@dataclass(frozen=True)
class NotMade:
    """Bookeo did not answer, and the bot checked: nothing was written. Safe to try again."""

    error: Exception


@dataclass(frozen=True)
class Failed:
    """The write was refused or never sent; `error` says why."""

    error: Exception


Repeat = AlreadyDone | InProgress | Unsettled | Checking
"""What became of an earlier submission of the same form."""

Lost = Unknown | NotMade | Failed
"""A write that did not (knowingly) happen."""


@dataclass(frozen=True)
class Created:
    """A booking made. `booking` is re-read with its customer when Bookeo allows."""

    booking: Booking
    notes: str


@dataclass(frozen=True)
class Recorded:
    """A payment or refund recorded; `booking` is the re-read booking (None if unreadable)."""

    kind: str  # "payment" or "refund"
    shown: str  # the amount as people read it
    method: str
    booking_number: str
    booking: Booking | None


@dataclass(frozen=True)
class Edited:
    """A booking changed; `summary` says how, `booking` is it re-read (None if unreadable)."""

    summary: str
    booking_number: str
    booking: Booking | None
    notes: str


@dataclass(frozen=True)
class Unchanged:
    """The edit form was saved without a change."""


@dataclass(frozen=True)
class Canceled:
    booking_number: str
    reason: str
    booking: Booking | None


CreateOutcome = Created | Lost
PaymentOutcome = Recorded | Repeat | Lost
EditOutcome = Edited | Unchanged | Failed
CancelOutcome = Canceled | Failed
