"""The composition root: everything the bot is made of, built from `Settings` in one place.

bot = build_app(settings)
await bot.start()      # migrations, warm caches
...                    # serve bot.asgi (uvicorn) — or drive it in tests
await bot.stop()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.bookeo import BookeoClient
from bot.catalog import Catalog
from bot.clock import Clock, SystemClock
from bot.config import SANDBOX_NOTICE, Settings
from bot.lookup import CustomerIndexer, Lookup
from bot.sandbox import Sandbox
from bot.slack import register
from bot.slack.client import make_web_client
from bot.slack.deps import Deps
from bot.store import Store, make_engine
from bot.web import build_asgi

log = logging.getLogger("bot.app")
SANDBOX_BASE_URL = "https://sandbox.bookeo.invalid/v2"


@dataclass
class BotApp:
    settings: Settings
    deps: Deps
    bolt: AsyncApp
    asgi: Starlette
    sandbox: Sandbox | None

    async def start(self) -> None:
        await self.deps.store.upgrade()
        if self.sandbox is not None:
            log.warning(SANDBOX_NOTICE)
        # The phone index fills in the background; lookups by phone build it if asked first.
        self.deps.spawn(self._index_customers(), name="customer-index")

    async def _index_customers(self) -> None:
        try:
            await self.deps.indexer.refresh()
        except Exception:  # a failed warm-up is retried on the first phone lookup
            log.warning("could not build the customer phone index at start", exc_info=True)

    async def stop(self) -> None:
        await self.deps.drain()
        await self.deps.bookeo.aclose()
        await self.deps.store.aclose()
        if self.sandbox is not None:
            await self.sandbox.aclose()

    async def ready(self) -> bool:
        return await self.deps.store.ping()


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
    indexer = CustomerIndexer(bookeo, store, clock)
    deps = Deps(
        settings=settings,
        bookeo=bookeo,
        store=store,
        catalog=Catalog(bookeo),
        lookup=Lookup(bookeo, store, indexer, clock),
        indexer=indexer,
        clock=clock,
        tz=settings.timezone,
        on_sandbox=sandbox is not None,
    )
    bolt = AsyncApp(
        # The token rides in the client (make_web_client); Bolt takes it from there.
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        client=slack_client or make_web_client(settings),
        process_before_response=False,
        logger=logging.getLogger("bot.bolt"),
    )
    register(bolt, deps)
    bot: BotApp
    asgi = build_asgi(
        bolt, ready=lambda: bot.ready(), on_start=lambda: bot.start(), on_stop=lambda: bot.stop()
    )
    bot = BotApp(settings=settings, deps=deps, bolt=bolt, asgi=asgi, sandbox=sandbox)
    return bot
