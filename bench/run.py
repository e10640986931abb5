"""Run the benchmarks and print one table (issue #7). Not a test: figures, not verdicts.

    .tools/bin/uv run python -m bench.run                 # all of them (about 8 minutes)
    .tools/bin/uv run python -m bench.run ack modal       # some
    .tools/bin/uv run python -m bench.run --write         # …and record bench/RESULTS.md

PostgreSQL figures need TEST_DATABASE_URL (a server's maintenance database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from . import figures

Figure = Callable[[], Awaitable[list[figures.Row]]]
ALL: dict[str, Figure] = {
    "ack": figures.ack_latency,
    "modal": figures.modal_open,
    "intake": lambda: figures.webhook_intake(None, "SQLite"),
    "intake-pg": lambda: figures.webhook_intake(os.environ["TEST_DATABASE_URL"], "PostgreSQL"),
    "event": figures.event_to_slack,
    "burst": figures.burst,
    "idle": figures.idle_footprint,
    "economy": figures.bookeo_economy,
}


def table(rows: list[figures.Row]) -> str:
    lines = ["| figure | measured | goal | met |", "|---|---|---|---|"]
    for name, measured, goal, met in rows:
        mark = "—" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {name} | {measured} | {goal} | {mark} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit} · {os.cpu_count()} cores "
        f"({cpu}) · Python {platform.python_version()} · {platform.system()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", help=f"figures to run (default: all): {', '.join(ALL)}")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in ALL]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    names = args.names or [n for n in ALL if n != "intake-pg" or "TEST_DATABASE_URL" in os.environ]
    rows: list[figures.Row] = []
    for name in names:
        print(f"… {name}", flush=True)
        got = asyncio.run(ALL[name]())
        for row in got:
            print(f"   {row[0]}: {row[1]}", flush=True)
        rows.extend(got)
    text = table(rows)
    print(f"\n{machine()}\n\n{text}")
    if args.write:
        path = Path(__file__).with_name("RESULTS.md")
        path.write_text(
            f"# Benchmark results\n\n{machine()}\n\n`python -m bench.run "
            f"{' '.join(names)}`\n\n{text}\n"
        )


if __name__ == "__main__":
    main()
