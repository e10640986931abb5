"""The `bookeo-bot` command line (also `python -m bot`).

Each sub-command is a function that takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.app import BotApp
    from bot.store import Digest, Reminder

log = logging.getLogger("bot.cli")
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except ConfigError as error:
        for problem in error.problems:
            print(f"bookeo-bot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bookeo-bot",
        description="Slack chat-ops for Bookeo: look up, create, change and pay bookings from "
        "Slack, and relay every booking change to the right channel.",
        epilog="Configuration comes from environment variables or a .env file; "
        "see README.md, 'Configuration'.",
    )
    parser.add_argument("--version", action="version", version=f"bookeo-bot {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    sandbox = commands.add_parser(
        "sandbox",
        help="run the Bookeo emulator alone, serving /v2/... over HTTP",
        description="Serve a made-up Bookeo account over HTTP: the same API the bot uses, "
        "seeded with products, slots, customers and bookings. Changes made through "
        "/_sandbox/... act as the Bookeo back office and fire webhooks.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8081, help="port (8081; 0 picks a free one)")
    sandbox.add_argument("--seed", type=int, default=1, help="seed of the made-up data (1)")
    sandbox.add_argument("--api-key", default=None, help="the only api key accepted")
    sandbox.add_argument(
        "--secret-key",
        default=None,
        help="the only secret key accepted; also signs webhook deliveries",
    )
    sandbox.add_argument(
        "--timezone",
        default=None,
        help="the account's IANA time zone (default: BUSINESS_TIMEZONE or UTC)",
    )
    faults = sandbox.add_argument_group("fault injection (also switchable at /_sandbox/faults)")
    faults.add_argument("--latency-ms", type=int, default=0, help="delay every API answer")
    faults.add_argument(
        "--error-rate", type=float, default=0.0, help="fraction of API calls answered 503 (0..1)"
    )
    faults.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="PER_SECOND",
        help="answer 429 + Retry-After above this many requests per second",
    )
    faults.add_argument(
        "--drop-webhooks",
        type=float,
        default=0.0,
        metavar="RATE",
        help="fraction of webhook deliveries silently dropped (0..1)",
    )
    sandbox.add_argument(
        "--allow-http-webhooks",
        action="store_true",
        help="accept http:// webhook URLs (Bookeo accepts https only)",
    )
    sandbox.set_defaults(run=_run_sandbox)

    shell = commands.add_parser(
        "shell",
        help="try the bot in this terminal: /bookeo commands, cards, modals, live changes",
        description="A terminal session over the same bot: type /bookeo commands, press card "
        "buttons by number, fill modals at prompts, and make back-office changes "
        "(:backoffice …) to watch them reach #bookings. Uses the Bookeo sandbox unless "
        "BOOKEO_API_KEY and BOOKEO_SECRET_KEY are set. No Slack needed. Commands can be piped "
        "on standard input.",
    )
    shell.set_defaults(run=_run_shell)

    check = commands.add_parser(
        "check",
        help="check the configuration against the real services: ✓ or ✗ per check",
        description="Settings, database, Slack (auth.test and scopes), Bookeo (api key and "
        "permissions), PUBLIC_URL and webhook registrations. Exit status 1 if any check fails.",
    )
    check.set_defaults(run=_run_check)

    serve = commands.add_parser(
        "serve",
        help="run the bot: Slack on /slack/events (or Socket Mode), health on /healthz",
        description="The production process. Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
        "(or SLACK_APP_TOKEN for Socket Mode); without Bookeo keys it runs on the built-in "
        "sandbox. Applies database migrations at start.",
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (0.0.0.0)")  # noqa: S104
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, 3000)")
    serve.set_defaults(run=_run_serve)

    jobs = commands.add_parser(
        "jobs",
        help="list the timed jobs, the digests and reminders, and when each runs next",
        description="The timed jobs from the trigger table with their next run in "
        "BUSINESS_TIMEZONE, then each channel's digest and reminders from DATABASE_URL. "
        "With several replicas, one of them (the holder of the scheduler lock) runs them.",
    )
    jobs.set_defaults(run=_run_jobs)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="database commands", metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply migrations to DATABASE_URL")
    upgrade.set_defaults(run=_run_db_upgrade)

    manifest = commands.add_parser(
        "manifest",
        help="print manifest.yml with your public URL filled in, to create the Slack app",
        description="Print the Slack app manifest with every request URL pointing at --url "
        "(your PUBLIC_URL). Paste it at api.slack.com/apps → Create New App → From a manifest.",
    )
    where = manifest.add_mutually_exclusive_group()
    where.add_argument(
        "--url", default=None, help="the bot's public https base URL (default: PUBLIC_URL)"
    )
    where.add_argument(
        "--socket-mode",
        action="store_true",
        help="for Socket Mode (SLACK_APP_TOKEN): socket_mode_enabled, no request URLs",
    )
    manifest.set_defaults(run=_run_manifest)

    config = commands.add_parser(
        "config",
        help="check the configuration and print it, secrets masked",
        description="Read the settings from the environment and .env; print them with "
        "secrets masked, or one line per problem (exit 2).",
    )
    config.set_defaults(run=_run_config)
    return parser


def _run_shell(args: argparse.Namespace) -> int:
    from bot.shell.repl import run_shell

    settings = load_settings()  # fail early, one line per problem, on a bad .env
    configure_logging(
        "ERROR" if settings.log_level == "INFO" else settings.log_level, settings.log_format
    )
    asyncio.run(run_shell(interactive=sys.stdin.isatty()))
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.doctor import checkable, run_checks

    try:
        settings = load_settings()
    except ConfigError as error:
        for problem in error.problems:
            print(f"✗ settings: {problem}")
        return EXIT_FAILURE
    print(f"✓ settings: read{' (Bookeo: the built-in sandbox)' if settings.uses_sandbox else ''}")
    configure_logging("CRITICAL", settings.log_format)
    bot = build_app(checkable(settings))

    async def check() -> bool:
        try:
            results = await run_checks(bot)
        finally:
            await bot.backend.aclose()
            await bot.store.aclose()
            await bot.backend.aclose_sandbox()
        for result in results:
            print(result.line())
        return all(r.ok for r in results)

    return EXIT_OK if asyncio.run(check()) else EXIT_FAILURE


def _run_serve(args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.guard import KEEP_ALIVE_SECONDS, MAX_CONNECTIONS, BoundedHttp, throttle_accept_errors

    settings = load_settings()
    settings.require_slack()
    configure_logging(settings.log_level, settings.log_format)
    bot = build_app(settings)
    port = args.port or settings.port
    server = uvicorn.Server(
        uvicorn.Config(
            bot.asgi,
            host=args.host,
            port=port,
            log_level="warning",
            lifespan="on",
            # Bounded connections: idle and half-sent ones closed, at most MAX_CONNECTIONS.
            http=BoundedHttp,
            # Requests under way (uvicorn answers 503 past it); above the connections the
            # guard keeps open, so the guard's own limit decides about connections.
            limit_concurrency=MAX_CONNECTIONS + 100,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    )

    async def serve() -> int:
        throttle_accept_errors(asyncio.get_running_loop())
        # On SIGTERM uvicorn stops accepting, finishes open requests, then runs bot.stop().
        serving = asyncio.create_task(server.serve())
        if not await _listening(server, serving):
            await serving  # it could not start (the port is taken…): uvicorn said why
            return EXIT_FAILURE
        address = _address(server)
        if settings.slack_app_token is None:
            log.info("listening on %s; Slack comes over HTTP at %s/slack/events", address, address)
        elif not await _connect_socket_mode(bot, settings.slack_app_token.get_secret_value()):
            server.should_exit = True
            await serving
            return EXIT_FAILURE
        else:
            log.info("listening on %s; Slack comes over Socket Mode (no /slack/events)", address)
        await serving
        return EXIT_OK

    # The cycle collector's pauses were the tail of the ack latency under load: a stall now
    # and then, gone with the collector off. Everything built so far lives as long as the
    # process, so it is frozen out of the collector's sight, and young collections run every
    # 2,000 allocations instead of 700, so full ones come far less often. A much larger young
    # threshold made every pause longer instead (bench/RESULTS.md has the figures).
    gc.freeze()
    gc.set_threshold(2_000, 50, 100)
    return asyncio.run(serve())


async def _listening(server: uvicorn.Server, serving: asyncio.Task[None]) -> bool:
    """Wait until uvicorn listens (the bot has started: migrations, caches) or gave up."""
    # uvicorn.Server has a `started` flag and no event to wait on.
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    return server.started


def _address(server: uvicorn.Server) -> str:
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


async def _connect_socket_mode(bot: BotApp, app_token: str) -> bool:
    """Open the Socket Mode connection once the bot has started, so nothing Slack sends
    arrives before the database is migrated; False (and one line why) when Slack refuses."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_sdk.errors import SlackApiError

    # slack_sdk's client retries a refused apps.connections.open forever, a traceback each
    # time; so the URL is asked for here once, and the client connects to it. The web client
    # is Bolt's (the bot token's); the app token goes only to apps.connections.open.
    try:
        opened = await bot.bolt.client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        log.error(
            "Socket Mode: apps.connections.open says `%s`: check SLACK_APP_TOKEN (an app-level "
            "token, xapp-…, with connections:write)",
            error.response.get("error"),
        )
        return False
    socket_mode = AsyncSocketModeHandler(bot.bolt, app_token)
    socket_mode.client.wss_uri = str(opened["url"])
    bot.close_on_stop(socket_mode.close_async)
    await socket_mode.connect_async()  # type: ignore[no-untyped-call]
    return True


