"""The builders write amounts in the business's locale they are given (pure): cards, lines,
the payments list, relay lines and summaries, the booking form's price, the payment form,
reminders. A summary counts people by the seats they take."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.bookeo.models import (
    Booking,
    Participants,
    Payment,
    PaymentMethod,
    PeopleCategory,
    Price,
)
from bot.jobs.reminders import reminder_blocks
from bot.relay.changes import Change, diff, first_seen, snapshot
from bot.roster import group_by_slot
from bot.slack.views.booking_form import FormState, create_view
from bot.slack.views.cards import CardOptions, booking_card
from bot.slack.views.lists import booking_line, payments_view, roster_messages
from bot.slack.views.modals import ModalMeta, pay_view
from bot.slack.views.relay import SummaryItem, summary_head, summary_line, summary_messages
from bot.wording import amount
from tests.unit.test_views import START, TZ, make_booking
from tests.unit.test_views_strict import product

DE = "de_DE"


def usd(value: str) -> dict[str, str]:
    return {"amount": value, "currency": "USD"}


def priced(gross: str, paid: str, **extra: Any) -> Booking:
    booking = make_booking("1038", "Ana", "Kayak", 2, **extra)
    price = {
        "totalGross": usd(gross),
        "totalNet": usd(gross),
        "totalTaxes": usd("0"),
        "totalPaid": usd(paid),
    }
    return booking.model_copy(update={"price": Price.model_validate(price)})


def rendered(blocks: Any) -> str:
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)


def test_amount_is_shaped_by_the_locale_and_can_leave_out_its_groups() -> None:
    assert amount(Decimal("1250.5"), "USD", locale=DE) == "1.250,50 USD"
    assert amount(Decimal("1250.5"), "USD", locale=DE, code=False, grouped=False) == "1250,50"
    assert amount(Decimal("1250.5"), "USD", locale="en_US", grouped=False) == "1250.50 USD"


def test_a_card_writes_price_paid_and_balance_in_the_locale() -> None:
    card = rendered(booking_card(priced("1250.00", "250.50"), CardOptions(tz=TZ, locale=DE)))
    assert "*Price*\\n1.250,00 USD" in card
    assert "*Paid*\\n250,50 USD" in card
    assert "*Balance due*\\n999,50 USD" in card
    credit = rendered(booking_card(priced("100", "1100"), CardOptions(tz=TZ, locale=DE)))
    assert "*Credit due*\\n1.000,00 USD" in credit


def test_lines_and_the_payments_list_in_the_locale() -> None:
    assert booking_line(priced("1250", "0"), {}, locale=DE).endswith("— due 1.250,00 USD")
    assert booking_line(priced("10", "1010"), {}, locale=DE).endswith("— credit due 1.000,00 USD")
    [blocks] = roster_messages(
        group_by_slot([priced("1250", "0")], [], {}, {}), title="T", tz=TZ, categories={}, locale=DE
    )
    assert "due 1.250,00 USD" in rendered(blocks)
    payment = Payment.model_validate(
        {
            "id": "PAY1",
            "amount": usd("-1234.50"),
            "paymentMethod": PaymentMethod.CASH,
            "receivedTime": START.isoformat(),
        }
    )
    listed = rendered(payments_view(priced("2000", "-1234.50"), [payment], tz=TZ, locale=DE))
    assert "Refund of *1.234,50 USD*" in listed
    assert "*Received*\\n-1.234,50 USD" in listed and "*Price*\\n2.000,00 USD" in listed


def test_relay_lines_and_summaries_in_the_locale() -> None:
    before, after = priced("2000", "0"), priced("2000", "1234.5")
    [paid] = diff(snapshot(before), snapshot(after), tz=TZ, categories={}, locale=DE)
    assert paid.text == "paid 1.234,50 USD (total paid 1.234,50 USD)"
    [first] = first_seen(
        after.model_copy(update={"last_change_time": START}),
        created_webhook=False,
        payments=[(Decimal("1234.5"), "USD")],
        locale=DE,
    )
    assert first.text == "paid 1.234,50 USD"
    items = [SummaryItem(after, [paid]), SummaryItem(after, [first])]
    assert summary_head(items, locale=DE).endswith("2 payments (2.469,00 USD)")


def test_a_summary_counts_the_seats_a_family_takes() -> None:
    family = make_booking("2001", "Fay", "Bike", 1).model_copy(
        update={
            "participants": Participants.model_validate(
                {"numbers": [{"peopleCategoryId": "NFAMLY", "number": 1}]}
            )
        }
    )
    seats = {"NFAMLY": PeopleCategory(id="NFAMLY", name="Family (2+2)", num_seats=4)}
    item = SummaryItem(family, [Change("created", "new booking")])
    assert " · 4 people — new booking" in summary_line(item, TZ, categories=seats)
    [message] = summary_messages([item], TZ, locale=DE, categories=seats)
    assert "4 people" in message and "1 person" not in message


def test_the_booking_forms_price_in_the_locale() -> None:
    kayak = product(1, "Kayak").model_copy(
        update={
            "default_rates": [
                r.model_copy(update={"price": r.price.model_copy(update={"amount": Decimal(625)})})
                for r in product(1).default_rates or []
            ]
        }
    )
    state = FormState(
        products=[kayak],
        categories={"C0": PeopleCategory(id="C0", name="Adults")},
        day=START.date(),
        tz=TZ,
        product=kayak,
        people={"C0": 2},
        locale=DE,
    )
    assert "Price: *1.250,00 USD*" in json.dumps(create_view(state, ModalMeta()).to_dict())


def test_the_payment_form_prefills_and_hints_in_the_locale() -> None:
    view = pay_view(
        priced("1250", "0"), ModalMeta(booking="1038"), tz=TZ, categories={}, now=START, locale=DE
    )
    [block] = [b for b in view.to_dict()["blocks"] if b.get("block_id") == "amount"]
    # No thousands mark: "1.250" alone would be read back as ambiguous.
    assert block["element"]["initial_value"] == "1250,00"
    assert block["element"]["placeholder"]["text"] == "e.g. 49,90"
    assert "due 1.250,00 USD" in json.dumps(view.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("locale", [DE, "en_US"])
def test_reminders_in_the_locale(locale: str) -> None:
    [group] = group_by_slot([priced("1250", "0")], [], {}, {})
    text = rendered(reminder_blocks(group, START - timedelta(minutes=30), TZ, {}, locale=locale))
    assert amount(Decimal(1250), "USD", locale=locale) in text


def test_no_builder_defaults_to_en_us() -> None:
    """The locale is carried, never assumed: leaving it out is a type error, and a TypeError."""
    with pytest.raises(TypeError):
        CardOptions(tz=TZ)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        amount(Decimal(1), "USD")  # type: ignore[call-arg]


def test_a_refund_past_the_payments_and_an_online_payment_read_as_people_say_them() -> None:
    online = Payment.model_validate(
        {"id": "PAY2", "amount": usd("-1234.50"), "paymentMethod": PaymentMethod.CASH}
    )
    listed = rendered(payments_view(priced("2000", "-1234.50"), [online], tz=TZ, locale=DE))
    assert "1.234,50 USD more refunded than paid" in listed
    assert "by Customer (online)" in listed  # as cards name Bookeo's own agent
