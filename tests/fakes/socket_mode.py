"""FakeSocketModeSlack: the fake Web API plus Slack's Socket Mode, on loopback.

Socket Mode as Slack runs it: the app calls `apps.connections.open` with its app-level token
(xapp-…) and gets a WebSocket URL; on connecting it receives `hello`; then each slash
command, interaction and event arrives as an envelope `{envelope_id, type, payload,
accepts_response_payload}`, and the app acks by sending back `{envelope_id, payload?}` (the
payload is what an HTTP answer's body would be). The tests send envelopes with `send` and
get the app's ack back.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.fakes.slack_api import FakeSlackAPI

APP_TOKEN = "xapp-1-A1-test"


class FakeSocketModeSlack(FakeSlackAPI):
    def __init__(self, app_token: str = APP_TOKEN) -> None:
        super().__init__()
        self.app_token = app_token
        self.connections_opened = 0  # successful apps.connections.open calls
        self.refused: list[str] = []  # errors apps.connections.open answered
        self.wss_url = ""
        self._ws_runner: web.AppRunner | None = None
        self._socket: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def start(self) -> None:
        await super().start()
        app = web.Application()
        app.router.add_get("/link", self._link)
        self._ws_runner = web.AppRunner(app, access_log=None)
        await self._ws_runner.setup()
        site = web.TCPSite(self._ws_runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.wss_url = f"ws://127.0.0.1:{port}/link"

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._ws_runner is not None:
            await self._ws_runner.cleanup()
        await super().stop()

    async def connected(self, within: float = 30.0) -> None:
        """Wait until the app has connected and been greeted."""
        try:
            await asyncio.wait_for(self._connected.wait(), within)
        except TimeoutError:
            raise AssertionError(
                f"no Socket Mode connection within {within} s "
                f"(apps.connections.open refused: {self.refused})"
            ) from None

    async def send(
        self, type: str, payload: dict[str, Any], *, within: float = 5.0
    ) -> dict[str, Any]:
        """Send one envelope; return the app's ack (`{"envelope_id", "payload"?}`)."""
        await self.connected()
        assert self._socket is not None
        envelope_id = str(uuid.uuid4())
        answered = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = answered
        await self._socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": type,
                "payload": payload,
                "accepts_response_payload": type != "events_api",
                **({"retry_attempt": 0, "retry_reason": ""} if type == "events_api" else {}),
            }
        )
        try:
            return await asyncio.wait_for(answered, within)
        except TimeoutError:
            raise AssertionError(f"{type} envelope not acked within {within} s") from None
        finally:
            self._acks.pop(envelope_id, None)

    async def slash_command(self, form_body: str) -> dict[str, Any]:
        """A slash command, from the form body Slack would POST over HTTP."""
        return await self.send("slash_commands", dict(parse_qsl(form_body)))

    async def interaction(self, form_body: str) -> dict[str, Any]:
        """An interaction (button, view submission), from its HTTP form body."""
        payload = json.loads(dict(parse_qsl(form_body))["payload"])
        return await self.send("interactive", payload)

    async def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """An Events API event, wrapped in its event_callback as Slack sends it."""
        return await self.send(
            "events_api",
            {
                "token": "x",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:8]}",
                "event_time": 1,
                "event": event,
            },
        )

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "apps.connections.open":
            return await super()._api(request)
        auth = request.headers.get("Authorization", "")
        if auth == f"Bearer {self.app_token}":
            self.connections_opened += 1
            return web.json_response({"ok": True, "url": self.wss_url})
        # Slack refuses a bot token here, and any token it does not know.
        error = "not_allowed_token_type" if auth.startswith("Bearer xoxb-") else "invalid_auth"
        self.refused.append(error)
        return web.json_response({"ok": False, "error": error})

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()  # answers the client's pings itself
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake-applink"},
                "connection_info": {"app_id": "A1"},
            }
        )
        self._connected.set()
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            ack = json.loads(message.data)
            answered = self._acks.get(str(ack.get("envelope_id")))
            if answered is not None and not answered.done():
                answered.set_result(ack)
        return socket
