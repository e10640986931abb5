"""`bookeo-bot shell` as a newcomer uses it: commands piped in, the conversation printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox import Sandbox

pytestmark = pytest.mark.slow
PRODUCTS = ("kayak", "sailing", "pottery", "walking")


README = Path(__file__).resolve().parents[2] / "README.md"
PIPED = re.compile(r"`printf '([^']*)' \| (\.tools/bin/uv run --locked --no-dev bookeo-bot shell)`")


def shell(script: str, tmp_path, command: tuple[str, ...] = (sys.executable, "-m", "bot")) -> str:
    result = subprocess.run(
        [*command, "shell"],
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
        # the form comes back with errors and asks again for exactly those (and, as no
        # customer was picked, for the new customer's fields); "n" stays "n"
        "2\n"  # Adults
        "\n"  # no customer search
        "Ada\nLovelace\nada@example.com\n\n"  # a new customer, no phone
        ":quit\n",
        tmp_path,
    )
    assert "✗ Adults: Add at least one person." in out
    assert "✗ Existing customer: Pick a customer, or fill in a new one below." in out
    assert "created." in out and "Ada Lovelace" in out
    assert out.count("Email the customer a confirmation?") == 1  # "n" kept, not asked again


def test_new_starts_on_the_first_day_with_room_and_keeps_it(tmp_path) -> None:
    # The bot opens each form on the first of the next seven days with a free time; the
    # shell sends that date back with the product, as Slack sends every input's value.
    out = shell(
        "".join(f"/bookeo new {name}\n\n\n:cancel\n" for name in PRODUCTS) + ":quit\n",
        tmp_path,
    )
    assert out.count("(form closed)") == len(PRODUCTS)
    assert "No free times" not in out
    assert out.count("Time [number]:") == len(PRODUCTS)


def test_put_sam_on_call_and_acknowledge_the_page_in_his_dm(tmp_path) -> None:
    out = shell(
        "/bookeo oncall @sam\n"
        ":backoffice new walking\n"  # today or tomorrow: within 24 hours, so urgent
        ":press 6\n"  # the DM's [6] Acknowledge (the card's buttons are 1–5)
        ":quit\n",
        tmp_path,
    )
    assert "✓ @sam is now on call." in out
    assert "DM to @sam:" in out and "[6] Acknowledge" in out
    assert "DM to @sam (updated): ✓ You acknowledged booking" in out
    # Only Sam sees his DM, so only Sam can press its button: the shell presses it as him.
    assert "(as @sam: a DM's buttons are pressed by the person it was sent to)" in out
    assert "Acknowledged by @sam" in out and "Acknowledged by @you" not in out
    assert ":boom:" not in out and "💥" not in out


def test_the_readmes_piped_line_runs_every_command(tmp_path) -> None:
    # `uv run` puts the project's console script first on PATH; a bare `bookeo-bot` is not
    # on a newcomer's PATH after command one, so the README's line goes through uv.
    [(script, _line)] = PIPED.findall(README.read_text())
    script = script.replace("\\n", "\n")
    assert script.startswith("/bookeo today\n") and script.endswith(":quit\n")
    console_script = Path(sys.executable).with_name("bookeo-bot")
    out = shell(script.replace(":quit", "/bookeo 1001\n:quit"), tmp_path, (str(console_script),))
    assert "== Today ·" in out
    assert "Booking 1001 ·" in out
