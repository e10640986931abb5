"""FakeSlackAPI: a real HTTP server on loopback that answers like Slack's Web API.

slack_sdk's AsyncWebClient reaches it through `base_url`; `response_url`s point at it too.
It records every call, answers the methods the bot uses with Slack's shapes, can be told to
fail (`ok: false` errors, 429 + Retry-After), and lists calls to methods it does not know.

It is strict: every call, response_url post and ack body (`watch` wraps the bot's ASGI app)
is held against Slack's documented limits (bot/shell/slack_rules.py) and refused as Slack
refuses it (`invalid_blocks`, `invalid_arguments`, `msg_too_long`; a response_url post gets a
400). `refused` lists each refusal; the `fake_slack` fixture fails a test that caused one.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web

from bot.shell.slack_rules import Problem
from bot.shell.slack_stub import SlackStub, ack_kind, invalid_response, read_args

ASGIApp = Callable[..., Awaitable[None]]


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]


@dataclass(frozen=True)
class Refusal:
    """A payload real Slack would have refused: what it was, Slack's error, and why."""

    what: str  # a method, `respond:<token>`, or `ack:<payload type>`
    error: str
    why: list[str]


@dataclass
class Staged:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the client waits: a timeout)
    took_effect: bool = False  # the call did its work; only the answer is bad (or late)


class FakeSlackAPI(SlackStub):
    KNOWN: ClassVar[frozenset[str]] = frozenset(
        {
            "auth.test",
            "chat.postMessage",
            "chat.update",
            "chat.postEphemeral",
            "chat.delete",
            "views.open",
            "views.update",
            "views.push",
            "views.publish",
            "users.info",
            "conversations.info",
            "conversations.history",
            "conversations.replies",
        }
    )

    def __init__(self) -> None:
        super().__init__(team_id="T1", team_name="Test")
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.unexpected: list[str] = []
        self._staged: dict[str, deque[Staged]] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._channel_limit: float | None = None
        self._last_post: dict[str, float] = {}
        self.rate_limited = 0
        self.refused: list[Refusal] = []
        self.checked = 0  # payloads held against Slack's rules (calls, posts, ack bodies)

    @property
    def base_url(self) -> str:
        return self.api_url

    def response_url(self, token: str = "cmd") -> str:
        return super().response_url(token)

    def stage(
        self,
        method: str,
        *,
        status: int = 200,
        times: int = 1,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        took_effect: bool = False,
        **body: Any,
    ) -> None:
        """The next `times` calls to `method` get this answer instead of the default;
        `took_effect`: the call worked (a message was posted) but its answer is this one."""
        for _ in range(times):
            self._staged[method].append(
                Staged(status, body, headers or {}, delay=delay, took_effect=took_effect)
            )

    def limit_posts_per_channel(self, seconds: float = 1.0) -> None:
        """Answer chat.postMessage with 429 + Retry-After when a channel gets two within `seconds`."""
        self._channel_limit = seconds

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, count: int = 1, within: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until `method` (or `respond:<token>`) has been called `count` times."""

        def done() -> bool:
            return len(self._seen(method)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(done), within)
            except TimeoutError:
                raise AssertionError(
                    f"{method} called {len(self._seen(method))} times, expected {count}; "
                    f"calls: {[c.method for c in self.calls]}"
                ) from None
        return self._seen(method)

    def _seen(self, method: str) -> list[dict[str, Any]]:
        if method.startswith("respond:"):
            return self.responses[method.removeprefix("respond:")]
        return self.of(method)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await read_args(request)
        self.calls.append(Call(method, args, dict(request.headers)))
        if method not in self.KNOWN:
            self.unexpected.append(method)
        if method == "chat.postMessage" and self._channel_limit is not None:
            channel = str(args.get("channel"))
            now = asyncio.get_running_loop().time()
            if now - self._last_post.get(channel, -1e9) < self._channel_limit:
                self.calls.pop()  # refused, not received
                self.rate_limited += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            self._last_post[channel] = now
        staged = self._staged[method].popleft() if self._staged[method] else None
        self.checked += 1
        refused = self.refuse(method, args)
        if refused is not None and staged is None:
            self.refused.append(Refusal(method, refused["error"], refused["errors"]))
            async with self._changed:
                self._changed.notify_all()
            return web.json_response(refused)
        done = self._default(method, args) if staged is None or staged.took_effect else None
        if staged is not None and staged.delay:
            await asyncio.sleep(staged.delay)
        if staged is not None and (staged.status != 200 or staged.body):
            answer = web.json_response(
                staged.body or {"ok": False, "error": "ratelimited"},
                status=staged.status,
                headers=staged.headers,
            )
        else:
            answer = web.json_response(done if done is not None else self._default(method, args))
        async with self._changed:
            self._changed.notify_all()
        return answer

    async def _respond(self, request: web.Request) -> web.Response:
        payload = json.loads(await request.text() or "{}")
        token = request.match_info["token"]
        self.checked += 1
        problems = self.refuse_response(payload)
        if problems:
            error = invalid_response(payload)
            self.refused.append(Refusal(f"respond:{token}", error, [str(p) for p in problems]))
            return web.Response(status=400, text=error)
        self.responses[token].append(payload)
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text="ok")

    def _default(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.history":
            channel = str(args.get("channel"))
            history = [
                {
                    "ts": c.args.get("ts_assigned"),
                    "text": c.args.get("text"),
                    "metadata": c.args.get("metadata"),
                }
                for c in reversed(self.calls)
                if c.method == "chat.postMessage"
                and c.args.get("ts_assigned")  # posted, not refused
                and str(c.args.get("channel")) == channel
                and not c.args.get("thread_ts")
            ]
            return {"ok": True, "messages": history, "has_more": False}
        if method == "conversations.replies":
            channel, thread = str(args.get("channel")), str(args.get("ts"))
            replies = [
                {
                    "ts": c.args.get("ts_assigned"),
                    "text": c.args.get("text"),
                    "metadata": c.args.get("metadata"),
                }
                for c in self.calls
                if c.method == "chat.postMessage"
                and c.args.get("ts_assigned")
                and str(c.args.get("channel")) == channel
                and str(c.args.get("thread_ts")) == thread
            ]
            return {"ok": True, "messages": replies, "has_more": False}
        answer = self.answer(method, args)
        if method == "chat.postMessage":
            args["ts_assigned"] = answer["ts"]  # what conversations.history reports for it
        return answer

    def check_ack(self, request_body: bytes, answer: bytes) -> list[Problem]:
        """The stand-in's check of an ack body, with the refusal recorded."""
        problems = super().check_ack(request_body, answer)
        if answer.strip() and ack_kind(request_body):
            self.checked += 1
        if problems:
            kind = ack_kind(request_body)
            self.refused.append(Refusal(f"ack:{kind}", "invalid_ack", [str(p) for p in problems]))
        return problems

    def watch(self, app: ASGIApp) -> ASGIApp:
        """The bot's ASGI app, with each /slack/events answer checked by `check_ack`."""

        async def watched(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http" or scope.get("path") != "/slack/events":
                await app(scope, receive, send)
                return
            sent: list[bytes] = []
            received: list[bytes] = []

            async def listen() -> Any:
                message = await receive()
                if message.get("type") == "http.request":
                    received.append(message.get("body", b""))
                return message

            async def keep(message: dict[str, Any]) -> None:
                if message.get("type") == "http.response.body":
                    sent.append(message.get("body", b""))
                await send(message)

            await app(scope, listen, keep)
            self.check_ack(b"".join(received), b"".join(sent))

        return watched
