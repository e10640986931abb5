"""The store on both engines: migrations from empty, models and migrations in step, and the
PostgreSQL-only coordination between replicas (booking claims, the scheduler lock)."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.jobs import Leadership
from bot.store import Store, make_engine
from bot.store.tables import Base
from tests.conftest import TEST_DATABASE_URL, fresh_postgres_database

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def store(database_url: str):
    store = Store(make_engine(database_url))
    yield store
    await store.aclose()


@pytest.fixture
async def pg_store():
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with fresh_postgres_database() as url:
        store = Store(make_engine(url))
        yield store
        await store.aclose()


async def test_an_empty_database_upgrades_to_head_and_matches_the_models(store: Store) -> None:
    await store.upgrade()
    await store.upgrade()  # again: nothing to do, no error

    def differences(connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    def tables(connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with store.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
        assert {
            "inbox",
            "digests",
            "reminders",
            "posted",
            "relay_claims",
        } <= await connection.run_sync(tables)
        version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert version == "0009"


async def test_replicas_never_hold_the_same_booking(pg_store: Store) -> None:
    store = pg_store
    await store.upgrade()
    first_holds = asyncio.Event()
    release = asyncio.Event()
    got: dict[str, set[str]] = {}

    async def replica_a() -> None:
        async with store.relay.claim(["1001", "1002", "1003"]) as mine:
            got["a"] = mine
            first_holds.set()
            await release.wait()

    async def replica_b() -> None:
        await first_holds.wait()
        async with store.relay.claim(["1002", "1003", "1004"]) as mine:
            got["b"] = mine
        release.set()

    await asyncio.gather(replica_a(), replica_b())
    assert got == {"a": {"1001", "1002", "1003"}, "b": {"1004"}}
    async with store.relay.claim(["1002"]) as mine:  # released when a's block ended
        assert mine == {"1002"}


async def test_one_process_on_sqlite_gets_every_booking(tmp_path) -> None:
    store = Store(make_engine(f"sqlite:///{tmp_path}/one.db"))
    await store.upgrade()
    async with store.relay.claim(["7", "8"]) as first, store.relay.claim(["8"]) as second:
        assert first == {"7", "8"} and second == {"8"}
    await store.aclose()


async def test_the_scheduler_lock_passes_to_another_replica_when_its_holder_dies(
    pg_store: Store,
) -> None:
    store = pg_store
    other = Store(make_engine(str(store.engine.url.render_as_string(hide_password=False))))
    first, second = Leadership(store.engine), Leadership(other.engine)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await first.still_held()
        # The holder's connection dies (as when its process is killed): the lock goes with it.
        async with other.engine.connect() as admin:
            await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
            await admin.commit()
        assert await second.try_acquire()
        assert not await first.still_held()
        assert not await first.try_acquire()
        await second.release()
        assert await first.try_acquire()
    finally:
        await first.release()
        await second.release()
        await other.aclose()


async def test_replicas_starting_together_migrate_once(pg_store: Store) -> None:
    url = pg_store.engine.url.render_as_string(hide_password=False)
    replicas = [Store(make_engine(url)) for _ in range(3)]
    try:
        # Unserialised, concurrent migrations deadlock: a time limit turns that into a failure.
        await asyncio.wait_for(
            asyncio.gather(*(replica.upgrade() for replica in replicas)), timeout=30
        )
    finally:
        for replica in replicas:
            await replica.aclose()
    async with pg_store.engine.connect() as connection:
        assert await connection.scalar(text("SELECT version_num FROM alembic_version")) == "0009"
