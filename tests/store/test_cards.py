"""Where a booking's card is, typed: the cards table keeps its `ts` column and the "pending:"
encoding existing rows use, and hands out Posted / Pending above it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.store import Store, make_engine
from bot.store.relay import Pending, Posted

pytestmark = pytest.mark.asyncio
AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(database_url: str):
    store = Store(make_engine(database_url))
    await store.upgrade()
    yield store
    await store.aclose()


async def test_a_card_is_noted_pending_then_posted(store: Store) -> None:
    relay = store.relay
    assert await relay.card("B1", "C") is None
    await relay.set_card("B1", "C", Pending("B1:abc"), at=AT)
    assert await relay.card("B1", "C") == Pending("B1:abc")
    await relay.set_card("B1", "C", Posted("1700000000.000100"), at=AT)
    assert await relay.card("B1", "C") == Posted("1700000000.000100")
    assert await relay.card("B1", "OTHER") is None


async def test_rows_in_the_column_encoding_read_as_typed_refs(store: Store) -> None:
    async with store.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO cards (booking_number, channel_id, ts, posted_at) "
                "VALUES ('B1', 'C', 'pending:B1:old', :at), ('B2', 'C', '1700.0001', :at)"
            ),
            {"at": AT},
        )
    assert await store.relay.card("B1", "C") == Pending("B1:old")
    assert await store.relay.card("B2", "C") == Posted("1700.0001")
    await store.relay.set_card("B2", "C", Pending("B2:new"), at=AT)
    async with store.engine.connect() as connection:
        stored = await connection.scalar(text("SELECT ts FROM cards WHERE booking_number = 'B2'"))
    assert stored == "pending:B2:new"


async def test_a_shared_card_keeps_who_shared_it_in_the_same_column(store: Store) -> None:
    relay = store.relay
    await relay.set_card("B1", "C", Posted("1700.0002", shared_by="U123"), at=AT)
    await relay.set_card("B1", "D", Posted("1700.0003"), at=AT)  # a subscription's card
    assert await relay.card("B1", "C") == Posted("1700.0002", shared_by="U123")
    assert await relay.shared_cards("B1") == {"C": "U123"}
    async with store.engine.connect() as connection:
        stored = await connection.scalar(text("SELECT ts FROM cards WHERE channel_id = 'C'"))
    assert stored == "shared:U123:1700.0002"  # fits the column 0006 widened: no migration
    await relay.forget_card("B1", "C")
    assert await relay.card("B1", "C") is None and await relay.shared_cards("B1") == {}
    assert await relay.card("B1", "D") == Posted("1700.0003")
