"""Engines from the plain DATABASE_URL: the async driver is picked here, never by the user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def async_url(url: str) -> str:
    """`sqlite:///x` → `sqlite+aiosqlite:///x`; `postgresql://…` → `postgresql+psycopg://…`."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def make_engine(url: str) -> AsyncEngine:
    if make_url(url).get_backend_name() == "sqlite":
        # One connection, so the pool's queue (which awaits) orders the writers. With several,
        # SQLite lets one write and makes the others wait in its busy handler, which sleeps in
        # steps of up to 100 ms: under load, webhook intake slowed to the pace of those sleeps.
        # No pre-ping: a file does not drop connections, and a ping is a thread hop per use.
        engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0, pool_timeout=60)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(async_url(url), pool_pre_ping=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; the busy timeout rides out short write locks.
    # synchronous=NORMAL: in WAL mode a commit survives the process being killed (the crash
    # test kills it mid-burst); only an OS crash or power cut can lose the last commits, and
    # the resync every 30 minutes fetches those changes from Bookeo again. FULL fsyncs every
    # commit, and the fsyncs, not the bot, then set the pace of webhook intake.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
