"""The made-up workspace the shell plays in: you (an admin), two colleagues, the bot, and two
channels. Typed `@name` of one of its people becomes the mention Slack would send."""

from __future__ import annotations

import re

USER, TEAM, APP = "USHELL", "TSHELL", "ASHELL"
DESK, BOOKINGS = "CDESK", "CBOOKINGS"
PEOPLE = {"you": USER, "sam": "USAM", "alex": "UALEX"}
NAMES = {
    **{user: name for name, user in PEOPLE.items()},
    "UBOT": "Bookeo",
    DESK: "front-desk",
    BOOKINGS: "bookings",
}
_AT = re.compile(r"(?<![\w<|@])@([A-Za-z][\w-]*)")


def mentions(text: str) -> str:
    """`@sam` as Slack sends it in a command's text (the manifest's `should_escape`):
    `<@USAM|sam>`. Names that are not the shell's people stay as typed, as in Slack."""

    def escape(match: re.Match[str]) -> str:
        name = match.group(1)
        user = PEOPLE.get(name.lower())
        return f"<@{user}|{name.lower()}>" if user else match.group(0)

    return _AT.sub(escape, text)
