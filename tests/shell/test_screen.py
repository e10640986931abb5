"""What the shell shows of the bot's Slack calls, and which buttons stay pressable."""

from __future__ import annotations

import io
from typing import Any

from bot.shell.console import Console
from bot.shell.screen import Screen
from bot.shell.workspace import BOOKINGS, DESK


async def _never(prompt: str) -> str | None:
    raise AssertionError(f"the screen asked {prompt!r}")


def make() -> tuple[Screen, io.StringIO]:
    out = io.StringIO()
    screen = Screen(Console(out=out, ask=_never, echo=False), response_url=lambda t: f"u/{t}")
    return screen, out


def card(*labels: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Booking 1001*"}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"text": label}, "action_id": label.lower()}
                for label in labels
            ],
        },
    ]


def test_a_post_shows_its_channel_and_numbers_its_buttons() -> None:
    screen, out = make()
    screen.on_slack("chat.postMessage", {"channel": BOOKINGS, "ts": "1.1", "blocks": card("A")})
    assert out.getvalue() == "#bookings:\n  Booking 1001\n    [1] A\n"
    button, context = screen.buttons[1]
    assert button.action_id == "a"
    assert context == {"channel": BOOKINGS, "ts": "1.1"}


def test_buttons_are_renumbered_by_the_first_answer_after_a_command_only() -> None:
    screen, _ = make()
    screen.on_slack("chat.postMessage", {"channel": DESK, "blocks": card("A", "B")})
    screen.fresh = True  # a new command
    screen.on_slack("chat.postMessage", {"channel": DESK, "blocks": card("C")})
    screen.on_slack("chat.postMessage", {"channel": DESK, "blocks": card("D")})
    assert [b.label for b, _ in screen.buttons.values()] == ["C", "D"]
    assert sorted(screen.buttons) == [1, 2]


def test_a_reply_to_a_response_url_is_private_and_remembered() -> None:
    screen, out = make()
    screen.on_slack("respond:r7", {"text": "Hello <@USHELL>"})
    assert "r7" in screen.answered
    assert out.getvalue() == "Bookeo (only you): Hello @you\n"
    screen.on_slack("respond:r8", {"response_type": "in_channel", "blocks": card("Share")})
    assert out.getvalue().endswith("#front-desk:\n  Booking 1001\n    [1] Share\n")
    assert screen.buttons[1][1] == {"channel": DESK, "response_url": "u/r8"}


def test_quiet_hides_top_level_posts_but_not_threads() -> None:
    screen, out = make()
    screen.quiet = True
    screen.on_slack("chat.postMessage", {"channel": BOOKINGS, "text": "hidden"})
    screen.on_slack("chat.postMessage", {"channel": BOOKINGS, "text": "shown", "thread_ts": "1"})
    assert out.getvalue() == "  ↳ thread: #bookings: shown\n"


def test_an_opened_modal_is_kept_and_shown_without_its_inputs_once() -> None:
    screen, out = make()
    view = {
        "id": "V1",
        "title": {"text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Booking 1001"}},
            {"type": "input", "block_id": "r", "label": {"text": "Reason"}, "element": {}},
        ],
    }
    screen.on_slack("views.open", {"view": view})
    screen.on_slack("views.update", {"view": view})  # reloaded, nothing new
    assert screen.view == view
    assert out.getvalue() == "┌─ Cancel\n│ Booking 1001\n└─\n"


def test_quiet_hides_the_answer_to_a_set_up_command_but_remembers_it() -> None:
    screen, out = make()
    screen.quiet = True
    screen.on_slack("respond:r1", {"text": "✓ Subscribed: #1 #bookings"})
    assert "r1" in screen.answered and out.getvalue() == ""


def test_a_reply_that_replaces_a_pressed_message_shows_as_that_message() -> None:
    screen, out = make()
    screen.on_slack("chat.postMessage", {"channel": "USAM", "ts": "1.2", "blocks": card("Ack")})
    token = screen.replace_by("m1", 1)
    screen.on_slack(f"respond:{token}", {"replace_original": True, "text": "Done"})
    assert out.getvalue().endswith("DM to @sam (updated): Done\n")
