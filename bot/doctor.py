"""`bookeo-bot check`: is this configuration going to work? One line per check, ✓ or ✗ with
what to do; exit 1 when anything failed. Asks the real services (or the sandbox)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url

from bot.app import BotApp
from bot.bookeo import BookeoConnectionError, BookeoError
from bot.config import Settings
from bot.relay.registration import NEEDED
from bot.store.migrate import alembic_config

# The bot scopes the code uses; a test keeps manifest.yml asking for exactly these.
REQUIRED_SCOPES = frozenset({"commands", "chat:write", "channels:history", "groups:history"})
# Bookeo permissions the bot needs: read and write bookings, read customers and availability.
REQUIRED_PERMISSIONS = (("bookings", "rw"), ("customers", "r"), ("availability", "r"))


@dataclass(frozen=True)
class Result:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


Check = Callable[[BotApp], Awaitable[Result]]
_UNSET = "xoxb-not-set"


def checkable(settings: Settings) -> Settings:
    """Settings the bot can be built from even when Slack is not configured yet (the Slack
    check then reports what is missing instead of the build failing)."""
    changes: dict[str, SecretStr] = {}
    if settings.slack_bot_token is None:
        changes["slack_bot_token"] = SecretStr(_UNSET)
    if settings.slack_signing_secret is None:
        changes["slack_signing_secret"] = SecretStr(_UNSET)
    return settings.model_copy(update=changes)


async def database(bot: BotApp) -> Result:
    script = ScriptDirectory.from_config(alembic_config(""))
    head = script.get_current_head()
    url = make_url(bot.settings.database_url)
    path = url.database if url.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not await asyncio.to_thread(Path(path).exists):
        # A new install: connecting would create an empty file, and `serve` makes the tables.
        return Result(True, "database", f"{path} does not exist yet; `serve` creates it")
    if not await bot.store.ping():
        return Result(
            False, "database", "cannot connect to DATABASE_URL; check it and that the server runs"
        )
    async with bot.store.engine.connect() as connection:
        current = await connection.run_sync(
            lambda c: MigrationContext.configure(c).get_current_revision()
        )
    if current == head:
        return Result(True, "database", f"reachable, migrations at {head}")
    known = {revision.revision for revision in script.iterate_revisions(head, "base")}
    if current is None or current in known:
        # `serve` migrates at start (replicas take turns), so this is not a problem.
        return Result(
            True,
            "database",
            f"reachable, at migration {current or 'none'}; `serve` (or `bookeo-bot db upgrade`) "
            f"brings it to {head}",
        )
    return Result(
        False,
        "database",
        f"at migration {current}, which this version does not know (was a newer bookeo-bot "
        "run on it?): run that version, or restore a backup",
    )


async def slack(bot: BotApp) -> Result:
    token, secret = bot.settings.slack_bot_token, bot.settings.slack_signing_secret
    if not bot.settings.socket_mode and (secret is None or secret.get_secret_value() == _UNSET):
        if token is not None and token.get_secret_value() != _UNSET:
            return Result(
                False,
                "slack",
                "SLACK_SIGNING_SECRET is not set (Basic Information → "
                "Signing Secret), or set SLACK_APP_TOKEN for Socket Mode",
            )
    if token is None or token.get_secret_value() == _UNSET:
        return Result(
            False,
            "slack",
            "SLACK_BOT_TOKEN is not set (OAuth & Permissions → Bot User OAuth Token)",
        )
    try:
        answer = await bot.bolt.client.auth_test()
    except SlackApiError as error:
        return Result(
            False, "slack", f"auth.test says `{error.response.get('error')}`: check SLACK_BOT_TOKEN"
        )
    except Exception as error:  # unreachable Slack, bad SLACK_API_URL
        return Result(
            False,
            "slack",
            f"cannot reach Slack at {bot.settings.slack_api_url} ({type(error).__name__})",
        )
    granted = {
        s.strip()
        for s in (
            answer.headers.get("x-oauth-scopes") or answer.headers.get("X-OAuth-Scopes") or ""
        ).split(",")
        if s.strip()
    }
    missing = sorted(REQUIRED_SCOPES - granted) if granted else []
    if missing:
        return Result(
            False,
            "slack",
            f"token lacks scopes {', '.join(missing)}: add them (manifest.yml) and reinstall",
        )
    team = answer.get("team") or answer.get("team_id")
    return Result(
        True,
        "slack",
        f"auth.test ok as {answer.get('user_id')} in {team}"
        + ("" if granted else " (scopes not reported)"),
    )


async def slack_app_token(bot: BotApp) -> Result:
    """Socket Mode only: can the app-level token open a connection? `apps.connections.open`
    hands out a WebSocket URL and opens nothing, so asking changes nothing."""
    token = bot.settings.slack_app_token
    assert token is not None
    try:
        await bot.bolt.client.apps_connections_open(app_token=token.get_secret_value())
    except SlackApiError as error:
        return Result(
            False,
            "slack app token",
            f"apps.connections.open says `{error.response.get('error')}`: check SLACK_APP_TOKEN "
            "(Basic Information → App-Level Tokens, an xapp-… token with connections:write)",
        )
    except Exception as error:  # unreachable Slack, bad SLACK_API_URL
        return Result(
            False,
            "slack app token",
            f"cannot reach Slack at {bot.settings.slack_api_url} ({type(error).__name__})",
        )
    return Result(True, "slack app token", "apps.connections.open ok: Slack comes over Socket Mode")


async def bookeo(bot: BotApp) -> Result:
    where = "the built-in sandbox" if bot.sandbox is not None else str(bot.settings.bookeo_api_url)
    try:
        info = await bot.bookeo.settings.api_key_info()
    except BookeoConnectionError as error:
        return Result(False, "bookeo", f"{where}: {error} — check BOOKEO_API_URL and the network")
    except BookeoError as error:
        return Result(
            False, "bookeo", f"{where}: {error} — check BOOKEO_API_KEY / BOOKEO_SECRET_KEY"
        )
    missing = [
        f"{thing}_{mode}"
        for thing, mode in REQUIRED_PERMISSIONS
        if not _has_permission(info.permissions, thing, mode)
    ]
    if missing:
        return Result(
            False,
            "bookeo",
            f"{where}: the api key lacks {', '.join(missing)}; authorize the app again with them",
        )
    return Result(True, "bookeo", f"{where}: account {info.account_id}, permissions ok")


async def public_url(bot: BotApp) -> Result:
    if bot.sandbox is not None:
        return Result(True, "public url", "not needed on the sandbox (webhooks stay in-process)")
    url = bot.settings.public_url
    if url is None:
        return Result(
            False,
            "public url",
            "PUBLIC_URL is not set: Bookeo cannot send webhooks, so no live cards",
        )
    return Result(
        True, "public url", f"{url} (webhooks at {bot.intake.url_for('bookings', 'created')})"
    )


async def webhooks(bot: BotApp) -> Result:
    if bot.sandbox is not None:
        return Result(True, "webhooks", "the sandbox's are registered at start")
    if bot.settings.public_url is None:
        return Result(False, "webhooks", "none can be registered without PUBLIC_URL")
    try:
        hooks = await bot.bookeo.webhooks.list()
    except BookeoError as error:
        return Result(False, "webhooks", f"cannot list them: {error}")
    by_kind = {(str(h.domain), str(h.type)): h for h in hooks}
    problems = []
    for domain, type_ in NEEDED:
        hook = by_kind.get((domain.value, type_.value))
        expected = bot.intake.url_for(domain.value, type_.value)
        if hook is None:
            problems.append(f"{domain.value}/{type_.value} missing")
        elif hook.blocked:
            problems.append(f"{domain.value}/{type_.value} blocked since {hook.blocked_time}")
        elif hook.url != expected:
            problems.append(f"{domain.value}/{type_.value} points at {hook.url}")
    if problems:
        return Result(
            False, "webhooks", "; ".join(problems) + " — `bookeo-bot serve` repairs them at start"
        )
    return Result(True, "webhooks", "all four registered and delivering")


def _has_permission(granted: list[str], thing: str, mode: str) -> bool:
    """`bookings_rw_all` grants bookings r and rw; `customers_r_own` grants customers r."""
    for permission in granted:
        parts = permission.split("_")
        if parts[0] == thing and len(parts) > 1 and (parts[1] == "rw" or parts[1] == mode):
            return True
    return False


CHECKS: tuple[Check, ...] = (database, slack, bookeo, public_url, webhooks)


async def run_checks(bot: BotApp) -> list[Result]:
    checks = list(CHECKS)
    if bot.settings.socket_mode:
        checks.insert(checks.index(slack) + 1, slack_app_token)
    return [await check(bot) for check in checks]
