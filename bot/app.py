"""The composition root: everything the bot is made of, built from `Settings` in one place.

bot = build_app(settings)
await bot.start()      # migrations, warm caches
...                    # serve bot.asgi (uvicorn) — or drive it in tests
await bot.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.background import Background
from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock, SystemClock
from bot.config import SANDBOX_NOTICE, Settings
from bot.jobs import JobDeps, JobRunner, Leadership
from bot.lookup import CustomerIndexer, Lookup
from bot.metrics import Metrics
from bot.ops import Access, BookingOps
from bot.relay.delivery import Delivery
from bot.relay.intake import Intake
from bot.relay.pacing import ChannelPacer
from bot.relay.reconcile import reconcile
from bot.relay.registration import ensure_webhooks
from bot.sandbox import Sandbox
from bot.slack import register
from bot.slack.client import make_web_client
from bot.slack.deps import Deps
from bot.store import Store, make_engine
from bot.web import build_asgi

log = logging.getLogger("bot.app")
SANDBOX_BASE_URL = "https://sandbox.bookeo.invalid/v2"
SANDBOX_BOT_URL = "https://bookeo-bot.sandbox.invalid"


@dataclass
class BotApp:
    settings: Settings
    deps: Deps
    bolt: AsyncApp
    asgi: Starlette
    sandbox: Sandbox | None
    delivery: Delivery
    intake: Intake
    jobs: JobRunner
    # What else brings work in besides HTTP (Socket Mode): closed once in-flight work is done.
    _intake_closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def close_on_stop(self, close: Callable[[], Awaitable[None]]) -> None:
        """Have `stop()` call `close` after in-flight deliveries finish, before the scheduler,
        the HTTP clients and the database close."""
        self._intake_closers.append(close)

    async def start(self) -> None:
        await self.deps.store.upgrade()
        if self.sandbox is not None:
            log.warning(SANDBOX_NOTICE)
        self.delivery.start()
        self.jobs.start()
        if self.webhooks_enabled:
            self.deps.background.spawn(self.check_webhooks(), name="webhook-registration")
        last = await self.deps.store.relay.last_received()
        if last is not None:
            # Whatever Bookeo sent while we were down (and gave up on) is fetched now.
            self.deps.background.spawn(
                self._resync_since(last - timedelta(minutes=5)), name="start-resync"
            )
        # The phone index fills in the background; lookups by phone build it if asked first.
        self.deps.background.spawn(self._index_customers(), name="customer-index")

    async def _index_customers(self) -> None:
        try:
            await self.deps.indexer.refresh()
        except Exception:  # a failed warm-up is retried on the first phone lookup
            log.warning("could not build the customer phone index at start", exc_info=True)

    @property
    def webhooks_enabled(self) -> bool:
        """Bookeo can reach us: on the built-in sandbox, or with a public URL."""
        return self.sandbox is not None or self.settings.public_url is not None

    async def check_webhooks(self) -> list[str]:
        """Register or repair the webhooks; tell the admins and whoever is on call about any
        that Bookeo had blocked (deliveries were being lost)."""
        try:
            notes = await ensure_webhooks(self.deps.bookeo, self.intake.url_for)
        except Exception:
            log.warning("could not register Bookeo webhooks; will retry later", exc_info=True)
            return []
        if not notes:
            return []
        people = set(self.settings.bot_admins)
        for team in {s.team_id for s in await self.deps.store.relay.subscriptions()}:
            who = await self.deps.store.oncall.target(team)
            if who is not None and who.startswith(("U", "W")):
                people.add(who)
        for note in notes:
            for person in sorted(people):
                await self.bolt.client.chat_postMessage(channel=person, text=f":warning: {note}")
        self.resync_soon()  # a blocked webhook lost deliveries: fetch what changed
        return notes

    def resync_soon(self, since: datetime | None = None) -> None:
        """Reconcile in the background, from a little before `since` (the last delivery
        received before a lost one) or over the default look-back."""
        start = since - timedelta(minutes=5) if since is not None else None
        self.deps.background.spawn(self.resync(since=start), name="resync")

    async def resync(self, *, since: datetime | None = None) -> int:
        queued = await reconcile(
            bookeo=self.deps.bookeo, store=self.deps.store, clock=self.deps.clock, since=since
        )
        if queued:
            self.delivery.wake()
        return queued

    async def _resync_since(self, since: datetime) -> None:
        try:
            queued = await reconcile(
                bookeo=self.deps.bookeo, store=self.deps.store, clock=self.deps.clock, since=since
            )
        except Exception:
            log.warning("start-up reconciliation failed", exc_info=True)
            return
        if queued:
            self.delivery.wake()

    async def stop(self) -> None:
        """Graceful shutdown (SIGTERM), in order: uvicorn has stopped taking requests; the
        delivery worker finishes its pass and the work after acks completes; Socket Mode
        closes; then the timed jobs, the Bookeo client and the database."""
        await self.delivery.stop()
        await self.deps.background.drain()
        for close in self._intake_closers:
            try:
                await close()
            except Exception:
                log.warning("could not close an intake cleanly", exc_info=True)
        await self.jobs.stop()
        await self.deps.bookeo.aclose()
        await self.deps.store.aclose()
        if self.sandbox is not None:
            await self.sandbox.aclose()

    async def ready(self) -> bool:
        return self.delivery.running and self.jobs.running and await self.deps.store.ping()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    slack_client: AsyncWebClient | None = None,
    bookeo_transport: httpx.AsyncBaseTransport | None = None,
    sandbox: Sandbox | None = None,
) -> BotApp:
    """Build the bot. Without Bookeo keys, an in-process sandbox stands in for Bookeo."""
    clock = clock or SystemClock()
    if settings.uses_sandbox and bookeo_transport is None:
        sandbox = sandbox or Sandbox(timezone=settings.business_timezone)
    if sandbox is not None and bookeo_transport is None:
        bookeo = BookeoClient(
            api_key=sandbox.api_key,
            secret_key=sandbox.secret_key,
            base_url=SANDBOX_BASE_URL,
            transport=sandbox.transport(),
        )
    else:
        assert settings.bookeo_api_key is not None
        assert settings.bookeo_secret_key is not None
        bookeo = BookeoClient(
            api_key=settings.bookeo_api_key.get_secret_value(),
            secret_key=settings.bookeo_secret_key.get_secret_value(),
            base_url=str(settings.bookeo_api_url),
            transport=bookeo_transport,
        )
    store = Store(make_engine(settings.database_url))
    metrics = Metrics()
    bookeo.add_response_hook(metrics.on_bookeo_response)
    pacer = ChannelPacer()
    slack = slack_client or make_web_client(
        settings, rate_limit_handler=metrics.rate_limit_handler(on_limited=pacer.on_rate_limited)
    )
    catalog = Catalog(bookeo)
    delivery = Delivery(
        pacer=pacer,
        store=store,
        bookeo=bookeo,
        catalog=catalog,
        slack=slack,
        clock=clock,
        settings=settings,
        metrics=metrics,
    )
    metrics.watch_backlog(lambda: delivery.backlog)
    if sandbox is not None:
        secret, base = sandbox.secret_key, SANDBOX_BOT_URL
    else:
        assert settings.bookeo_secret_key is not None
        secret = settings.bookeo_secret_key.get_secret_value()
        base = str(settings.public_url) if settings.public_url else "https://bot.invalid"
    bot: BotApp
    intake = Intake(
        store=store,
        clock=clock,
        secret_key=secret,
        base_url=base,
        wake=delivery.wake,
        metrics=metrics,
        lost=lambda since: bot.resync_soon(since),
    )
    indexer = CustomerIndexer(bookeo, store, clock)
    deps = Deps(
        settings=settings,
        bookeo=bookeo,
        store=store,
        catalog=catalog,
        lookup=Lookup(bookeo, store, indexer, clock),
        indexer=indexer,
        clock=clock,
        tz=settings.timezone,
        on_sandbox=sandbox is not None,
        background=Background(),
        access=Access(store, clock, settings.bot_admins),
        bookings=BookingOps(
            bookeo=bookeo,
            store=store,
            catalog=catalog,
            indexer=indexer,
            access=Access(store, clock, settings.bot_admins),
            clock=clock,
            tz=settings.timezone,
        ),
        delivery=delivery,
        intake=intake,
        metrics=metrics,
    )
    bolt = AsyncApp(
        # The token rides in the client (make_web_client); Bolt takes it from there.
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        client=slack,
        # Every listener acks first and hands the rest to its own task (`after_ack`), so
        # Bolt may await the listener before answering: the answer goes out as soon as it
        # returns. With False, Bolt instead polls for the ack every 10 ms — a 10 ms floor
        # on every answer, and far more under load (bench: ack latency).
        process_before_response=True,
        logger=logging.getLogger("bot.bolt"),
    )
    register(bolt, deps)
    asgi = build_asgi(
        bolt,
        webhooks=intake.handle,
        ready=lambda: bot.ready(),
        on_start=lambda: bot.start(),
        on_stop=lambda: bot.stop(),
        # On the built-in sandbox its API and back office are served too (made-up data), so
        # `/sandbox/_sandbox/...` changes can be watched reaching Slack.
        sandbox=sandbox.app if sandbox is not None else None,
        metrics=metrics,
    )
    job_deps = JobDeps(
        store=store,
        bookeo=bookeo,
        catalog=catalog,
        slack=slack,
        tz=settings.timezone,
        admins=settings.bot_admins,
        resync=lambda: bot.resync(),
        check_webhooks=lambda: bot.check_webhooks(),
        wake_delivery=delivery.wake,
        webhooks_enabled=sandbox is not None or settings.public_url is not None,
    )
    bot = BotApp(
        settings=settings,
        deps=deps,
        bolt=bolt,
        asgi=asgi,
        sandbox=sandbox,
        delivery=delivery,
        intake=intake,
        jobs=JobRunner(job_deps, Leadership(store.engine), clock),
    )
    metrics.watch_scheduler(lambda: bot.jobs.leading)
    if sandbox is not None:
        # The in-process sandbox delivers its webhooks straight into this app.
        sandbox.sender.set_transport(httpx.ASGITransport(app=asgi))
    return bot
