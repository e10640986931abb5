"""A stand-in for Slack's Web API, on loopback inside the shell process.

slack_sdk reaches it through `SLACK_API_URL`, as it would reach Slack; it answers like Slack
and hands each call to the shell, which shows it.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from aiohttp import web

from bot.shell.slack_rules import Problem, ack_problems, message_problems, refusal

Listener = Callable[[str, dict[str, Any]], None]
log = logging.getLogger(__name__)


def decode_value(value: Any) -> Any:
    """A form field that holds JSON (Slack clients send views and blocks that way)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_args(request: web.Request) -> dict[str, Any]:
    """A Web API call's arguments: a JSON body, a form body, or (for GET) the query string."""
    if request.method == "POST":
        raw = await request.text()
        if request.content_type == "application/json":
            data: dict[str, Any] = json.loads(raw or "{}")
            return data
    else:
        raw = request.query_string
    return {k: decode_value(v) for k, v in parse_qsl(raw, keep_blank_values=True)}


class SlackStub:
    """Slack's Web API on loopback, answering as Slack does; each call goes to `listener`.

    The tests' fake (tests/fakes/slack_api.py) builds on it: same server, same answers, plus
    recording, staged failures and a message history. Both refuse what Slack refuses
    (bot/shell/slack_rules.py): a call with `ok: false` and Slack's error, a response_url post
    with HTTP 400 and the error as text.
    """

    def __init__(
        self,
        listener: Listener = lambda _method, _args: None,
        *,
        team_id: str = "TSHELL",
        team_name: str = "Shell",
    ) -> None:
        self._listener = listener
        self._team = {"team_id": team_id, "team": team_name}
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.root = ""

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, token: str) -> str:
        return f"{self.root}/respond/{token}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk GETs some methods
        app.router.add_post("/respond/{token}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.root = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def refuse(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's `ok: false` answer when it would refuse this call (too many blocks, a text
        too long…), else None."""
        refused = refusal(method, args)
        if refused is not None:
            log.warning("Slack would refuse %s: %s", method, "; ".join(refused["errors"]))
        return refused

    def refuse_response(self, payload: dict[str, Any]) -> list[Problem]:
        """Why Slack would refuse this response_url post (empty when it accepts it)."""
        problems = message_problems(payload)
        if problems:
            log.warning("Slack would refuse a response_url post: %s", "; ".join(map(str, problems)))
        return problems

    def check_ack(self, request_body: bytes, answer: bytes) -> list[Problem]:
        """Why Slack would refuse the bot's HTTP answer (its ack) to this request: a message
        body for a command or button, `response_action` for a view, options for a search."""
        kind = ack_kind(request_body)
        if kind is None or not answer.strip():
            return []
        try:
            body = json.loads(answer)
        except ValueError:
            body = {"text": answer.decode(errors="replace")}
        submitted = None
        if kind == "view_submission":
            payload = json.loads(parse_qs(request_body.decode(errors="replace"))["payload"][0])
            submitted = payload.get("view")
        problems = ack_problems(kind, body, submitted)
        if problems:
            log.warning("Slack would refuse an ack (%s): %s", kind, "; ".join(map(str, problems)))
        return problems

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """What Slack answers a successful call to `method` with, in the shape the bot reads."""
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", **self._team}
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "conversations.history":
            # A stand-in starts afresh each time: there is no history to recover.
            return {"ok": True, "messages": [], "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method.startswith("views."):
            view = dict(decode_value(args.get("view")) or {})
            view["id"] = args.get("view_id") or f"V{next(self._views):04d}"
            view["hash"] = f"h{next(self._views)}"
            return {"ok": True, "view": view}
        return {"ok": True}

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await read_args(request)
        refused = self.refuse(method, args)
        if refused is not None:
            return web.json_response(refused)
        answer = self.answer(method, args)
        # The listener sees the call as it landed: a posted message with its ts, a view with its id.
        if method in ("chat.postMessage", "chat.update"):
            args["ts"] = answer["ts"]
        if "view" in answer:
            args["view"] = answer["view"]
        self._listener(method, args)
        return web.json_response(answer)

    async def _respond(self, request: web.Request) -> web.Response:
        payload = json.loads(await request.text() or "{}")
        if self.refuse_response(payload):
            return web.Response(status=400, text=invalid_response(payload))
        self._listener(f"respond:{request.match_info['token']}", payload)
        return web.Response(text="ok")


def ack_kind(request_body: bytes) -> str | None:
    """What a request to /slack/events is: "command", an interaction payload's type, or None
    (an event, whose answer Slack does not read)."""
    form = parse_qs(request_body.decode(errors="replace"))
    if "payload" in form:
        try:
            return str(json.loads(form["payload"][0]).get("type"))
        except ValueError:
            return None
    return "command" if "command" in form else None


def invalid_response(payload: dict[str, Any]) -> str:
    """What Slack's response_url answers a post it refuses with (HTTP 400, plain text)."""
    text = payload.get("text")
    return "msg_too_long" if text is not None and len(str(text)) > 40_000 else "invalid_blocks"
