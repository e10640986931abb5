"""`:backoffice …` against the sandbox: each verb changes it as staff would in Bookeo."""

from __future__ import annotations

from decimal import Decimal

from bot.sandbox import Sandbox
from bot.sandbox.render import BACK_OFFICE_AGENT
from bot.shell.backoffice import USAGE, BackOffice


def run(sandbox: Sandbox | None, line: str) -> list[str]:
    said: list[str] = []
    BackOffice(said.append).run(sandbox, line.split())
    return said


def live_booking(box: Sandbox) -> str:
    now = box.state.now()
    return next(
        b.number
        for b in sorted(box.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled and b.start > now and b.event_id
    )


def test_without_the_sandbox_it_says_so() -> None:
    assert run(None, "new") == [
        "The back office is the sandbox's: run without Bookeo keys to use it."
    ]


def test_unknown_verbs_get_the_usage() -> None:
    box = Sandbox()
    assert run(box, "") == [USAGE]
    assert run(box, "cancel") == [USAGE]
    assert run(box, "pay 1001") == [USAGE]


def test_cancel_then_a_refused_second_cancel() -> None:
    box = Sandbox()
    number = live_booking(box)
    assert run(box, f"cancel {number} storm") == [f"(back office: booking {number} canceled)"]
    booking = box.state.bookings[number]
    assert booking.canceled and booking.cancelation_reason == "storm"
    assert booking.cancelation_agent == BACK_OFFICE_AGENT
    assert run(box, f"cancel {number}") == [
        "(back office refused: This booking is already canceled)"
    ]


def test_pay_records_a_payment_at_the_desk() -> None:
    box = Sandbox()
    number = live_booking(box)
    before = box.state.paid(number)
    assert run(box, f"pay {number} 12.50") == [f"(back office: 12.50 USD paid on booking {number})"]
    assert box.state.paid(number) == before + Decimal("12.50")


def test_new_books_two_adults_and_nothing_suitable_is_said() -> None:
    box = Sandbox()
    said = run(box, "new walking")
    made = said[0].removeprefix("(back office: booking ").removesuffix(" made)")
    booking = box.state.bookings[made]
    assert booking.numbers == {"Cadults": 2} and booking.source == "backend"
    assert "Walking" in box.state.products[booking.product_id].name
    assert run(box, "new no-such-product") == ["(back office: nothing suitable found)"]


def test_move_goes_to_a_later_slot_of_the_same_product() -> None:
    box = Sandbox()
    number = live_booking(box)
    before = box.state.bookings[number]
    start, product = before.start, before.product_id
    said = run(box, f"move {number}")
    after = box.state.bookings[number]
    assert after.product_id == product and after.start > start
    assert said == [f"(back office: booking {number} moved to {after.start:%a %d %b %H:%M})"]
