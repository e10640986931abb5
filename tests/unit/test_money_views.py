"""Money in the pure builders: credit due in roster lines (digests), the payments list's
words, and a pending payment that always fits private_metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bookeo.models import Money, NewPayment, Payment, PaymentMethod
from bot.roster import group_by_slot
from bot.slack.ids import Block as B
from bot.slack.views.lists import booking_line, payments_view, roster_messages
from bot.slack.views.modals import MAX_LENGTHS, ModalMeta, payment_confirm_view
from tests.unit.test_views import EN, TZ, make_booking

USD = lambda a: {"amount": str(a), "currency": "USD"}  # noqa: E731


def paid(total: int, *, canceled: bool = False):
    price = {
        "totalGross": USD(35),
        "totalNet": USD(35),
        "totalTaxes": USD(0),
        "totalPaid": USD(total),
    }
    return make_booking("1038", "Ana", "Kayak", 1, canceled=canceled, price=price)


def test_roster_and_digest_lines_show_credit_due() -> None:
    assert booking_line(paid(110), {}, locale=EN).endswith("— credit due 75.00 USD")  # not "paid"
    assert booking_line(paid(35), {}, locale=EN).endswith("— paid")
    assert booking_line(paid(10), {}, locale=EN).endswith("— due 25.00 USD")
    [blocks] = roster_messages(
        group_by_slot([paid(110)], [], {}, {}), title="Today", tz=TZ, categories={}, locale=EN
    )
    assert "credit due 75.00 USD" in json.dumps([b.to_dict() for b in blocks])


def test_the_payments_list_says_refund_of_and_the_method_in_words() -> None:
    at = datetime(2026, 11, 25, tzinfo=UTC)
    payments = [
        Payment(
            id="1",
            amount=Money(amount=Decimal(110), currency="USD"),
            received_time=at,
            payment_method=PaymentMethod.CREDIT_CARD,
            reason="Payment",
        ),
        Payment(
            id="2",
            amount=Money(amount=Decimal(-20), currency="USD"),
            received_time=at,
            payment_method=PaymentMethod.BANK_TRANSFER,
            reason="Refund",
        ),
    ]
    text = json.dumps(
        [b.to_dict() for b in payments_view(paid(90), payments, tz=TZ, locale=EN)],
        ensure_ascii=False,
    )
    assert "Payment of *110.00 USD* · Credit card" in text
    assert "Refund of *20.00 USD* · Bank transfer" in text and "-20.00" not in text
    assert "*Credit due*\\n55.00 USD" in text and "creditCard" not in text


WORST = st.sampled_from(['"', "\\", "予", "\n", "😀", "a"])


@settings(max_examples=30)
@given(char=WORST, other=WORST)
def test_a_pending_payment_always_fits_private_metadata(char: str, other: str) -> None:
    """Every text input at its max_length, of the characters JSON escapes the most."""
    payment = NewPayment(
        amount=Money(amount=Decimal("-999999.99"), currency="USD"),
        payment_method=PaymentMethod.OTHER,
        payment_method_other=other * MAX_LENGTHS[B.METHOD_OTHER],
        reason=char * MAX_LENGTHS[B.REASON],
        comment=char * MAX_LENGTHS[B.COMMENT],
        received_time=datetime(2026, 11, 25, tzinfo=UTC),
    )
    meta = ModalMeta(
        booking="1" * 32,
        channel="C" + "0" * 20,
        response_url="https://hooks.slack.com/actions/T0000000/" + "1" * 20 + "/" + "x" * 24,
        key="f" * 32,
        extra={
            "currency": "USD",
            "due": "999999.99",
            "paid": "999999.99",
            "payment": payment.to_json_dict(),
        },
    )
    view = payment_confirm_view(
        "1038", payment.amount.amount, "USD", meta, due=Decimal(0), paid=Decimal(0), locale=EN
    )
    assert len(view.private_metadata or "") <= 3000
    assert ModalMeta.load(view.private_metadata) == meta
