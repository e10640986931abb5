"""The composition root: everything the bot is made of, built from `Settings` in one place.

bot = build_app(settings)
await bot.start()      # migrations, warm caches
...                    # serve bot.asgi (uvicorn) — or drive it in tests
await bot.stop()

Parts are built in dependency order and handed to each other as objects or bound methods of
objects that already exist; `BotApp` comes last and nothing refers back to it except the
ASGI app it makes (whose lifespan starts and stops it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.backend import BookeoBackend, build_backend
from bot.background import Background
from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.jobs import JobDeps, JobRunner, Leadership
from bot.lookup import CustomerIndexer, Lookup
from bot.metrics import Metrics
from bot.ops import Access, BookingOps
from bot.ops.bookings import Tell
from bot.ops.channels import ChannelOps
from bot.ops.lookups import Lookups
from bot.relay.delivery import Delivery
from bot.relay.intake import Intake
from bot.relay.notify import AdminNotifier
from bot.relay.pacing import ChannelPacer
from bot.relay.service import Relay
from bot.relay.sharing import Sharing
from bot.sandbox import Sandbox
from bot.slack import register
from bot.slack.client import make_web_client
from bot.slack.deps import Deps
from bot.store import Store, make_engine
from bot.web import build_asgi

log = logging.getLogger("bot.app")

SETTLE_EVERY = 30.0  # seconds between looks at creates a crash left pending (and the store)


@dataclass
class BotApp:
    settings: Settings
    deps: Deps
    bolt: AsyncApp
    backend: BookeoBackend
    store: Store
    indexer: CustomerIndexer
    relay: Relay
    jobs: JobRunner
    metrics: Metrics
    tell: Tell
    """DM a person one sentence (how a create a crash left pending ended)."""
    asgi: Starlette = field(init=False)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _settler: asyncio.Task[None] | None = None
    # What else brings work in besides HTTP (Socket Mode): closed once in-flight work is done.
    _intake_closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.asgi = build_asgi(
            self.bolt,
            slack_secret=self.settings.http_signing_secret,
            webhooks=self.relay.intake.handle,
            lifecycle=self,
            mount=self.backend.mount,
            metrics=self.metrics,
        )

    @property
    def sandbox(self) -> Sandbox | None:
        """The built-in Bookeo sandbox, when that is what the bot talks to."""
        return self.backend.sandbox

    @property
    def bookeo(self) -> BookeoClient:
        return self.backend.client

    @property
    def delivery(self) -> Delivery:
        return self.relay.delivery

    @property
    def intake(self) -> Intake:
        return self.relay.intake

    def close_on_stop(self, close: Callable[[], Awaitable[None]]) -> None:
        """Have `stop()` call `close` after in-flight deliveries finish, before the scheduler,
        the HTTP clients and the database close."""
        self._intake_closers.append(close)

    async def start(self) -> None:
        await self.store.upgrade()
        self.backend.announce()
        await self.relay.start()
        self.jobs.start()
        # The phone index fills in the background; lookups by phone build it if asked first.
        self.deps.background.spawn(self._index_customers(), name="customer-index")
        # Creates a crash left pending: settled now, and again until stop(). Its own task, not
        # background work (which `drain()` waits for).
        self._settler = asyncio.get_running_loop().create_task(
            self._settle_creates(), name="settle-creates"
        )

    async def settle_creates(self) -> int:
        """Finish the creates a crash left pending (see bot/ops/bookings/settle.py)."""
        return await self.deps.bookings.settle_pending_creates(self.tell)

    async def maintain_store(self) -> bool:
        """After writes failed for want of space, whether they commit again: the delivery
        worker then stops backing off and the inbox goes out (see Store.maintain)."""
        recovered = await self.store.maintain()
        if recovered:
            self.delivery.resume()
        return recovered

    async def _settle_creates(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.maintain_store()
                await self.settle_creates()
            except Exception:  # the store or Bookeo is down: the next pass tries again
                log.warning("could not settle pending creates", exc_info=True)
            try:
                async with asyncio.timeout(SETTLE_EVERY):
                    await self._stopping.wait()
            except TimeoutError:
                continue

    async def _index_customers(self) -> None:
        try:
            await self.indexer.refresh()
        except Exception:  # a failed warm-up is retried on the first phone lookup
            log.warning("could not build the customer phone index at start", exc_info=True)

    async def stop(self) -> None:
        """Graceful shutdown (SIGTERM), in order: uvicorn has stopped taking requests; the
        delivery worker finishes its pass and the work after acks completes; Socket Mode
        closes; then the timed jobs, the Bookeo client, the database and the sandbox."""
        self._stopping.set()
        if self._settler is not None:
            await self._settler
        await self.relay.stop()
        await self.deps.background.drain()
        for close in self._intake_closers:
            try:
                await close()
            except Exception:
                log.warning("could not close an intake cleanly", exc_info=True)
        await self.jobs.stop()
        await self.backend.aclose()
        await self.store.aclose()
        await self.backend.aclose_sandbox()

    async def ready(self) -> bool:
        """Ready to serve: the workers run, and the store is at head and takes writes."""
        return self.relay.running and self.jobs.running and await self.store.writable()


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
    backend = build_backend(settings, sandbox=sandbox, transport=bookeo_transport)
    bookeo = backend.client
    store = Store(make_engine(settings.database_url))
    metrics = Metrics()
    bookeo.add_response_hook(metrics.on_bookeo_response)
    pacer = ChannelPacer()
    slack = slack_client or make_web_client(
        settings, on_rate_limited=(metrics.on_slack_rate_limited, pacer.on_rate_limited)
    )
    catalog = Catalog(bookeo)
    background = Background()
    notifier = AdminNotifier(slack, settings.bot_admins)
    relay = _relay(
        settings,
        backend,
        store=store,
        catalog=catalog,
        slack=slack,
        pacer=pacer,
        clock=clock,
        metrics=metrics,
        background=background,
        notifier=notifier,
    )
    indexer = CustomerIndexer(bookeo, store, clock)
    deps = _deps(
        settings,
        backend,
        indexer=indexer,
        store=store,
        catalog=catalog,
        clock=clock,
        background=background,
        relay=relay,
        metrics=metrics,
    )
    bolt = _bolt(settings, slack)
    register(bolt, deps)
    jobs = _jobs(settings, store, bookeo, catalog=catalog, slack=slack, clock=clock, relay=relay)
    metrics.watch_backlog(relay.delivery)
    metrics.watch_scheduler(jobs)
    bot = BotApp(
        settings=settings,
        deps=deps,
        bolt=bolt,
        backend=backend,
        store=store,
        indexer=indexer,
        relay=relay,
        jobs=jobs,
        metrics=metrics,
        tell=_teller(slack),
    )
    backend.connect(bot.asgi)  # the in-process sandbox delivers its webhooks into this app
    return bot


def _teller(slack: AsyncWebClient) -> Tell:
    async def tell(user_id: str, text: str) -> None:
        try:
            await slack.chat_postMessage(channel=user_id, text=text)
        except SlackApiError:
            log.warning("could not tell %s: %s", user_id, text[:80])

    return tell


def _relay(
    settings: Settings,
    backend: BookeoBackend,
    *,
    store: Store,
    catalog: Catalog,
    slack: AsyncWebClient,
    pacer: ChannelPacer,
    clock: Clock,
    metrics: Metrics,
    background: Background,
    notifier: AdminNotifier,
) -> Relay:
    delivery = Delivery(
        pacer=pacer,
        store=store,
        bookeo=backend.client,
        catalog=catalog,
        slack=slack,
        clock=clock,
        settings=settings,
        metrics=metrics,
    )
    return Relay(
        store=store,
        bookeo=backend.client,
        clock=clock,
        delivery=delivery,
        notifier=notifier,
        background=background,
        webhook_secret=backend.webhook_secret,
        webhook_base_url=backend.webhook_base_url,
        webhooks_enabled=backend.reachable,
        metrics=metrics,
    )


def _jobs(
    settings: Settings,
    store: Store,
    bookeo: BookeoClient,
    *,
    catalog: Catalog,
    slack: AsyncWebClient,
    clock: Clock,
    relay: Relay,
) -> JobRunner:
    deps = JobDeps(
        store=store,
        bookeo=bookeo,
        catalog=catalog,
        slack=slack,
        tz=settings.timezone,
        notifier=relay.notifier,
        relay=relay,
        locale=settings.business_locale,
    )
    return JobRunner(deps, Leadership(store.engine), clock)


def _bolt(settings: Settings, slack: AsyncWebClient) -> AsyncApp:
    logger = logging.getLogger("bot.bolt")
    # The token rides in the client (make_web_client); Bolt takes it from there. Given no
    # token, Bolt reads SLACK_BOT_TOKEN from the environment itself and, finding it beside a
    # client, warns on every start that it will be unused: it is the token the client holds
    # (Settings read the same variable), so that one warning is dropped while Bolt is built.
    unused_token = _DropMessage(warning_client_prioritized_and_token_skipped())
    logger.addFilter(unused_token)
    try:
        return AsyncApp(
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
            logger=logger,
        )
    finally:
        logger.removeFilter(unused_token)


class _DropMessage(logging.Filter):
    """Drops the records whose message is exactly `message`."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self._message = message

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self._message


