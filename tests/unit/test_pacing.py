"""The per-channel pacer on a fake clock: bursts, the steady rate, and what a 429 teaches it."""

from __future__ import annotations

import pytest

from bot.relay.pacing import ChannelPacer

pytestmark = pytest.mark.asyncio


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def sent_at(pacer: ChannelPacer, time: FakeTime, channel: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        async with pacer.turn(channel):
            times.append(round(time.now, 3))
    return times


async def test_a_short_burst_then_one_a_second() -> None:
    time = FakeTime()
    pacer = ChannelPacer(burst=3, monotonic=time.monotonic, sleep=time.sleep)
    assert await sent_at(pacer, time, "C1", 5) == [0, 0, 0, 1, 2]


async def test_channels_do_not_wait_for_each_other() -> None:
    time = FakeTime()
    pacer = ChannelPacer(burst=1, monotonic=time.monotonic, sleep=time.sleep)
    await sent_at(pacer, time, "C1", 3)
    assert time.now == 2
    assert await sent_at(pacer, time, "C2", 1) == [2]


async def test_a_429_holds_the_channel_and_ends_its_bursts() -> None:
    time = FakeTime()
    pacer = ChannelPacer(burst=3, monotonic=time.monotonic, sleep=time.sleep)
    await sent_at(pacer, time, "C1", 2)
    pacer.on_rate_limited("chat.postMessage", {"channel": "C1", "text": "x"}, 2.0)
    # slack_sdk resends the refused message at 2 s; the next paced one waits one more second.
    assert await sent_at(pacer, time, "C1", 3) == [3, 4, 5]
    time.now += 60  # long quiet: still one at a time in this channel
    start = time.now
    assert await sent_at(pacer, time, "C1", 2) == [start, start + 1]
    # Other channels and other methods are unaffected.
    pacer.on_rate_limited("chat.update", {"channel": "C2"}, 5.0)
    start = time.now
    assert await sent_at(pacer, time, "C2", 3) == [start, start, start]


async def test_after_a_429_the_interval_counts_from_the_answer() -> None:
    time = FakeTime()
    pacer = ChannelPacer(burst=3, monotonic=time.monotonic, sleep=time.sleep)
    pacer.slow_down("C1", 0.0)
    async with pacer.turn("C1"):
        assert time.now == 1.0
        time.now += 0.7  # a slow request: Slack saw it late
    async with pacer.turn("C1"):
        sent = time.now
    assert sent == pytest.approx(2.7)  # one second after Slack answered, not after it was sent


async def test_a_429_is_pinned_on_the_channel_being_sent_to() -> None:
    """slack_sdk gives the retry handler no JSON body: the pacer knows the channel itself."""
    time = FakeTime()
    pacer = ChannelPacer(burst=3, monotonic=time.monotonic, sleep=time.sleep)
    async with pacer.turn("C1"):
        pacer.on_rate_limited("chat.postMessage", {}, 1.0)  # as the retry handler calls it
    assert await sent_at(pacer, time, "C1", 2) == [2, 3]
    pacer.on_rate_limited("chat.postMessage", {}, 1.0)  # outside any turn: nothing to pin
    assert await sent_at(pacer, time, "C9", 2) == [3, 3]
