"""The made-up workspace the shell plays in: you (an admin), the bot, and two channels."""

from __future__ import annotations

USER, TEAM, APP = "USHELL", "TSHELL", "ASHELL"
DESK, BOOKINGS = "CDESK", "CBOOKINGS"
NAMES = {USER: "you", "UBOT": "Bookeo", DESK: "front-desk", BOOKINGS: "bookings"}
