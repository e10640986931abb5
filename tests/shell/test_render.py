"""Slack's mrkdwn as the terminal shows it: emoji codes as emoji, typed @names as mentions."""

from __future__ import annotations

from bot.shell.render import plain
from bot.shell.workspace import mentions


def test_emoji_codes_are_shown_as_slack_shows_them_and_unknown_ones_are_kept() -> None:
    assert plain(":no_entry_sign: No free times") == "🚫 No free times"
    assert plain(":grey_question: :sunrise: :alarm_clock:") == "❔ 🌅 ⏰"
    assert plain(":white_check_mark: paid at 10:30") == "✓ paid at 10:30"  # the shell's own sign
    assert plain(":party_parrot: :+1:") == ":party_parrot: 👍"


def test_an_at_name_of_the_shells_people_becomes_the_mention_slack_sends() -> None:
    assert mentions("oncall @sam") == "oncall <@USAM|sam>"
    assert mentions("role @Alex staff") == "role <@UALEX|alex> staff"
    assert mentions("find emma@example.com") == "find emma@example.com"
    assert mentions("oncall @nobody <@USAM|sam>") == "oncall @nobody <@USAM|sam>"
