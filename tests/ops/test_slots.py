"""Slots are typed inside the bot; Slack's option values encode them at the boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.refs import bot_ref, is_bot_ref
from bot.slack.views.booking_form import parse_slot, slot_value
from bot.slots import EventSlot, TimeSlot

START = datetime(2026, 12, 24, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "slot",
    [
        EventSlot("41_20261224"),
        TimeSlot(START),
        TimeSlot(START.astimezone(timezone(timedelta(hours=-5)))),
    ],
)
def test_a_slot_survives_its_slack_option_value(slot) -> None:
    assert parse_slot(slot_value(slot)) == slot


def test_the_option_values_are_the_ones_slack_already_holds() -> None:
    # Open modals carry these values across a deploy, so the encoding must not change.
    assert slot_value(EventSlot("41_20261224")) == "e:41_20261224"
    assert slot_value(TimeSlot(START)) == "t:2026-12-24T17:30:00+00:00"


def test_a_time_is_the_same_slot_whatever_its_zone() -> None:
    assert TimeSlot(START) == TimeSlot(START.astimezone(timezone(timedelta(hours=2))))


@pytest.mark.parametrize(
    "value", [None, "", "e:", "x:41", "t:", "t:tomorrow", "t:2026-12-24T17:30:00", 41, "41"]
)
def test_anything_else_is_no_slot(value) -> None:
    assert parse_slot(value) is None


def test_the_bot_knows_its_own_external_references() -> None:
    ref = bot_ref("0123abcd" * 10)
    assert ref.startswith("slack-0123abcd")
    assert len(ref) == 64
    assert is_bot_ref(ref)
    assert not is_bot_ref("INV-2201")
    assert not is_bot_ref(None)
