"""The delivery worker: drains the inbox, one booking at a time, into living cards.

For each booking with pending deliveries it takes them all at once (a burst of changes to one
booking coalesces into one update), reads the booking's latest state, says what changed
against the last state it delivered, and for each matching subscription posts the card (first
time in that channel) or updates it in place and adds one thread line. Items leave the inbox
only when delivered; failures are retried with backoff and dead-lettered after too many.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.bookeo import BookeoClient, NotFound
from bot.bookeo.models import Booking
from bot.catalog import Catalog
from bot.clock import Clock
from bot.config import Settings
from bot.logs import request_context
from bot.metrics import Metrics
from bot.relay.changes import Change, diff, dumps, is_stale, loads, sentence, snapshot
from bot.relay.oncall import URGENT_WINDOW, page, urgent_reason
from bot.relay.pacing import ChannelPacer
from bot.relay.routing import Target, kinds_of, route
from bot.slack.text import escape, when
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.store import InboxItem, Store

log = logging.getLogger("bot.relay.delivery")
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "account_inactive",
        "invalid_auth",
        "restricted_action",
    }
)
MAX_ATTEMPTS = 8
PENDING = "pending:"
CARD_EVENT = "bookeo_booking_card"
FOLD_AT = 5  # more new bookings than this for one channel in one pass: one summary
SUMMARY_LINES = 40
PARALLEL_BOOKINGS = 32  # bookings delivered at once in one pass
MESSAGES_PER_PASS = 3  # per channel: about 3 s of Slack's pace


@dataclass(frozen=True)
class Plan:
    number: str
    items: list[InboxItem]
    booking: Booking | None
    changes: list[Change]
    new: dict[str, Any] | None
    line: str
    targets: list[Target]
    urgent: str | None


def summary_line(booking: Booking, tz: tzinfo) -> str:
    people = booking.participants.total
    state = " — *canceled*" if booking.canceled else ""
    return (
        f"• `{booking.booking_number}` {escape(booking.product_name or '')} · "
        f"{when(booking.start_time, booking.end_time, tz)} · {people} "
        f"{'person' if people == 1 else 'people'}{state}"
    )


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
        self._slack = slack
        self._clock = clock
        self._settings = settings
        self._tz = settings.timezone
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = 0
        self._pacer = pacer or ChannelPacer()
        self._metrics = metrics
        self.backlog: dict[str, int] = {}  # a snapshot for /metrics, refreshed every second
        self._backlog_at = 0.0
        self._resynced: Counter[str] = Counter()  # channel → changes only reconciliation found
        # One pass at a time in this process: the worker and a drain() (shutdown, tests) would
        # otherwise deliver the same booking twice at once — the claim only guards replicas.
        self._one_pass = asyncio.Lock()

    def wake(self) -> None:
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
        while not self._stopping:
            try:
                worked = await self.drain_once()
            except Exception:
                log.exception("delivery pass failed")
                worked = False
            if not worked:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass

    async def drain_once(self) -> bool:
        """Deliver what is due; True when there was anything for this process."""
        async with self._one_pass:
            return await self._pass()

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
        groups: dict[str, list[InboxItem]] = {}
        for item in items:
            if item.booking_number is not None:
                groups.setdefault(item.booking_number, []).append(item)
        plans: list[Plan] = []
        for key, group in groups.items():
            try:
                plans.append(await self._plan(key, group))
            except Exception as error:
                await self._failed(key, group, error)
        folded = await self._fold(plans)
        plans = self._this_pass(plans, folded)
        # Each plan is a different booking, so they can go out side by side: a booking waiting
        # for its channel's turn (about one message a second) does not hold up other channels.
        # One booking's changes stay in order: they are all in its one plan.
        lanes = asyncio.Semaphore(PARALLEL_BOOKINGS)

        async def deliver(plan: Plan) -> None:
            async with lanes:
                if self._stopping:
                    return
                try:
                    with request_context(f"booking-{plan.number}"):
                        await self._execute(plan, folded)
                    await self._store.relay.done([i.id for i in plan.items])
                    self.delivered += len(plan.items)
                    self._observe(plan)
                except Exception as error:
                    await self._failed(plan.number, plan.items, error)

        await asyncio.gather(*(deliver(plan) for plan in plans))
        await self._note_resyncs()

    def _observe(self, plan: Plan) -> None:
        if self._metrics is None or not (plan.targets and plan.changes):
            return
        arrived = min(i.received_at for i in plan.items)
        waited = (self._clock.now() - arrived).total_seconds()
        self._metrics.delivery_seconds.observe(max(waited, 0.0))

    async def _note_resyncs(self) -> None:
        for channel, count in self._resynced.items():
            text = (
                f":arrows_counterclockwise: Resynced {count} booking change(s) that Bookeo "
                "had not delivered."
            )
            try:
                await self._post(channel, text=text)
            except SlackApiError:
                log.warning("could not post the resync note in %s", channel)
        self._resynced.clear()

    async def drain(self, *, rounds: int = 50) -> None:
        """Deliver until nothing is due (tests and shutdown)."""
        for _ in range(rounds):
            if not await self.drain_once():
                return

    async def _failed(self, key: str, items: list[InboxItem], error: Exception) -> None:
        ids = [item.id for item in items]
        attempts = max(item.attempts for item in items) + 1
        reason = f"{type(error).__name__}: {error}"
        if attempts >= MAX_ATTEMPTS:
            log.error("dead-lettering %d deliveries of booking %s: %s", len(ids), key, reason)
            await self._store.relay.dead(ids, reason=reason)
        else:
            wait = timedelta(seconds=min(2**attempts, 300))
            log.warning("delivery of booking %s failed (%s); retry in %s", key, reason, wait)
            await self._store.relay.retry(ids, at=self._clock.now() + wait, reason=reason)

    async def _plan(self, number: str, items: list[InboxItem]) -> Plan:
        """What to say about one booking, and to whom — no Slack call yet."""
        booking = await self._latest(number, items)
        categories = await self._catalog.category_names()
        old = loads(await self._store.relay.state_of(number))
        new = snapshot(booking) if booking is not None else None
        now = self._clock.now()
        if is_stale(old, new):
            log.info("ignoring an out-of-order delivery for booking %s", number)
            return Plan(number, items, booking, [], None, "", [], None)
        changes = diff(old, new, tz=self._tz, categories=categories)
        if not changes:  # a repeat of what the cards already show (diff names created too)
            return Plan(number, items, booking, changes, new, "", [], None)
        events = [(item.domain, item.type) for item in items]
        paid_only = all(c.kind in ("paid", "refunded") for c in changes)
        kinds = kinds_of(events, canceled=bool(new and new["canceled"]), paid_only=paid_only)
        targets = route(
            await self._store.relay.subscriptions(),
            kinds=kinds,
            product_id=booking.product_id if booking else "",
            start=booking.start_time if booking else None,
            now=now,
            tz=self._tz,
        )
        line = sentence(changes, agent=_agent(booking, changes), deleted_unclear=booking is None)
        urgent = [r for t in targets if (r := urgent_reason(changes, booking, now, window_of(t)))]
        return Plan(
            number, items, booking, changes, new, line, targets, urgent[0] if urgent else None
        )

    def _this_pass(self, plans: list[Plan], folded: set[tuple[str, str]]) -> list[Plan]:
        """The plans to deliver now: at most a few messages per channel in one pass. The rest
        stay in the inbox for the next pass, where their later changes join them — under a
        burst, one card update and one thread line say several changes, and a busy channel
        does not keep a pass (and every other channel) waiting. Urgent ones always go."""
        sent: Counter[str] = Counter()
        now: list[Plan] = []
        for plan in plans:
            channels = [
                t.subscription.channel_id
                for t in plan.targets
                if plan.changes and (plan.number, t.subscription.channel_id) not in folded
            ]
            if plan.urgent is None and any(sent[c] >= MESSAGES_PER_PASS for c in channels):
                continue
            sent.update(channels)
            now.append(plan)
        return now

    async def _fold(self, plans: list[Plan]) -> set[tuple[str, str]]:
        """Many new, non-urgent bookings for one channel in one pass: one summary message that
        lists them, instead of a card each. Returns the (booking, channel) pairs it covered."""
        fresh: dict[str, list[Plan]] = {}
        for plan in plans:
            if plan.booking is None or plan.urgent is not None:
                continue
            for target in plan.targets:
                channel = target.subscription.channel_id
                if await self._store.relay.card(plan.number, channel) is None:
                    fresh.setdefault(channel, []).append(plan)
        folded: set[tuple[str, str]] = set()
        for channel, many in fresh.items():
            if len(many) <= FOLD_AT:
                continue
            lines = [summary_line(p.booking, self._tz) for p in many if p.booking is not None]
            for start in range(0, len(lines), SUMMARY_LINES):
                chunk = lines[start : start + SUMMARY_LINES]
                head = f":inbox_tray: *{len(lines)} new bookings*" + (
                    " (continued)" if start else ""
                )
                try:
                    await self._post(channel, text="\n".join([head, *chunk]))
                except SlackApiError as error:
                    code = str(error.response.get("error", ""))
                    if code in PERMANENT:
                        await self._pause(channel, code)
                    break  # not folded: the cards go out one by one (or retry later)
            else:
                folded.update((p.number, channel) for p in many)
        return folded

    async def _execute(self, plan: Plan, folded: set[tuple[str, str]]) -> None:
        if plan.changes:
            # Only reconciliation brought it: a webhook in the same batch means Bookeo did deliver.
            resynced = all(item.message_id.startswith("resync:") for item in plan.items)
            for target in plan.targets:
                channel = target.subscription.channel_id
                if (plan.number, channel) in folded:
                    continue
                await self._to_channel(target, plan.number, plan.booking, plan.line)
                if resynced:
                    self._resynced[channel] += 1
            if plan.urgent is not None:
                await self._page(plan)
        if plan.new is not None:
            await self._store.relay.save_state(plan.number, dumps(plan.new), at=self._clock.now())

    async def _page(self, plan: Plan) -> None:
        """Page each workspace's on-call once, on the thread of its first card of this booking,
        when that subscription counts the change as urgent."""
        paged: set[str] = set()
        now = self._clock.now()
        for target in plan.targets:
            team = target.subscription.team_id
            reason = urgent_reason(plan.changes, plan.booking, now, window_of(target))
            if team in paged or reason is None:
                continue
            who = await self._store.oncall.target(team)
            ts = await self._store.relay.card(plan.number, target.subscription.channel_id)
            if who is None or ts is None or ts.startswith(PENDING):
                continue
            await page(
                store=self._store,
                slack=self._slack,
                team_id=team,
                target=who,
                booking_number=plan.number,
                channel=target.subscription.channel_id,
                card_ts=ts,
                line=plan.line,
                reason=reason,
                now=now,
            )
            paged.add(team)

    async def _latest(self, number: str, items: list[InboxItem]) -> Booking | None:
        """The newest state among the deliveries (by Bookeo's change time, since webhooks of
        different types arrive in no guaranteed order), else the booking as Bookeo has it now."""
        states: list[dict[str, Any]] = []
        for item in items:
            if item.domain != "bookings":
                continue
            body = json.loads(item.body)
            if isinstance(body.get("item"), dict):
                states.append(body["item"])
        # Latest change first; a tie (Bookeo's times are whole seconds) goes to the canceled
        # state, since a cancellation is final; then to the latest to arrive (the sort is
        # stable). Only the winner is validated: a burst brings many states of one booking.
        ranked = sorted(states, key=lambda s: (_raw_changed_time(s), s.get("canceled") is True))
        for state in reversed(ranked):
            try:
                return Booking.model_validate(state)
            except ValueError:
                continue
        try:
            return await self._bookeo.bookings.get(number, expand_customer=True)
        except NotFound:
            return None  # really removed (a bookings/deleted without an item)

    async def _to_channel(
        self, target: Target, number: str, booking: Booking | None, line: str
    ) -> None:
        channel = target.subscription.channel_id
        ts = await self._store.relay.card(number, channel)
        if ts is not None and ts.startswith(PENDING):
            ts = await self._recover(channel, ts)  # a crash between posting and saving
        try:
            if booking is not None:
                options = CardOptions(
                    tz=self._tz,
                    categories=await self._catalog.category_names(),
                    show_contacts=False,
                    shareable=False,
                )
                blocks = [b.to_dict() for b in booking_card(booking, options)]
                text = card_text(booking, options)
                if ts is None:
                    # Slack has no idempotency key: note the post first, with a key the message
                    # carries in its metadata, so a restart can find it instead of posting twice.
                    key = f"{number}:{uuid.uuid4().hex}"
                    await self._store.relay.set_card(
                        number, channel, PENDING + key, at=self._clock.now()
                    )
                    posted = await self._post(
                        channel,
                        blocks=blocks,
                        text=text,
                        metadata={"event_type": CARD_EVENT, "event_payload": {"key": key}},
                    )
                    await self._store.relay.set_card(
                        number, channel, str(posted["ts"]), at=self._clock.now()
                    )
                    return  # the first card in a channel says it all; changes go in its thread
                else:
                    await self._slack.chat_update(channel=channel, ts=ts, blocks=blocks, text=text)
            if ts is not None:
                # A thread line is a message too: Slack's ~1 a second per channel counts it.
                await self._post(channel, thread_ts=ts, text=line, reply_broadcast=target.broadcast)
        except SlackApiError as error:
            code = str(error.response.get("error", ""))
            if code in PERMANENT:
                await self._pause(channel, code)
                return
            raise

    async def _post(self, channel: str, **message: Any) -> AsyncSlackResponse:
        """chat.postMessage in the channel's turn (Slack allows about one a second there)."""
        async with self._pacer.turn(channel):
            return await self._slack.chat_postMessage(channel=channel, **message)

    async def _recover(self, channel: str, pending: str) -> str | None:
        """The ts of a card whose post was noted but not confirmed, if Slack has it."""
        key = pending.removeprefix(PENDING)
        history = await self._slack.conversations_history(
            channel=channel, limit=200, include_all_metadata=True
        )
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == CARD_EVENT and (
                (metadata.get("event_payload") or {}).get("key") == key
            ):
                ts = str(message["ts"])
                await self._store.relay.set_card(
                    key.split(":")[0], channel, ts, at=self._clock.now()
                )
                return ts
        return None  # never reached Slack: post it now

    async def _pause(self, channel: str, code: str) -> None:
        paused = await self._store.relay.pause(channel, code)
        if not paused:
            return  # already paused: the admins were told the first time
        text = (
            f":warning: Booking updates for <#{channel}> are paused: Slack says `{code}`. "
            f"Invite me there (`/invite @Bookeo`), then `/bookeo subscribe` again."
        )
        for admin in self._settings.bot_admins:
            try:
                await self._slack.chat_postMessage(channel=admin, text=text)
            except SlackApiError:
                log.warning("could not tell admin %s about a paused subscription", admin)


def window_of(target: Target) -> timedelta:
    hours = target.subscription.urgent_hours
    return URGENT_WINDOW if hours is None else timedelta(hours=hours)


def _raw_changed_time(item: dict[str, Any]) -> datetime:
    """When Bookeo last changed a booking, read from its JSON (as `changed_at` does)."""
    times = []
    for name in ("creationTime", "lastChangeTime", "cancelationTime"):
        stamp = item.get(name)
        if isinstance(stamp, str):
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                continue
            times.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return max(times, default=datetime.min.replace(tzinfo=UTC))


def _agent(booking: Booking | None, changes: list[Any]) -> str | None:
    if booking is None:
        return None
    if any(c.kind == "canceled" for c in changes) and booking.cancelation_agent:
        return booking.cancelation_agent
    if any(c.kind == "created" for c in changes):
        return booking.creation_agent
    return booking.last_change_agent