def _run_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store import Store, make_engine

    settings = load_settings()

    async def upgrade() -> None:
        store = Store(make_engine(settings.database_url))
        try:
            await store.upgrade()
        finally:
            await store.aclose()

    asyncio.run(upgrade())
    print(f"database at head: {settings.database_url.split('@')[-1]}")
    return EXIT_OK


PLACEHOLDER_URL = "https://bot.example.com"


def _manifest_text() -> str:
    """manifest.yml: packaged beside the code in a wheel, at the repository root in a checkout."""
    here = Path(__file__).parent
    for candidate in (here / "manifest.yml", here.parent / "manifest.yml"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("manifest.yml is missing from this installation")


# The request-URL keys of manifest.yml. Socket Mode needs none: Slack sends every command,
# action, options request and event over the app's WebSocket instead.
_REQUEST_URL_KEYS = ("url:", "request_url:", "message_menu_options_url:")


def socket_mode_manifest(text: str) -> str:
    """manifest.yml for Socket Mode: `socket_mode_enabled: true` and no request URLs."""
    if "socket_mode_enabled: false" not in text:
        raise ValueError("manifest.yml has no `socket_mode_enabled: false` to turn on")
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not (line.lstrip().startswith(_REQUEST_URL_KEYS) and PLACEHOLDER_URL in line)
    ]
    return "".join(kept).replace("socket_mode_enabled: false", "socket_mode_enabled: true")