def _deps(
    settings: Settings,
    backend: BookeoBackend,
    *,
    indexer: CustomerIndexer,
    store: Store,
    catalog: Catalog,
    clock: Clock,
    background: Background,
    relay: Relay,
    metrics: Metrics,
) -> Deps:
    """What listeners get: the operations (which alone reach the store and Bookeo), and the
    pure parts they render with."""
    bookeo = backend.client
    lookup = Lookup(bookeo, store, indexer, clock, region=settings.phone_region)
    access = Access(store, clock, settings.bot_admins)
    return Deps(
        catalog=catalog,
        clock=clock,
        tz=settings.timezone,
        on_sandbox=backend.sandbox is not None,
        background=background,
        access=access,
        bookings=BookingOps(
            bookeo=bookeo,
            store=store,
            catalog=catalog,
            indexer=indexer,
            access=access,
            clock=clock,
            tz=settings.timezone,
            locale=settings.business_locale,
        ),
        channels=ChannelOps(
            store=store,
            bookeo=bookeo,
            catalog=catalog,
            access=access,
            clock=clock,
            intake_counts=relay.intake.counts,
        ),
        lookups=Lookups(
            bookeo=bookeo,
            catalog=catalog,
            lookup=lookup,
            access=access,
            clock=clock,
            tz=settings.timezone,
        ),
        sharing=Sharing(
            poster=relay.delivery.cards,
            store=store,
            bookeo=bookeo,
            catalog=catalog,
            clock=clock,
            tz=settings.timezone,
            locale=settings.business_locale,
            webhooks=backend.reachable,
        ),
        metrics=metrics,
        locale=settings.business_locale,
        region=settings.phone_region,
    )
