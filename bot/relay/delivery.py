"""The delivery worker: drains the inbox, one booking at a time, into living cards.

For each booking with pending deliveries it takes them all at once (a burst of changes to one
booking coalesces into one update) and reads what the planner needs; the planner
(bot.relay.plan) says what changed and who hears of it, and the card poster (bot.relay.cards)
posts the card (first time in that channel) or updates it in place and adds one thread line.
The worker only loops, claims, and keeps the inbox: items leave it only when delivered;
failures are retried with backoff and dead-lettered after too many.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoClient, NotFound
from bot.bookeo.models import Booking
from bot.catalog import Catalog
from bot.clock import Clock
from bot.config import Settings
from bot.logs import request_context
from bot.metrics import Metrics
from bot.refs import is_bot_ref
from bot.relay.cards import CardPoster
from bot.relay.changes import loads
from bot.relay.notify import AdminNotifier
from bot.relay.pacing import ChannelPacer
from bot.relay.plan import (
    BookingPlan,
    Summary,
    fold,
    fold_candidates,
    newest_state,
    plan_booking,
    within_budget,
)
from bot.store import InboxItem, Store, Subscription

log = logging.getLogger("bot.relay.delivery")
MAX_ATTEMPTS = 8
MAX_BACKOFF = 300  # seconds
PARALLEL_BOOKINGS = 32  # bookings delivered at once in one pass


def backoff(attempts: int) -> timedelta:
    """How long a failed delivery waits before its next try."""
    return timedelta(seconds=min(2**attempts, MAX_BACKOFF))


class Delivery:
    def __init__(
        self,
        *,
        store: Store,
        bookeo: BookeoClient,
        catalog: Catalog,
        slack: AsyncWebClient,
        clock: Clock,
        settings: Settings,
        pacer: ChannelPacer | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._store = store
        self._bookeo = bookeo
        self._catalog = catalog
        self._clock = clock
        self._tz = settings.timezone
        self._locale = settings.business_locale
        self._wake = asyncio.Event()
        self._resume = asyncio.Event()  # the store writes again: stop backing off
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = 0
        self.cards = CardPoster(
            store=store,
            slack=slack,
            pacer=pacer or ChannelPacer(),
            clock=clock,
            notifier=AdminNotifier(slack, settings.bot_admins),
        )
        self._metrics = metrics
        self.backlog: dict[str, int] = {}  # a snapshot for /metrics, refreshed every second
        self._backlog_at = 0.0
        # One pass at a time in this process: the worker and a drain() (shutdown, tests) would
        # otherwise deliver the same booking twice at once — the claim only guards replicas.
        self._one_pass = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    def resume(self) -> None:
        """The store writes again (it had failed): end a back-off now and deliver."""
        self._resume.set()
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="relay-delivery")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        failures = 0  # passes failed in a row: each waits longer (a store that cannot write)
        while not self._stopping:
            try:
                worked = await self.drain_once()
                failures = 0
            except Exception:
                failures += 1
                log.exception("delivery pass failed (%d in a row)", failures)
                await self._pause(min(2.0**failures, 60.0))
                continue
            if not worked:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds` whatever wakes the worker meanwhile, unless it is stopping."""
        deadline = time.monotonic() + seconds
        self._resume.clear()
        while not self._stopping and (left := deadline - time.monotonic()) > 0:
            if self._resume.is_set():
                return
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=left)
            except TimeoutError:
                return

    async def drain_once(self) -> bool:
        """Deliver what is due; True when there was anything for this process."""
        async with self._one_pass:
            return await self._pass()

    async def drain(self, *, rounds: int = 50) -> None:
        """Deliver until nothing is due (tests and shutdown)."""
        for _ in range(rounds):
            if not await self.drain_once():
                return

    async def _pass(self) -> bool:
        relay = self._store.relay
        # Which bookings have something due (ids and numbers only: the bodies are read once,
        # under the claim).
        seen = await relay.due_keys(now=self._clock.now())
        if time.monotonic() - self._backlog_at >= 1.0 or not seen:
            # A count over the whole inbox: at most once a second, not once a pass.
            self.backlog, self._backlog_at = await relay.backlog(), time.monotonic()
        unroutable = [item_id for item_id, number in seen if number is None]
        if unroutable:
            await relay.done(unroutable)  # nothing to route
        async with relay.claim({number for _, number in seen if number}) as mine:
            if not mine:
                return bool(unroutable)
            # Read again under the claim: another replica may have delivered some meanwhile.
            items = await relay.due(now=self._clock.now(), bookings=mine)
            await self._deliver(items)
        return True

    async def _deliver(self, items: list[InboxItem]) -> None:
        worn = [i for i in items if i.attempts >= MAX_ATTEMPTS]  # tries that never ended
        if worn:
            log.error("dead-lettering %d deliveries whose tries never ended", len(worn))
            await self._store.relay.dead([i.id for i in worn], reason="tried too often")
            items = [i for i in items if i.attempts < MAX_ATTEMPTS]
        groups: dict[str, list[InboxItem]] = {}
        for item in items:
            if item.booking_number is not None:
                groups.setdefault(item.booking_number, []).append(item)
        relay = self._store.relay
        subscriptions = await relay.subscriptions()
        plans: list[BookingPlan] = []
        for number, group in groups.items():
            try:
                plans.append(await self._plan(number, group, subscriptions))
            except Exception as error:
                await self._failed(number, group, error)
        uncarded = {pair for pair in fold_candidates(plans) if await relay.card(*pair) is None}
        # The seats each category takes (a summary counts people as slots do): read only
        # when a summary may be folded, like the names each plan read above (cached).
        seats = await self._catalog.categories() if uncarded else {}
        summaries = fold(
            plans, uncarded=uncarded, tz=self._tz, locale=self._locale, categories=seats
        )
        listed = {(number, s.channel) for s in summaries for number in s.numbers}
        going = within_budget(plans, folded=listed)
        # Nothing is posted that cannot be recorded as posted: the try is written first (one
        # more attempt, and when to try again should this pass not finish). A store that
        # cannot write ends the pass here, before Slack hears anything; the worker backs off.
        tried = [i for p in going for i in p.items]
        if tried:
            again = self._clock.now() + backoff(max(i.attempts for i in tried) + 1)
            await relay.trying([i.id for i in tried], retry_at=again)
        folded = await self._post_summaries(summaries)
        # Each plan is a different booking, so they can go out side by side: a booking waiting
        # for its channel's turn (about one message a second) does not hold up other channels.
        # One booking's changes stay in order: they are all in its one plan.
        lanes = asyncio.Semaphore(PARALLEL_BOOKINGS)

        async def deliver(plan: BookingPlan) -> None:
            async with lanes:
                if self._stopping:
                    return
                try:
                    with request_context(f"booking-{plan.number}"):
                        await self.cards.carry_out(plan, folded=folded)
                    await relay.done([i.id for i in plan.items])
                    self.delivered += len(plan.items)
                    self._observe(plan)
                except Exception as error:
                    await self._failed(plan.number, plan.items, error)

        await asyncio.gather(*(deliver(p) for p in going))
        await self.cards.note_resyncs()

    async def _plan(
        self, number: str, items: list[InboxItem], subscriptions: list[Subscription]
    ) -> BookingPlan:
        """Read what the planner needs about one booking, and plan it."""
        booking = newest_state(items)
        if booking is None:
            booking = await self._fetch(number)
        old = loads(await self._store.relay.state_of(number))
        # Never shown, but changed by the bot: as it was before (bot.ops.bookings.edit).
        before = await self._store.relay.baseline_of(number) if old is None else None
        plan = plan_booking(
            number,
            items,
            booking,
            old=old,
            baseline=Booking.model_validate_json(before) if before else None,
            subscriptions=subscriptions,
            categories=await self._catalog.category_names(),
            now=self._clock.now(),
            tz=self._tz,
            locale=self._locale,
            audit=await self._store.audit_log(booking_number=number, external_ref=_ref(booking)),
            notes=await self._store.note(number),
            shared=await self._store.relay.shared_cards(number),
            courses=await self._catalog.course_ids(),
        )
        if plan.stale:
            log.info("ignoring an out-of-order delivery for booking %s", number)
        return plan

    async def _fetch(self, number: str) -> Booking | None:
        """The booking as Bookeo has it now, when no delivery carried a usable state."""
        try:
            return await self._bookeo.bookings.get(number, expand_customer=True)
        except NotFound:
            return None  # really removed (a bookings/deleted without an item)

    async def _post_summaries(self, summaries: list[Summary]) -> set[tuple[str, str]]:
        """Post the summaries the planner folded changes into; returns the (booking, channel)
        pairs they covered (a summary that did not go covers none)."""
        folded: set[tuple[str, str]] = set()
        for summary in summaries:
            if await self.cards.summary(summary.channel, summary.messages):
                folded.update((number, summary.channel) for number in summary.numbers)
        return folded

    def _observe(self, plan: BookingPlan) -> None:
        if self._metrics is None or not plan.posts():
            return
        arrived = min(i.received_at for i in plan.items)
        waited = (self._clock.now() - arrived).total_seconds()
        self._metrics.delivery_seconds.observe(max(waited, 0.0))

    async def _failed(self, key: str, items: list[InboxItem], error: Exception) -> None:
        ids = [item.id for item in items]
        attempts = max(item.attempts for item in items) + 1
        reason = f"{type(error).__name__}: {error}"
        if attempts >= MAX_ATTEMPTS:
            log.error("dead-lettering %d deliveries of booking %s: %s", len(ids), key, reason)
            await self._store.relay.dead(ids, reason=reason)
        else:
            wait = backoff(attempts)
            log.warning("delivery of booking %s failed (%s); retry in %s", key, reason, wait)
            await self._store.relay.retry(
                ids, at=self._clock.now() + wait, reason=reason, attempts=attempts
            )


def _ref(booking: Booking | None) -> str | None:
    """The bot's own external reference on a booking (its create's audit row carries it)."""
    ref = booking.external_ref if booking is not None else None
    return ref if is_bot_ref(ref) else None
