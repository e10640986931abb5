"""The HTTP surface: one Starlette app for Slack, Bookeo webhooks and health (DESIGN.md §1)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.guard import RequestGuard
from bot.logs import request_context
from bot.metrics import Metrics
from bot.slack.payloads import payload_problem

REQUEST_ID_HEADER = "x-request-id"


class RequestIdMiddleware:
    """Each HTTP request gets an id (the caller's `X-Request-Id`, else a new one): on its log
    lines and echoed in the answer, so a support report can be matched to the logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER)
        with request_context(given if given and given.isprintable() else None) as request_id:

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
                await send(message)

            await self.app(scope, receive, send_with_id)


class Lifecycle(Protocol):
    """What the server's lifespan starts and stops, and `/readyz` asks (the `BotApp`)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ready(self) -> bool: ...


def build_asgi(
    bolt: AsyncApp,
    *,
    slack_secret: str | None,
    webhooks: Callable[[Request], Awaitable[Response]],
    lifecycle: Lifecycle,
    mount: ASGIApp | None = None,
    metrics: Metrics | None = None,
) -> Starlette:
    """The app uvicorn serves; `mount` (the built-in sandbox's own app) goes under `/sandbox`."""
    handler = AsyncSlackRequestHandler(bolt)

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        problem = payload_problem(await request.body(), request.headers.get("content-type"))
        if problem is not None:  # Bolt would raise on it: say what is wrong instead
            return PlainTextResponse(f"malformed Slack request: {problem}", 400)
        response = await handler.handle(request)
        if metrics is not None:
            metrics.ack_seconds.observe(time.perf_counter() - started)
        return response

    async def metrics_text(_request: Request) -> Response:
        body = metrics.render() if metrics is not None else b""
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def readyz(_request: Request) -> Response:
        ok = await lifecycle.ready()
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await lifecycle.start()
        try:
            yield
        finally:
            await lifecycle.stop()

    extra = [Mount("/sandbox", app=mount)] if mount is not None else []
    return Starlette(
        routes=[
            *extra,
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/bookeo/webhooks/{domain}/{type}", webhooks, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_text, methods=["GET"]),
        ],
        lifespan=lifespan,
        # The guard runs inside the request id (its refusals carry one), before any route.
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(
                RequestGuard,
                slack_secret=slack_secret,
                on_refused=metrics.on_refused if metrics is not None else None,
            ),
        ],
    )
