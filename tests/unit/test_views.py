"""Block Kit builders: valid through slack_sdk.models, and within every limit, whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bookeo.models import Booking, PaymentMethod
from bot.permissions import Role
from bot.roster import SlotGroup, group_by_slot
from bot.slack.commands.registry import SUBCOMMANDS
from bot.slack.views.cards import CardOptions, booking_card
from bot.slack.views.lists import help_blocks, payments_view, pick_list, roster_messages
from bot.slack.views.modals import ModalMeta, cancel_view, pay_view

TZ = ZoneInfo("Australia/Sydney")
EN = "en_US"  # the business's locale (LOCALE), which every builder takes
START = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
nasty = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)


def make_booking(
    number: str, name: str, product: str, people: int, canceled: bool = False, **extra
) -> Booking:
    usd = lambda a: {"amount": str(a), "currency": "USD"}  # noqa: E731
    return Booking.model_validate(
        {
            "bookingNumber": number,
            "productId": "P1",
            "productName": product,
            "eventId": "P1_2026-11-25",
            "startTime": START.isoformat(),
            "endTime": (START + timedelta(hours=2)).isoformat(),
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": people}]},
            "customer": {
                "id": "C1",
                "firstName": name,
                "lastName": name[::-1],
                "emailAddress": "a@example.com",
                "phoneNumbers": [{"number": "+1 555 0100", "type": "mobile"}],
            },
            "price": {
                "totalGross": usd(100),
                "totalNet": usd(100),
                "totalTaxes": usd(0),
                "totalPaid": usd(40),
            },
            "canceled": canceled,
            "creationTime": START.isoformat(),
            "creationAgent": name,
            **extra,
        }
    )


def check(blocks, *, max_blocks: int = 50) -> None:
    rendered = [b.to_dict() for b in blocks]  # slack_sdk validates its limits here
    assert len(rendered) <= max_blocks
    for block in rendered:
        if block["type"] == "section":
            if "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            for f in block.get("fields", []):
                assert len(f["text"]) <= 2000
        if block["type"] == "actions":
            for element in block["elements"]:
                assert len(element.get("value", "")) <= 2000
                assert len(element["text"]["text"]) <= 75


@settings(max_examples=60)
@given(
    name=nasty,
    product=nasty,
    notes=nasty,
    canceled=st.booleans(),
    people=st.integers(0, 500),
    reason=nasty,
    contacts=st.booleans(),
)
def test_the_card_fits_whatever_the_data(
    name, product, notes, canceled, people, reason, contacts
) -> None:
    booking = make_booking(
        "1234",
        name or "x",
        product,
        people,
        canceled,
        cancelationTime=START.isoformat(),
        cancelationAgent=name,
    )
    options = CardOptions(
        tz=TZ,
        categories={"Cadults": "Adults"},
        show_contacts=contacts,
        shareable=True,
        notes=notes or None,
        cancel_reason=reason or None,
        locale=EN,
    )
    blocks = booking_card(booking, options)
    check(blocks)
    rendered = str([b.to_dict() for b in blocks])
    assert ("a@example.com" in rendered) is contacts
    buttons = [
        e["action_id"]
        for b in blocks
        if b.to_dict()["type"] == "actions"
        for e in b.to_dict()["elements"]
    ]
    assert ("booking_cancel" in buttons) is not canceled
    assert "booking_share" in buttons


def test_user_text_is_escaped() -> None:
    booking = make_booking("1", "<!channel> & <@U1>", "Tour <b>", 2)
    rendered = str([b.to_dict() for b in booking_card(booking, CardOptions(tz=TZ, locale=EN))])
    assert "<!channel>" not in rendered and "&lt;!channel&gt; &amp; &lt;@U1&gt;" in rendered


@settings(max_examples=20)
@given(st.integers(1, 400), nasty)
def test_a_schedule_of_any_size_fits_in_messages(count: int, name: str) -> None:
    bookings = [
        make_booking(str(1000 + i), name or "n", f"Product {i % 7}", 1 + i % 5).model_copy(
            update={"start_time": START + timedelta(minutes=30 * (i % 40))}
        )
        for i in range(count)
    ]
    groups = group_by_slot(bookings, [], {}, {})
    messages = roster_messages(
        groups, title="Next 7 days", tz=TZ, categories={"Cadults": "Adults"}, locale=EN
    )
    assert 1 <= len(messages) <= 4
    for message in messages:
        check(message)
    shown = " ".join(str([b.to_dict() for b in m]) for m in messages)
    if len(messages) < 4:
        assert all(f"`{b.booking_number}`" in shown for b in bookings)


def test_groups_take_seats_from_slots_and_skip_canceled() -> None:
    from bot.bookeo.models import Slot

    kept = make_booking("1", "A", "Kayak", 2)
    gone = make_booking("2", "B", "Kayak", 3, canceled=True)
    slot = Slot(event_id="P1_2026-11-25", start_time=START, end_time=START, num_seats_available=7)
    [group] = group_by_slot([kept, gone], [slot], {}, {})
    assert isinstance(group, SlotGroup)
    assert (
        group.bookings == [kept]
        and group.seats_left == 7
        and group.people == 2
        and group.unpaid == 1
    )


def test_lists_and_modals_validate() -> None:
    booking = make_booking("1234", "Ada", "Kayak", 2)
    check(pick_list([booking] * 10, query="ada", tz=TZ, truncated=True))
    check(help_blocks(Role.ADMIN, SUBCOMMANDS))
    from bot.bookeo.models import Payment

    payments = [
        Payment.model_validate(
            {
                "id": str(i),
                "amount": {"amount": "-5" if i % 2 else "10", "currency": "USD"},
                "paymentMethod": PaymentMethod.CASH,
                "receivedTime": START.isoformat(),
            }
        )
        for i in range(200)
    ]
    view = payments_view(booking, payments, tz=TZ, locale=EN)
    check(view)
    meta = ModalMeta(booking="1234", channel="C1", response_url="https://hooks.slack.com/x" * 20)
    for modal in (
        cancel_view(booking, meta, tz=TZ, categories={}, locale=EN),
        pay_view(booking, meta, tz=TZ, categories={}, now=START, locale=EN),
    ):
        rendered = modal.to_dict()
        assert len(rendered["title"]["text"]) <= 24
        assert len(rendered["private_metadata"]) <= 3000
        assert len(rendered["blocks"]) <= 100
    assert Decimal(
        pay_view(booking, meta, tz=TZ, categories={}, now=START, locale=EN).to_dict()["blocks"][1][
            "element"
        ]["initial_value"]
    ) == Decimal("60")
