"""The sandbox's webhook sender: signed deliveries exactly as API.md §6.2–6.3 describes.

One ordered queue per registered webhook. Each delivery is a real HTTP POST with a 5 s
timeout, retried (same message id, fresh timestamp and signature) up to `attempts` times;
a delivery that never succeeds counts as a failure, and after `block_after` consecutive
failures the webhook is blocked (`blockedTime`) and receives nothing more — as Bookeo does.
The delivery after a lost one (failed, or dropped by fault injection) carries
`X-Bookeo-PreviousMessageLost: true`.

The body is `{"itemId", "item", "timestamp"}`; its `timestamp` is the time of the change as an
RFC 3339 date-time in the account's offset (the header's is the send time in Unix ms). Which
one real Bookeo puts in the body is unconfirmed (API.md §6.2), and the bot reads neither.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.bookeo.webhooks import compute_signature

from .faults import Faults
from .records import WebhookRecord
from .state import BusinessState

log = logging.getLogger("bot.sandbox.webhooks")


@dataclass(frozen=True)
class DeliveryRecord:
    """What the sender did, for tests and the admin route."""

    webhook_id: str
    message_id: str
    item_id: str
    outcome: str  # delivered | failed | dropped | blocked
    attempts: int
    previous_message_lost: bool


class WebhookSender:
    def __init__(
        self,
        *,
        state: BusinessState,
        secret_key: str,
        faults: Faults,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        retry_delay: float = 1.0,
        block_after: int = 5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now_ms: Callable[[], int],
        rng: random.Random | None = None,
    ) -> None:
        self._state = state
        self._secret_key = secret_key
        self._faults = faults
        self._timeout = timeout
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._retired: list[httpx.AsyncClient] = []
        self._attempts = attempts
        self._retry_delay = retry_delay
        self._block_after = block_after
        self._sleep = sleep
        self._now_ms = now_ms
        self._rng = rng or random.Random()
        self._queues: dict[str, asyncio.Queue[tuple[str, dict[str, Any] | None, str]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.log: list[DeliveryRecord] = []

    def set_transport(self, transport: httpx.AsyncBaseTransport) -> None:
        """Send later deliveries through `transport` (e.g. straight into an in-process bot)."""
        self._retired.append(self._http)
        self._http = httpx.AsyncClient(transport=transport, timeout=self._timeout)

    def notify(self, domain: str, type: str, item_id: str, item: dict[str, Any] | None) -> None:
        """Queue a delivery to the webhook registered for (domain, type), if any."""
        for webhook in list(self._state.webhooks.values()):
            if (webhook.domain, webhook.type) != (domain, type):
                continue
            queue = self._queues.get(webhook.id)
            if queue is None:
                queue = self._queues[webhook.id] = asyncio.Queue()
                self._workers[webhook.id] = asyncio.get_running_loop().create_task(
                    self._work(webhook.id, queue), name=f"sandbox-webhook-{webhook.id}"
                )
            queue.put_nowait((item_id, item, self._state.local(self._state.now())))

    async def drain(self) -> None:
        """Wait until every queued delivery has been attempted."""
        for queue in list(self._queues.values()):
            await queue.join()

    async def aclose(self) -> None:
        for task in self._workers.values():
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        for client in [*self._retired, self._http]:
            await client.aclose()

    async def _work(self, webhook_id: str, queue: asyncio.Queue[Any]) -> None:
        while True:
            item_id, item, happened = await queue.get()
            try:
                webhook = self._state.webhooks.get(webhook_id)
                if webhook is not None:
                    await self._deliver(webhook, item_id, item, happened)
            except Exception:  # a sender bug must not stop later deliveries
                log.exception("webhook delivery crashed")
            finally:
                queue.task_done()

    async def _deliver(
        self, webhook: WebhookRecord, item_id: str, item: dict[str, Any] | None, happened: str
    ) -> None:
        message_id = str(uuid.uuid4())
        lost_before = webhook.lost
        if webhook.blocked_time is not None:
            self._record(webhook, message_id, item_id, "blocked", 0, lost_before)
            return
        if self._faults.take_drop(self._rng):
            webhook.lost = True
            self._record(webhook, message_id, item_id, "dropped", 0, lost_before)
            return
        for attempt in range(1, self._attempts + 1):
            if await self._post(webhook, message_id, item_id, item, happened, lost_before):
                webhook.consecutive_failures = 0
                webhook.lost = False
                self._record(webhook, message_id, item_id, "delivered", attempt, lost_before)
                return
            if attempt < self._attempts:
                await self._sleep(self._retry_delay * attempt)
        webhook.lost = True
        webhook.consecutive_failures += 1
        if webhook.consecutive_failures >= self._block_after:
            webhook.blocked_time = self._state.now()
            webhook.blocked_reason = f"{webhook.consecutive_failures} consecutive deliveries failed"
        self._record(webhook, message_id, item_id, "failed", self._attempts, lost_before)

    async def _post(
        self,
        webhook: WebhookRecord,
        message_id: str,
        item_id: str,
        item: dict[str, Any] | None,
        happened: str,
        previous_lost: bool,
    ) -> bool:
        timestamp = str(self._now_ms())
        body: dict[str, Any] = {"itemId": item_id, "timestamp": happened}
        if item is not None:
            body["item"] = item
        raw = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Bookeo-MessageId": message_id,
            "X-Bookeo-Timestamp": timestamp,
            "X-Bookeo-Signature": compute_signature(
                self._secret_key,
                timestamp_ms=timestamp,
                message_id=message_id,
                url=webhook.url,
                body=raw,
            ),
        }
        if previous_lost:
            headers["X-Bookeo-PreviousMessageLost"] = "true"
        try:
            response = await self._http.post(webhook.url, content=raw, headers=headers)
        except httpx.HTTPError as exc:
            log.info("webhook %s → %s failed: %s", webhook.id, webhook.url, type(exc).__name__)
            return False
        return response.is_success

    def _record(
        self,
        webhook: WebhookRecord,
        message_id: str,
        item_id: str,
        outcome: str,
        attempts: int,
        lost: bool,
    ) -> None:
        self.log.append(DeliveryRecord(webhook.id, message_id, item_id, outcome, attempts, lost))


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
