"""Which Bookeo the bot talks to — the real API, or the built-in sandbox in this process —
and everything that differs between the two, decided once from `Settings`.

The rest of the composition root sees one `BookeoBackend` either way: a client, the secret
webhooks are signed with, the base URL they are registered under, whether Bookeo can reach
us at all, and, on the sandbox, an ASGI app to serve and a webhook sender to plug into ours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp

from bot.bookeo import BookeoClient
from bot.config import SANDBOX_NOTICE, Settings
from bot.sandbox import Sandbox

# The sandbox notice has always been the composition root's log line; it stays under that name.
log = logging.getLogger("bot.app")
SANDBOX_BASE_URL = "https://sandbox.bookeo.invalid/v2"
SANDBOX_BOT_URL = "https://bookeo-bot.sandbox.invalid"
# Without a public URL no webhook is registered; intake still needs a base to verify against.
UNREACHABLE_BOT_URL = "https://bot.invalid"


@dataclass(frozen=True)
class BookeoBackend:
    client: BookeoClient
    webhook_secret: str
    webhook_base_url: str
    # Bookeo can deliver webhooks to us (the sandbox always can; the real one needs a public
    # URL), so they are registered at start and checked by the webhook-health job.
    reachable: bool
    sandbox: Sandbox | None = None

    @property
    def mount(self) -> ASGIApp | None:
        """What to serve under `/sandbox`: the sandbox's API and back office (made-up data),
        so `/sandbox/_sandbox/...` changes can be watched reaching Slack."""
        return self.sandbox.app if self.sandbox is not None else None

    def announce(self) -> None:
        """Say loudly, at start, that no real Bookeo account is involved."""
        if self.sandbox is not None:
            log.warning(SANDBOX_NOTICE)

    def connect(self, asgi: ASGIApp) -> None:
        """Deliver the in-process sandbox's webhooks straight into `asgi` (the bot's app)."""
        if self.sandbox is not None:
            self.sandbox.sender.set_transport(httpx.ASGITransport(app=asgi))

    async def aclose(self) -> None:
        """Close the Bookeo client."""
        await self.client.aclose()

    async def aclose_sandbox(self) -> None:
        """Stop the sandbox's webhook sender; the last step of shutdown, after the database."""
        if self.sandbox is not None:
            await self.sandbox.aclose()


def build_backend(
    settings: Settings,
    *,
    sandbox: Sandbox | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BookeoBackend:
    """The sandbox when given one, or when no Bookeo keys are set (and no `transport` to a
    stand-in for the real API is given); the real API otherwise."""
    if sandbox is not None and transport is not None:
        raise TypeError("pass a sandbox or a Bookeo transport, not both")
    if sandbox is None and transport is None and settings.uses_sandbox:
        sandbox = Sandbox(timezone=settings.business_timezone)
    if sandbox is not None:
        return _sandboxed(sandbox)
    return _real(settings, transport)


def _sandboxed(sandbox: Sandbox) -> BookeoBackend:
    client = BookeoClient(
        api_key=sandbox.api_key,
        secret_key=sandbox.secret_key,
        base_url=SANDBOX_BASE_URL,
        transport=sandbox.transport(),
    )
    return BookeoBackend(
        client=client,
        webhook_secret=sandbox.secret_key,
        webhook_base_url=SANDBOX_BOT_URL,
        reachable=True,
        sandbox=sandbox,
    )


def _real(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> BookeoBackend:
    assert settings.bookeo_api_key is not None
    assert settings.bookeo_secret_key is not None
    secret = settings.bookeo_secret_key.get_secret_value()
    client = BookeoClient(
        api_key=settings.bookeo_api_key.get_secret_value(),
        secret_key=secret,
        base_url=str(settings.bookeo_api_url),
        transport=transport,
    )
    public = settings.public_url
    return BookeoBackend(
        client=client,
        webhook_secret=secret,
        webhook_base_url=str(public) if public is not None else UNREACHABLE_BOT_URL,
        reachable=public is not None,
    )
