"""A webhook receiver for sandbox tests: records deliveries, answers with a scripted status."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Delivery:
    url: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver(httpx.AsyncBaseTransport):
    """An httpx transport standing in for the bot's webhook endpoint (no socket)."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.script: deque[int | type[Exception]] = deque()

    def fail_next(self, *answers: int | type[Exception]) -> None:
        """Answer the next requests with these statuses (or raise these httpx errors)."""
        self.script.extend(answers)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.deliveries.append(Delivery(str(request.url), dict(request.headers), body))
        answer = self.script.popleft() if self.script else 200
        if isinstance(answer, type):
            raise answer("scripted failure")
        return httpx.Response(answer, json={"ok": answer < 300})
