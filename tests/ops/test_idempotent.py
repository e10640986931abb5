"""IdempotentWrite's decision table: what each answer (or lost answer) of Bookeo does to the
key, and what a second try with the same key is told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.bookeo import BadRequest, BookeoConnectionError
from bot.ops.idempotent import IN_FLIGHT_FOR, IdempotentWrite, Write, Written
from bot.ops.outcomes import AlreadyDone, Checking, Failed, InProgress, NotMade, Unknown, Unsettled
from bot.store import Store, make_engine

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[Store]:
    store = Store(make_engine(f"sqlite:///{tmp_path}/bot.db"))
    await store.upgrade()
    yield store
    await store.engine.dispose()


class Waits:
    """The waits between look-ups, recorded and not slept (the clock moves with them)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.at += timedelta(seconds=seconds)


@pytest.fixture
def writes(store: Store) -> IdempotentWrite:
    clock = Clock()
    return IdempotentWrite(store, clock, sleep=Waits(clock))


def lost_answer() -> BookeoConnectionError:
    return BookeoConnectionError("timed out", method="POST", path="bookings", may_have_reached=True)


def never_sent() -> BookeoConnectionError:
    return BookeoConnectionError("refused", method="POST", path="bookings", may_have_reached=False)


class Script:
    """A write whose call and look-up do what the test says, and count how often they ran."""

    def __init__(
        self,
        *,
        call: str | Exception = "B1",
        found: str | Exception | None = None,
        slow: bool = False,
    ) -> None:
        self.call_result, self.found, self.slow = call, found, slow
        self.calls = 0
        self.look_ups: list[datetime] = []

    def write(self, key: str = "create:k1", subject: str | None = None) -> Write[str]:
        async def call() -> str:
            self.calls += 1
            if isinstance(self.call_result, Exception):
                raise self.call_result
            return self.call_result

        async def look_up(since: datetime) -> str | None:
            self.look_ups.append(since)
            if self.slow:
                await asyncio.sleep(10)
            if isinstance(self.found, Exception):
                raise self.found
            return self.found

        return Write(
            key=key, call=call, look_up=look_up, booking_number=lambda n: n, subject=subject
        )


async def test_a_write_that_works_is_done_and_a_repeat_is_told_so(writes) -> None:
    script = Script(call="B1")
    write = script.write()
    assert await writes.earlier(write) is None
    assert await writes.claim(write.key) is None
    assert await writes.run(write) == Written("B1")
    assert await writes.earlier(write) == AlreadyDone("B1")
    assert await writes.claim(write.key) == AlreadyDone("B1")
    assert script.calls == 1
    assert script.look_ups == []


async def test_a_claimed_key_is_in_progress_for_a_second_try(writes) -> None:
    write = Script().write()
    assert await writes.claim(write.key) is None
    assert await writes.claim(write.key) == InProgress()
    assert await writes.earlier(write) == InProgress()


@pytest.mark.parametrize(
    "error",
    [
        never_sent(),
        BadRequest(status_code=400, method="POST", path="bookings", message="no", error_id=None),
    ],
)
async def test_a_write_that_never_reached_bookeo_failed_and_frees_the_key(writes, error) -> None:
    script = Script(call=error)
    write = script.write()
    await writes.claim(write.key)
    assert await writes.run(write) == Failed(error)
    assert script.look_ups == []  # nothing to look up: Bookeo never had it
    assert await writes.earlier(write) is None
    assert await writes.claim(write.key) is None


async def test_a_lost_answer_whose_write_happened_is_done(writes) -> None:
    script = Script(call=lost_answer(), found="B7")
    write = script.write()
    await writes.claim(write.key)
    assert await writes.run(write) == Written("B7")
    assert script.look_ups == [NOW]  # since the call started
    assert await writes.earlier(write) == AlreadyDone("B7")


async def test_a_lost_answer_whose_write_did_not_happen_is_not_made(writes) -> None:
    error = lost_answer()
    write = Script(call=error, found=None).write()
    await writes.claim(write.key)
    assert await writes.run(write) == NotMade(error)
    assert await writes.claim(write.key) is None  # safe to try again


