"""`/readyz` means the bot can do its work: its schema is at head and a write commits. It
answered 200 with every write failing (a full disk) and on an empty recreated database."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import inspect, text

from bot.app import BotApp

pytestmark = pytest.mark.asyncio


async def readyz(bot: BotApp) -> int:
    transport = httpx.ASGITransport(app=bot.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        return (await http.get("/readyz")).status_code


async def test_ready_when_it_can_write(bot: BotApp) -> None:
    assert await readyz(bot) == 200


async def test_not_ready_on_an_empty_recreated_database(bot: BotApp) -> None:
    async with bot.store.engine.begin() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        for table in tables:
            await connection.execute(
                text(
                    f'DROP TABLE "{table}" CASCADE'
                    if connection.dialect.name == "postgresql"
                    else f'DROP TABLE "{table}"'
                )
            )
    assert await readyz(bot) == 503


async def test_not_ready_when_the_schema_is_behind(bot: BotApp) -> None:
    async with bot.store.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert await readyz(bot) == 503


async def test_not_ready_when_writes_fail(bot: BotApp) -> None:
    async with bot.store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; "
                    "END $$"
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER disk_full BEFORE UPDATE ON alembic_version "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
        else:  # what a full disk does to every write
            await connection.execute(
                text(
                    "CREATE TRIGGER disk_full BEFORE UPDATE ON alembic_version "
                    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
                )
            )
    assert await readyz(bot) == 503
