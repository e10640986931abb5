"""What a booking modal says for each outcome of its operation (pure builders)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.bookeo import BookeoConnectionError
from bot.ops.outcomes import (
    AlreadyDone,
    Canceled,
    Created,
    Edited,
    Failed,
    InProgress,
    NotMade,
    Recorded,
    Unchanged,
    Unknown,
    Unsettled,
)
from bot.slack.ids import Block
from bot.slack.views.cards import CardOptions
from bot.slack.views.outcomes import (
    MAY_HAVE_CREATED,
    NOT_MADE,
    NOT_RECORDED,
    PAID_ONCE,
    cancel_result,
    create_repeat_ack,
    create_result,
    edit_result,
    payment_result,
)
from tests.unit.test_views import make_booking

OPTIONS = CardOptions(tz=ZoneInfo("Australia/Sydney"), locale="en_AU")
LOST = BookeoConnectionError("timed out", method="POST", path="x", may_have_reached=True)


def said(view) -> str:
    return " ".join(str(b.to_dict()) for b in view.blocks)


def test_a_repeat_of_a_create_is_told_what_became_of_the_first() -> None:
    done = create_repeat_ack(AlreadyDone("B1"))
    assert done["response_action"] == "update"
    assert "already created: *B1*" in said(done["view"])
    running = create_repeat_ack(InProgress())
    assert running == {
        "response_action": "errors",
        "errors": {Block.PRODUCT: "Already creating this booking…"},
    }
    for unsure in (Unsettled(), AlreadyDone(None)):
        assert MAY_HAVE_CREATED[:40] in said(create_repeat_ack(unsure)["view"])


def test_a_create_says_made_not_made_or_maybe() -> None:
    booking = make_booking("B1", "Ann", "Kayak", 2)
    assert "Booking *B1* created" in said(create_result(Created(booking, "bring towels"), OPTIONS))
    assert NOT_MADE[:40] in said(create_result(NotMade(LOST), OPTIONS))
    assert "*may* have been saved" in said(create_result(Unknown(LOST), OPTIONS))


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        (AlreadyDone("B1"), PAID_ONCE),
        (InProgress(), PAID_ONCE),
        (Unsettled(), "`/bookeo payments B1`"),
        (NotMade(LOST), NOT_RECORDED[:40]),
        (Unknown(LOST), "*may* have been saved"),
        (Failed(LOST), "*may* have been saved"),
    ],
)
def test_a_payment_that_did_not_happen_says_why(outcome, text) -> None:
    assert text in said(payment_result(outcome, "B1", OPTIONS))


def test_a_recorded_payment_shows_the_booking_when_it_could_be_reread() -> None:
    booking = make_booking("B1", "Ann", "Kayak", 2)
    with_card = payment_result(
        Recorded("refund", "-5.00 USD", "cash", "B1", booking), "B1", OPTIONS
    )
    without = payment_result(Recorded("payment", "5.00 USD", "cash", "B1", None), "B1", OPTIONS)
    assert "Refund of -5.00 USD recorded on booking B1" in said(with_card)
    assert len(with_card.blocks) > len(without.blocks) == 1


def test_edit_and_cancel_outcomes() -> None:
    booking = make_booking("B1", "Ann", "Kayak", 2)
    assert "B1: notes updated." in said(
        edit_result(Edited("notes updated", "B1", booking, "x"), OPTIONS)
    )
    assert "Nothing changed." in said(edit_result(Unchanged(), OPTIONS))
    assert "B1 is canceled" in said(cancel_result(Canceled("B1", "", None), OPTIONS))
    assert "Nothing was changed" in said(
        cancel_result(
            Failed(BookeoConnectionError("x", method="POST", path="x", may_have_reached=False)),
            OPTIONS,
        )
    )