async def test_a_lost_answer_bookeo_cannot_check_is_unknown(writes, store) -> None:
    error = lost_answer()
    write = Script(call=error, found=lost_answer()).write(subject="B9")
    await writes.claim(write.key)
    assert await writes.run(write) == Unknown(error)
    claim = await store.peek_write(write.key)
    assert claim is not None
    assert (claim.state, claim.booking_number) == ("unknown", "B9")


async def unknown_key(writes: IdempotentWrite) -> str:
    write = Script(call=lost_answer(), found=lost_answer()).write()
    await writes.claim(write.key)
    await writes.run(write)
    return write.key


async def test_an_unknown_earlier_try_found_made_is_already_done(writes) -> None:
    key = await unknown_key(writes)
    script = Script(found="B3")
    assert await writes.earlier(script.write(key)) == AlreadyDone("B3")
    assert script.look_ups == [NOW]  # since the earlier try claimed the key
    assert await writes.claim(key) == AlreadyDone("B3")


async def test_an_unknown_earlier_try_found_not_made_frees_the_key(writes) -> None:
    key = await unknown_key(writes)
    assert await writes.earlier(Script(found=None).write(key)) is None
    assert await writes.claim(key) is None


async def test_an_unknown_earlier_try_bookeo_cannot_check_stays_unsettled(writes) -> None:
    key = await unknown_key(writes)
    assert await writes.earlier(Script(found=lost_answer()).write(key)) == Unsettled()
    assert await writes.claim(key) == Unsettled()


async def test_an_unknown_earlier_try_is_checked_within_the_budget(writes) -> None:
    key = await unknown_key(writes)
    started = asyncio.get_running_loop().time()
    assert await writes.earlier(Script(slow=True).write(key), budget=0.05) == Unsettled()
    assert asyncio.get_running_loop().time() - started < 5


async def test_the_look_up_window_starts_at_the_claim(writes) -> None:
    clock = writes.clock
    key = await unknown_key(writes)
    clock.at = NOW + timedelta(minutes=30)
    script = Script(found=None)
    await writes.earlier(script.write(key))
    assert script.look_ups == [NOW]


class Landing(Script):
    """A write whose lost request lands at Bookeo only after some looks found nothing."""

    def __init__(self, *, lands_on_look: int) -> None:
        super().__init__(call=lost_answer())
        self.lands_on_look = lands_on_look

    def write(self, key: str = "create:k1", subject: str | None = None) -> Write[str]:
        base = super().write(key, subject)

        async def look_up(since: datetime) -> str | None:
            self.look_ups.append(since)
            return "B5" if len(self.look_ups) >= self.lands_on_look else None

        return Write(key=key, call=base.call, look_up=look_up, booking_number=lambda n: n)


async def test_a_lost_answer_is_looked_up_until_the_request_cannot_be_in_flight(writes) -> None:
    script = Landing(lands_on_look=4)
    write = script.write()
    await writes.claim(write.key)
    told: list[str] = []

    async def checking() -> None:
        told.append("still checking")

    assert await writes.run(write, checking=checking) == Written("B5")
    assert len(script.look_ups) == 4
    assert told == ["still checking"]
    assert await writes.earlier(write) == AlreadyDone("B5")


async def test_not_made_only_once_bookeo_must_have_finished(writes) -> None:
    error = lost_answer()
    write = Script(call=error, found=None).write()
    await writes.claim(write.key)
    assert await writes.run(write) == NotMade(error)
    assert sum(writes.sleep.delays) >= IN_FLIGHT_FOR.total_seconds()


async def test_an_unknown_try_still_in_flight_keeps_its_key_and_says_checking(
    writes, store
) -> None:
    write = Script(found=None).write()
    await writes.claim(write.key)
    await store.finish_write(write.key, state="unknown", booking_number=None, at=NOW)
    assert await writes.earlier(write) == Checking()  # a resubmission never gets the key
    assert await writes.claim(write.key) == Unsettled()
    writes.clock.at = NOW + IN_FLIGHT_FOR
    assert await writes.earlier(write) is None  # now it cannot land any more
