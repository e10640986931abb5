"""Shared fixtures: a clean environment, no network beyond loopback, the sandbox, a client."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from bot.app import BotApp, build_app
from bot.bookeo import BookeoClient
from bot.config import Settings
from bot.permissions import Role
from bot.sandbox import DEFAULT_API_KEY, DEFAULT_SECRET_KEY, Sandbox
from bot.store import migrate
from bot.store.engine import make_engine
from bot.wording import amount
from tests.fakes.openapi import ValidatingTransport
from tests.fakes.receiver import WebhookReceiver
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SIGNING_SECRET, TEAM

# The fuzz tests run the same examples on every machine, so the suite is green on a fresh
# clone every time; HYPOTHESIS_PROFILE=explore searches new ones (and keeps what it finds in
# .hypothesis/ to replay).
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
# Babel reads its locale data on first use (~0.2 s): once here, not inside a timed example.
amount(Decimal(0), "USD", locale="en_US")

_OUR_PREFIXES = (
    "SLACK_",
    "BOOKEO_",
    "BUSINESS_",
    "PUBLIC_URL",
    "DATABASE_URL",
    "PORT",
    "BOT_",
    "LOG_",
)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own configuration."""
    for name in list(os.environ):
        if name.startswith(_OUR_PREFIXES):
            monkeypatch.delenv(name)


# PostgreSQL runs beside SQLite when this names a server's maintenance database, e.g.
# postgresql://postgres@127.0.0.1:5432/test (.ci/run sets it). Read before clean_environ runs.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ENGINES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
    ),
]


def _migrate(url: str) -> None:
    """Bring an empty database to head, as the bot's start does (in a thread: no event loop
    may be running when a fixture calls it)."""

    async def run() -> None:
        engine = make_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


@contextmanager
def fresh_postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database on the TEST_DATABASE_URL server (empty, or a copy of `template`),
    dropped afterwards."""
    assert TEST_DATABASE_URL is not None
    server = make_url(TEST_DATABASE_URL).set(drivername="postgresql")
    name = f"bookeo_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.render_as_string(hide_password=False)
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Most tests start a bot on a new database. Migrating each from empty took 0.1-0.3 s, about
# 100 s of the suite; they copy one database migrated once per run instead (a file copy for
# SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL). The bot's start still runs the
# migrations, and finds them done. Tests of migrating itself make their own empty database.
@pytest.fixture(scope="session")
def sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "bot.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_at_head() -> Iterator[str]:
    with fresh_postgres_database() as url:
        _migrate(url)
        name = make_url(url).database
        assert name is not None
        yield name


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The bot's DATABASE_URL, its schema at head: SQLite always, and PostgreSQL when
    TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        path = tmp_path / "bot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_at_head"), path)
        yield f"sqlite:///{path}"
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_at_head")) as url:
        yield url


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but loopback (and Unix sockets)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


async def no_sleep(seconds: float) -> None:
    """Retries and back-offs in tests run at full speed; delays are recorded by callers."""


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver()


@pytest.fixture
async def sandbox(receiver: WebhookReceiver) -> AsyncIterator[Sandbox]:
    box = Sandbox(
        seed=1,
        timezone="Australia/Sydney",
        webhook_transport=receiver,
        webhook_retry_delay=0,
        sleep=no_sleep,
    )
    yield box
    await box.aclose()


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def validating(sandbox: Sandbox) -> ValidatingTransport:
    return ValidatingTransport(sandbox.transport())


@pytest.fixture
async def client(
    validating: ValidatingTransport, sleeps: SleepRecorder
) -> AsyncIterator[BookeoClient]:
    """A client of the sandbox whose every exchange is checked against openapi.yaml."""
    async with BookeoClient(
        api_key=DEFAULT_API_KEY,
        secret_key=DEFAULT_SECRET_KEY,
        base_url="https://api.bookeo.com/v2",
        transport=validating,
        sleep=sleeps,
    ) as bookeo:
        yield bookeo


ADMIN, STAFF, CASHIER, VIEWER = "UADMIN", "USTAFF", "UCASHIER", "UVIEWER"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackAPI]:
    server = FakeSlackAPI()
    await server.start()
    yield server
    await server.stop()
    tally(server)
    assert server.unexpected == [], (
        f"the bot called Slack methods the fake does not know: {server.unexpected}"
    )
    assert server.refused == [], f"Slack would have refused these payloads: {server.refused}"


STRICT_TALLY = os.environ.get("STRICT_TALLY")  # a file: one line per test, payloads / refused


def tally(server: FakeSlackAPI) -> None:
    if STRICT_TALLY:
        with open(STRICT_TALLY, "a", encoding="utf-8") as out:
            what = sorted({f"{r.what}:{r.error}:{r.why[:1]}" for r in server.refused})
            out.write(
                f"{os.environ.get('PYTEST_CURRENT_TEST', '?')}\t{server.checked}\t"
                f"{len(server.refused)}\t{what}\n"
            )


@asynccontextmanager
async def running_bot(
    fake_slack: FakeSlackAPI, sandbox: Sandbox, database_url: str, **more: Any
) -> AsyncIterator[BotApp]:
    """A started bot on the fake Slack and the sandbox, with staff and a cashier; `more`
    are further settings (e.g. `locale="de_DE"`)."""
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=database_url,
        business_timezone="Australia/Sydney",
        bot_admins=ADMIN,
        **more,
    )
    app = build_app(settings, sandbox=sandbox)
    app.asgi = fake_slack.watch(app.asgi)  # type: ignore[assignment]  # ack bodies, checked
    await app.start()
    await app.deps.background.drain()  # start-up work: webhook registration, the phone index
    now = app.deps.clock.now()
    for user, role in ((STAFF, Role.STAFF), (CASHIER, Role.CASHIER)):
        await app.store.set_role(TEAM, user, role, granted_by=ADMIN, at=now)
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
async def bot(
    fake_slack: FakeSlackAPI, sandbox: Sandbox, database_url: str
) -> AsyncIterator[BotApp]:
    async with running_bot(fake_slack, sandbox, database_url) as app:
        yield app
