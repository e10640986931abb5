"""The scheduler as it runs in `serve`: the trigger table's jobs, fired by APScheduler."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, time

from bot.app import BotApp
from bot.jobs import JOBS
from bot.store import Store, make_engine


async def until(condition, within: float = 10.0) -> None:
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_the_holder_schedules_every_job_and_a_fired_job_runs(bot: BotApp) -> None:
    await until(lambda: bot.jobs.leading)  # alone on its database: it holds the lock
    scheduler = bot.jobs._scheduler
    assert scheduler is not None
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {spec.id for spec in JOBS}
    assert all(job.next_run_time is not None for job in jobs.values())
    # Fire the inbox job now, as its trigger would at the next minute.
    jobs["inbox"].modify(next_run_time=datetime.now(UTC))
    await until(lambda: bot.jobs.runs.get("inbox", 0) >= 1)
    assert bot.jobs.running


def test_the_jobs_command_lists_jobs_digests_and_reminders(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"

    async def configure() -> None:
        store = Store(make_engine(url))
        await store.upgrade()
        now = datetime.now(UTC)
        await store.timed_posts.set_digest(
            team_id="T1",
            channel_id="CDIGEST",
            at=time(7, 30),
            product_id=None,
            product_name=None,
            always=False,
            by="UADMIN",
            now=now,
        )
        await store.timed_posts.set_reminder(
            team_id="T1",
            channel_id="CREMIND",
            minutes=90,
            product_id="P1",
            product_name="Sunset Kayak Tour",
            by="UADMIN",
            now=now,
        )
        await store.aclose()

    asyncio.run(configure())
    result = subprocess.run(
        [sys.executable, "-m", "bot", "jobs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": url,
            "BUSINESS_TIMEZONE": "Australia/Sydney",
        },
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "times in Australia/Sydney" in out
    for spec in JOBS:
        assert f"  {spec.id} " in out
    assert "CDIGEST" in out and "07:30" in out
    assert "CREMIND" in out and "1 h 30 min before each slot of Sunset Kayak Tour" in out


def test_the_jobs_command_explains_a_database_it_cannot_read(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "jobs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{tmp_path}/new.db"},
    )
    assert result.returncode == 1
    assert "bookeo-bot db upgrade" in result.stderr and "Traceback" not in result.stderr
