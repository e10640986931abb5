"""What every HTTP request meets before anything reads it: a bounded body, read in bounded
time, and — for Slack's route — a signature checked on the raw bytes, once.

Slack's Bolt verifies signatures too, but only after the web layer has parsed the body (and
Bolt logs the whole body of a request it refuses). Here nothing is parsed, decoded or logged
before the request is known to come from Slack, and a body too large for any real Slack or
Bookeo request is refused from its `Content-Length`, or as soon as it grows past the limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("bot.guard")

# Slack's largest request is a view submission carrying its whole view: at most 100 blocks of
# at most 3,000 characters, about 300 KB even with every character escaped. Bookeo's largest
# is a booking with its customer and participants, a few KB. 1 MiB leaves room for both and
# keeps 100 requests in flight under 100 MB.
MAX_BODY = 1 << 20
# A real client sends a small body in milliseconds; one that dribbles it ties up a connection.
BODY_SECONDS = 10.0
SLACK_PATH = "/slack/events"
SLACK_WINDOW = 300  # seconds: Slack's documented replay window
SLACK_TIMESTAMP = re.compile(r"[0-9]{1,12}")
SLACK_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class RecentSignatures:
    """Signatures of requests accepted within Slack's window: a signed request replayed
    inside it is refused (outside it, its timestamp is). In-process; bounded."""

    def __init__(self, *, window: float = SLACK_WINDOW, max_size: int = 200_000) -> None:
        self._window = window
        self._max_size = max_size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_use(self, signature: str, *, now: float) -> bool:
        """Note `signature`; False when it was already used within the window."""
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if at >= now - 2 * self._window and len(self._seen) < self._max_size:
                break
            del self._seen[oldest]
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True


def slack_problem(
    secret: str, headers: Headers, body: bytes, *, now: float, seen: RecentSignatures
) -> str | None:
    """Why this is not a genuine, fresh, first-time Slack request; None when it is."""
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not SLACK_TIMESTAMP.fullmatch(stamp) or not SLACK_SIGNATURE.fullmatch(signature):
        return "missing or malformed signature headers"
    if abs(now - int(stamp)) > SLACK_WINDOW:
        return "stale timestamp"
    expected = (
        "v0="
        + hmac.new(
            secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
    )
    if not hmac.compare_digest(expected, signature):
        return "bad signature"
    if not seen.first_use(signature, now=now):
        return "replayed"
    return None


class Throttled:
    """Logs a kind of event at most once per `every` seconds, with how many were folded."""

    def __init__(self, logger: logging.Logger, *, every: float = 60.0) -> None:
        self._logger = logger
        self._every = every
        self._last: dict[str, float] = {}
        self._folded: dict[str, int] = {}

    def warning(self, kind: str, message: str, *, now: float) -> None:
        if now - self._last.get(kind, -self._every) < self._every:
            self._folded[kind] = self._folded.get(kind, 0) + 1
            return
        folded = self._folded.pop(kind, 0)
        self._last[kind] = now
        more = f" (and {folded} more since the last line)" if folded else ""
        self._logger.warning("%s%s", message, more)


class RequestGuard:
    """ASGI middleware: bounded bodies for every POST; Slack's signature first on its route.

    `slack_secret` None means Slack comes over Socket Mode: then `/slack/events` does not
    exist (404), so nobody can make the bot act, or post to a `response_url` they chose, over
    HTTP."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        slack_secret: str | None,
        max_body: int = MAX_BODY,
        body_seconds: float = BODY_SECONDS,
        clock: Callable[[], float] = time.time,
        on_refused: Callable[[int], None] | None = None,
    ) -> None:
        self.app = app
        self.slack_secret = slack_secret
        self.max_body = max_body
        self.body_seconds = body_seconds
        self.clock = clock
        self.seen = RecentSignatures()
        self.refusals = Throttled(log)
        self.on_refused = on_refused  # e.g. a metrics counter, by status

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        slack = scope["path"] == SLACK_PATH
        if slack and self.slack_secret is None:
            await self._refuse(send, 404, "Slack comes over Socket Mode here")
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and not (length.isascii() and length.isdigit()):
            await self._refuse(send, 400, "malformed Content-Length")
            return
        if length is not None and int(length) > self.max_body:
            await self._refuse(send, 413, f"body over {self.max_body} bytes")
            return
        body = await self._read(receive, send)
        if body is None:
            return
        if slack and self.slack_secret is not None:
            problem = slack_problem(
                self.slack_secret, headers, body, now=self.clock(), seen=self.seen
            )
            if problem is not None:
                await self._refuse(send, 401, f"Slack request refused: {problem}")
                return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once a refusal was sent (too large, too slow, gone)."""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        await self._refuse(send, 413, f"body over {self.max_body} bytes")
                        return None
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            await self._refuse(send, 408, f"body not received within {self.body_seconds:g} s")
            return None

    async def _refuse(self, send: Send, status: int, why: str) -> None:
        if self.on_refused is not None:
            self.on_refused(status)
        # Never the body, never a header value: only what was wrong, at most once a minute.
        self.refusals.warning(
            f"{status}:{why}", f"refused a request ({status}): {why}", now=time.monotonic()
        )
        text = why.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(text)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": text})


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then waits for a disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# -- connections ----------------------------------------------------------------------------
# Slack and Bookeo open a few connections at a time; 1,000 open at once is an attack or a leak,
# and stays far below the usual limit of 1,024 + file descriptors per process once raised
# (the image raises it). A request's headers come in one packet: 10 s for them is generous.
MAX_CONNECTIONS = 1_000
HEADER_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5


class BoundedHttp(HttpToolsProtocol):
    """uvicorn's HTTP protocol, bounded: a connection whose request headers do not arrive
    within `header_seconds` is closed (idle after connecting, or half-sent), and past
    `max_connections` the oldest connection with no request under way makes room for the new
    one, so a flood of idle sockets cannot shut out `/healthz` or real requests. uvicorn's own
    options do the rest: `timeout_keep_alive` closes idle keep-alive connections after a
    response, RequestGuard bounds the body's time."""

    max_connections = MAX_CONNECTIONS
    header_seconds = HEADER_SECONDS
    notices = Throttled(log)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = time.monotonic()
        self._waiting: asyncio.TimerHandle | None = None
        self._wait_for_headers()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._wait_for_headers()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        super().on_headers_complete()

    def _wait_for_headers(self) -> None:
        self._stop_waiting()
        self._waiting = self.loop.call_later(self.header_seconds, self._headers_late)

    def _stop_waiting(self) -> None:
        waiting = getattr(self, "_waiting", None)
        if waiting is not None:
            waiting.cancel()
            self._waiting = None

    def _headers_late(self) -> None:
        self._waiting = None
        self.notices.warning(
            "slow headers",
            f"closed a connection whose request headers took over {self.header_seconds:g} s",
            now=time.monotonic(),
        )
        self.transport.abort()

    def _make_room(self) -> None:
        idle = [
            c
            for c in self.connections
            if isinstance(c, BoundedHttp) and c is not self and c._waiting is not None
        ]
        self.notices.warning(
            "connections",
            f"over {self.max_connections} connections open: closing the oldest idle ones",
            now=time.monotonic(),
        )
        if idle:
            oldest = min(idle, key=lambda c: c._opened)
            oldest._stop_waiting()  # not chosen again before its abort is carried out
            oldest.transport.abort()
        else:
            self.transport.abort()  # every one is busy with a request: this one waits its turn


def throttle_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """asyncio logs a traceback for every failed accept (out of file descriptors: 536,574 in
    35 s); log them once a minute, with how many, and pass anything else on."""
    notices = Throttled(log)

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", ""))
        if message.startswith("socket.accept() out of system resource"):
            error = context.get("exception")
            notices.warning("accept", f"{message}: {error}", now=time.monotonic())
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handle)
