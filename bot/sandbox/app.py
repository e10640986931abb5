"""The sandbox over HTTP: Bookeo's `/v2` routes, and `/_sandbox` for the back office.

`Sandbox` is the whole emulator (state + webhook sender + fault injection + ASGI app). Use
it in-process through `sandbox.transport()` (httpx, no socket) or serve `sandbox.app` with
uvicorn (`bookeo-bot sandbox`).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from .backoffice import backoffice_routes
from .faults import Faults
from .gate import Gate
from .http import not_emulated
from .paging import PageStore
from .render import BACK_OFFICE_AGENT
from .routes import api_routes
from .seed import build_state
from .state import BusinessState
from .webhooks import WebhookSender, epoch_ms

DEFAULT_API_KEY = "sandbox-api-key"
DEFAULT_SECRET_KEY = "sandbox-secret-key"  # noqa: S105 - the public default of a local emulator


class Sandbox:
    """A stateful Bookeo emulator for one made-up account."""

    def __init__(
        self,
        *,
        seed: int = 1,
        api_key: str = DEFAULT_API_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        timezone: str = "UTC",
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
        faults: Faults | None = None,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        webhook_retry_delay: float = 1.0,
        webhook_block_after: int = 5,
        allow_http_webhooks: bool = False,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.api_key = api_key
        self.secret_key = secret_key
        self.tz = ZoneInfo(timezone)
        self._now = now or (lambda: datetime.now(UTC))
        self.faults = faults or Faults()
        self.allow_http_webhooks = allow_http_webhooks
        day = today or self._now().astimezone(self.tz).date()
        self.state: BusinessState = build_state(seed=seed, today=day, tz=self.tz, now=self._now)
        self.pages = PageStore()
        self.gate = Gate(
            api_key=api_key,
            secret_key=secret_key,
            faults=self.faults,
            rng=random.Random(seed),
            sleep=sleep,
        )
        self.calls = self.gate.calls  # by endpoint, e.g. "GET /bookings/{number}"
        self.sender = WebhookSender(
            state=self.state,
            secret_key=secret_key,
            faults=self.faults,
            transport=webhook_transport,
            retry_delay=webhook_retry_delay,
            block_after=webhook_block_after,
            sleep=sleep,
            now_ms=lambda: epoch_ms(self._now()),
            rng=random.Random(seed + 1),
        )
        self.state.subscribe(self.sender.notify)
        routes = api_routes(
            self.state,
            pages=self.pages,
            gate=self.gate,
            allow_http_webhooks=allow_http_webhooks,
        )
        self.app = Starlette(
            routes=routes + backoffice_routes(self),
            exception_handlers={HTTPException: not_emulated},
            lifespan=self._lifespan,
        )

    def transport(self) -> httpx.ASGITransport:
        """An in-process httpx transport to this sandbox (no socket)."""
        return httpx.ASGITransport(app=self.app)

    async def drain_webhooks(self) -> None:
        await self.sender.drain()

    async def aclose(self) -> None:
        await self.sender.aclose()

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        await self.aclose()


__all__ = ["BACK_OFFICE_AGENT", "DEFAULT_API_KEY", "DEFAULT_SECRET_KEY", "Sandbox"]
