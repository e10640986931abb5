"""Who did what from Slack, from the audit rows (bot.relay.actors): the edge cases a scenario
cannot arrange on the sandbox's clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.bookeo.models import Booking, Payment
from bot.relay.actors import attributed, payment_users
from bot.slack.views.cards import CardOptions
from bot.store import AuditEntry

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API = "API: bookeo-bot"
OPTIONS = CardOptions(tz=UTC, locale="en_US")


def booking(**fields: Any) -> Booking:
    return Booking.model_validate(
        {
            "bookingNumber": "B1",
            "productId": "P1",
            "startTime": (NOW + timedelta(days=2)).isoformat(),
            "endTime": (NOW + timedelta(days=2, hours=2)).isoformat(),
            "creationTime": (NOW - timedelta(days=1)).isoformat(),
            "creationAgent": "Customer (online)",
        }
        | fields
    )


def row(action: str, user: str, at: datetime, *, outcome: str = "ok", **more: Any) -> AuditEntry:
    values = {"booking_number": "B1", "detail": "", "external_ref": None} | more
    return AuditEntry(at=at, team_id="T", user_id=user, action=action, outcome=outcome, **values)


def test_a_back_office_cancel_after_a_slack_edit_names_nobody_and_gives_no_reason() -> None:
    audit = [row("cancel", "UFAIL", NOW, outcome="failed", detail="mine")]
    audit.append(row("edit", "USAM", NOW - timedelta(hours=1)))
    canceled = booking(
        canceled=True,
        cancelationTime=NOW.isoformat(),
        cancelationAgent="Back office (Ann)",
        lastChangeTime=NOW.isoformat(),
        lastChangeAgent="Back office (Ann)",
    )
    options = attributed(OPTIONS, canceled, audit)
    assert (options.canceled_by, options.cancel_reason, options.changed_by) == (None, None, None)


def test_the_last_change_is_named_by_the_row_written_before_it_not_a_later_one() -> None:
    changed = booking(lastChangeTime=NOW.isoformat(), lastChangeAgent=API)
    audit = [
        row("edit", "USAM", NOW - timedelta(seconds=1)),  # written ahead of Bookeo's change
        row("edit", "UALEX", NOW + timedelta(minutes=30)),  # notes only: Bookeo not changed
    ]
    assert attributed(OPTIONS, changed, audit).changed_by == "<@USAM> (Slack)"


def test_a_create_is_found_by_its_reference_before_its_number_is_written() -> None:
    made = booking(creationAgent=API, externalRef="slack-abc")
    pending = row("create", "USAM", NOW, outcome="pending", booking_number=None)
    audit = [pending, row("create", "UALEX", NOW, booking_number="B9")]
    assert attributed(OPTIONS, made, audit).booked_by is None  # another booking's row
    audit[0] = replace(pending, external_ref="slack-abc")
    assert attributed(OPTIONS, made, audit).booked_by == "<@USAM> (Slack)"


def payment(pid: str, amount: str, at: datetime, *, agent: str | None = API) -> Payment:
    return Payment.model_validate(
        {
            "id": pid,
            "creationTime": at.isoformat(),
            "amount": {"amount": amount, "currency": "USD"},
            "paymentMethod": "cash",
            "agent": agent,
        }
    )


def test_each_slack_payment_is_matched_to_its_own_row() -> None:
    audit = [
        row("payment", "USAM", NOW, detail='{"amount": "12.50 USD", "method": "Cash"}'),
        row("payment", "UALEX", NOW, detail='{"amount": "3.00 USD", "method": "Cash"}'),
        row("refund", "UANN", NOW + timedelta(minutes=1), outcome="pending"),
        row("payment", "UFAIL", NOW, outcome="failed"),
    ]
    payments = [
        payment("p1", "3.00", NOW),
        payment("p2", "12.50", NOW),
        payment("p3", "-5.00", NOW + timedelta(minutes=1)),
        payment("p4", "7.00", NOW, agent="Back office (Ann)"),
        payment("p5", "9.00", NOW),  # through the API, but no row says who
    ]
    assert payment_users(audit, payments, locale="en_US") == {
        "p1": "UALEX",
        "p2": "USAM",
        "p3": "UANN",
    }
