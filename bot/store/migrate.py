"""`bookeo-bot db upgrade`: alembic, configured in code (no alembic.ini to carry around)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


MIGRATION_LOCK = 0x6D69_6772_6174_65  # any fixed number, the same on every replica


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to `revision` using the bot's own engine. Replicas starting at once
    on PostgreSQL take turns (a transaction advisory lock); the later ones find it done."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(_upgrade, revision)


def _upgrade(connection: object, revision: str) -> None:
    config = alembic_config("")
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@cache
def heads() -> frozenset[str]:
    """The revisions the schema is at when it is up to date."""
    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())
