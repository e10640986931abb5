"""Which Bookeo the bot talks to, decided once from the settings."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from bot.backend import SANDBOX_BOT_URL, UNREACHABLE_BOT_URL, build_backend
from bot.config import Settings
from bot.sandbox import Sandbox


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def real_keys(**values: str) -> Settings:
    return settings(bookeo_api_key="api", bookeo_secret_key="shh", **values)


def no_transport(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected {request.method} {request.url}")


async def test_without_keys_the_sandbox_stands_in_and_can_always_reach_us() -> None:
    backend = build_backend(settings(business_timezone="Australia/Sydney"))
    try:
        assert backend.sandbox is not None
        assert backend.mount is backend.sandbox.app
        assert backend.reachable
        assert backend.webhook_secret == backend.sandbox.secret_key
        assert backend.webhook_base_url == SANDBOX_BOT_URL
        assert str(backend.sandbox.tz) == "Australia/Sydney"
    finally:
        await backend.aclose()
        await backend.aclose_sandbox()


async def test_a_given_sandbox_is_used_even_with_keys() -> None:
    box = Sandbox(seed=1)
    backend = build_backend(real_keys(), sandbox=box)
    assert backend.sandbox is box and backend.webhook_secret == box.secret_key
    await backend.aclose()
    await backend.aclose_sandbox()


@pytest.mark.parametrize(
    ("public_url", "base", "reachable"),
    [("https://bot.example.com", "https://bot.example.com/", True),
     (None, UNREACHABLE_BOT_URL, False)],
)  # fmt: skip
async def test_the_real_api_is_reachable_only_with_a_public_url(
    public_url: str | None, base: str, reachable: bool
) -> None:
    extra = {"public_url": public_url} if public_url else {}
    backend = build_backend(real_keys(**extra), transport=httpx.MockTransport(no_transport))
    assert backend.sandbox is None and backend.mount is None
    assert backend.webhook_secret == "shh"
    assert backend.webhook_base_url == base
    assert backend.reachable is reachable
    backend.connect(Starlette())  # nothing to connect: no sandbox
    await backend.aclose()
    await backend.aclose_sandbox()  # nothing to close


def test_a_sandbox_and_a_transport_together_are_refused() -> None:
    with pytest.raises(TypeError, match="not both"):
        build_backend(
            settings(), sandbox=Sandbox(seed=1), transport=httpx.MockTransport(no_transport)
        )