def _run_manifest(args: argparse.Namespace) -> int:
    if args.socket_mode:
        print(socket_mode_manifest(_manifest_text()), end="")
        return EXIT_OK
    url = args.url
    if url is None:
        settings = load_settings()
        url = str(settings.public_url) if settings.public_url else None
    if not url:
        print(
            "bookeo-bot manifest: give --url https://… (or set PUBLIC_URL), "
            "or --socket-mode for Socket Mode",
            file=sys.stderr,
        )
        return EXIT_USAGE
    url = url.rstrip("/")
    if not url.startswith("https://") or " " in url:
        print(
            f"bookeo-bot manifest: {url!r} is not an https:// URL (Slack requires https)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(_manifest_text().replace(PLACEHOLDER_URL, url), end="")
    return EXIT_OK


def _run_jobs(args: argparse.Namespace) -> int:
    from bot.jobs import next_runs
    from bot.store import Store, make_engine
    from bot.wording import duration

    settings = load_settings()
    tz = settings.timezone
    now = datetime.now(UTC)

    def at(moment: datetime | None) -> str:
        return f"{moment.astimezone(tz):%a %d %b %H:%M}" if moment else "never"

    print(f"Timed jobs (times in {tz}):")
    for spec, next_at in next_runs(now, tz):
        print(f"  {spec.id:<15} {spec.every:<17} next {at(next_at):<16}  {spec.summary}")

    async def read() -> tuple[list[Digest], list[Reminder]]:
        store = Store(make_engine(settings.database_url))
        try:
            return await store.timed_posts.digests(), await store.timed_posts.reminders()
        finally:
            await store.aclose()

    try:
        digests, reminders = asyncio.run(read())
    except Exception as error:  # an unreachable or unmigrated database: say which
        print(
            f"bookeo-bot: cannot read digests and reminders: {type(error).__name__}: "
            f"{str(error).splitlines()[0][:200]} (is `bookeo-bot db upgrade` done?)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    print("Digests:" if digests else "Digests: none (/bookeo digest 08:00 in a channel)")
    for digest in digests:
        product = f"  {digest.product_name}" if digest.product_name else ""
        print(
            f"  {digest.channel_id:<15} {digest.at:%H:%M}  next {at(digest.next_after(now, tz))}"
            f"{product}{'  (also on empty days)' if digest.always else ''}"
        )
    print("Reminders:" if reminders else "Reminders: none (/bookeo remind 30m in a channel)")
    for reminder in reminders:
        product = f" of {reminder.product_name}" if reminder.product_name else ""
        print(f"  {reminder.channel_id:<15} {duration(reminder.minutes)} before each slot{product}")
    return EXIT_OK


def _run_config(args: argparse.Namespace) -> int:
    settings = load_settings()
    for name, value in _describe_settings(settings):
        print(f"{name}={value}")
    if settings.uses_sandbox:
        print("# Bookeo: no keys set, the built-in sandbox stands in")
    return EXIT_OK


def _describe_settings(settings: Settings) -> list[tuple[str, str]]:
    shown = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            text = "(unset)"
        elif hasattr(value, "get_secret_value"):
            text = "********"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        shown.append((name.upper(), text))
    return shown


def _run_sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Faults, Sandbox

    settings = load_settings()
    timezone = args.timezone or settings.business_timezone
    try:
        faults = Faults()
        faults.update(
            {
                "latency_ms": args.latency_ms,
                "error_rate": args.error_rate,
                "rate_limit_per_second": args.rate_limit,
                "drop_webhook_rate": args.drop_webhooks,
            }
        )
        sandbox = Sandbox(
            seed=args.seed,
            api_key=args.api_key or DEFAULT_API_KEY,
            secret_key=args.secret_key or DEFAULT_SECRET_KEY,
            timezone=timezone,
            faults=faults,
            allow_http_webhooks=args.allow_http_webhooks,
        )
    except (ValueError, KeyError) as exc:
        print(f"bookeo-bot sandbox: {exc}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, settings.log_format)
    server = _AnnouncingServer(
        uvicorn.Config(
            sandbox.app, host=args.host, port=args.port, log_level="warning", lifespan="on"
        )
    )

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        ready = asyncio.create_task(server.ready.wait())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if server.started:
            port = server.servers[0].sockets[0].getsockname()[1]
            _announce(sandbox, args.host, port, api_key_given=args.api_key is not None)
        ready.cancel()
        await task

    asyncio.run(serve())
    return EXIT_OK if server.started else EXIT_FAILURE


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that says when it is listening (so `--port 0` can be announced)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


def _announce(sandbox: object, host: str, port: int, *, api_key_given: bool) -> None:
    from bot.sandbox import Sandbox

    assert isinstance(sandbox, Sandbox)
    base = f"http://{host}:{port}"
    state = sandbox.state
    keys = (
        "(the keys you gave)"
        if api_key_given
        else f"X-Bookeo-apiKey: {sandbox.api_key}  X-Bookeo-secretKey: {sandbox.secret_key}"
    )
    print(
        f"Bookeo sandbox listening on {base}/v2\n"
        f"  business: {state.name} ({len(state.products)} products, "
        f"{len(state.customers)} customers, {len(state.bookings)} bookings; "
        f"time zone {sandbox.tz})\n"
        f"  keys:     {keys}\n"
        f"  try:      curl -H 'X-Bookeo-apiKey: {sandbox.api_key}' "
        f"-H 'X-Bookeo-secretKey: …' {base}/v2/settings/products\n"
        f"  admin:    {base}/_sandbox  (back-office changes, faults, deliveries)",
        flush=True,
    )
