"""`bookeo-bot shell` as a newcomer uses it: commands piped in, the conversation printed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox import Sandbox

pytestmark = pytest.mark.slow


def shell(script: str, tmp_path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "BUSINESS_TIMEZONE": "Australia/Sydney"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def upcoming_booking() -> str:
    """A live booking a day or more ahead in the shell's sandbox (the same seed, the same day):
    the seed is laid out around today, so a fixed number is past or canceled on some days."""
    box = Sandbox(timezone="Australia/Sydney")
    later = datetime.now(UTC) + timedelta(days=1)
    return next(
        b.number
        for b in sorted(box.state.bookings.values(), key=lambda b: b.start)
        if not b.canceled and b.start > later
    )


def test_look_up_cancel_in_a_form_and_watch_the_back_office(tmp_path) -> None:
    number = upcoming_booking()
    out = shell(
        "/bookeo help\n"
        f"/bookeo {number}\n"
        "/bookeo frobnicate\n"
        "2\n"  # the card's [2] Cancel button
        "Weather\n"  # Reason
        "n\nn\n"  # don't email, no policy
        ":backoffice new walking\n"
        ":quit\n",
        tmp_path,
    )
    assert "on the Bookeo SANDBOX" in out
    assert "/bookeo find ‹booking number" in out  # help
    assert f"Booking {number} ·" in out and "[2] Cancel" in out
    assert "I don't know frobnicate" in out
    assert "Reason (optional):" in out and f"Booking {number} is canceled" in out
    assert "Canceled" in out and "Reason: Weather" in out  # the ephemeral card, updated in place
    assert "(back office: booking" in out
    made = out.split("(back office: booking ")[1].split(" ")[0]
    assert f"#bookings:\n  Booking {made} · Harbour Walking Tour" in out


def test_create_a_booking_with_inline_errors(tmp_path) -> None:
    # Tomorrow, not today: late in Sydney's evening today's last slot has already started.
    tomorrow = datetime.now(ZoneInfo("Australia/Sydney")).date() + timedelta(days=1)
    out = shell(
        "/bookeo new kayak\n"
        "\n"  # keep the product
        f"{tomorrow.isoformat()}\n"
        "1\n"  # the first time
        "\n\n"  # nobody: Adults, Children left empty
        "\n"  # no customer search
        "\n\n\n\n"  # no new customer
        "\n"  # no notes
        "n\n"  # no email
        # the form comes back with errors and asks again for those and for what was empty
        "2\n"  # Adults
        "\n"  # Children
        "\n"  # no customer search
        "Ada\nLovelace\nada@example.com\n\n"  # a new customer, no phone
        "\n"  # no notes
        "n\n"  # no email
        ":quit\n",
        tmp_path,
    )
    assert "✗ Adults: Add at least one person." in out
    assert "✗ Existing customer: Pick a customer, or fill in a new one below." in out
    assert "created." in out and "Ada Lovelace" in out
