"""Prometheus metrics, one registry per bot (so several bots in one test process do not mix)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

_ID = re.compile(r"/(?:\d+|[A-Z0-9]{8,}[A-Za-z0-9_-]*|[A-Za-z0-9_-]{20,})(?=/|$)")


def endpoint_of(request: httpx.Request) -> str:
    """`GET /v2/bookings/1234` → `GET /bookings/{id}`: a label with few values."""
    path = request.url.path
    path = path.split("/v2", 1)[-1] if "/v2" in path else path
    return f"{request.method} {_ID.sub('/{id}', path)}"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "bookeo_bot_commands",
            "Slash commands handled",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "bookeo_bot_ack_seconds",
            "Time to answer Slack's HTTP request",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3),
            registry=self.registry,
        )
        self.bookeo_calls = Counter(
            "bookeo_bot_bookeo_calls",
            "Bookeo API calls",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.webhooks = Counter(
            "bookeo_bot_webhooks", "Webhook deliveries received", ["result"], registry=self.registry
        )
        self.delivery_seconds = Histogram(
            "bookeo_bot_delivery_seconds",
            "From a webhook's arrival to its change in Slack",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300),
            registry=self.registry,
        )
        self.slack_rate_limited = Counter(
            "bookeo_bot_slack_rate_limited",
            "429 answers from Slack's Web API",
            registry=self.registry,
        )

    def watch_scheduler(self, leading: Callable[[], bool]) -> None:
        """1 on the replica that runs the timed jobs (holds the scheduler lock), else 0."""
        gauge = Gauge(
            "bookeo_bot_scheduler_leader",
            "Whether this replica runs the timed jobs",
            registry=self.registry,
        )
        gauge.set_function(lambda: 1.0 if leading() else 0.0)

    def watch_backlog(self, read: Callable[[], dict[str, int]]) -> None:
        """Report the inbox backlog at scrape time, from `read()` (a cached snapshot)."""
        self.registry.register(_Backlog(read))

    async def on_bookeo_response(self, response: httpx.Response) -> None:
        self.bookeo_calls.labels(endpoint_of(response.request), str(response.status_code)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def rate_limit_handler(
        self, max_retry_count: int = 3, *, on_limited: RateLimitListener | None = None
    ) -> AsyncRetryHandler:
        """slack_sdk's 429 retry, counted, and told to `on_limited` (the channel pacer)."""
        counter = self.slack_rate_limited

        class Counting(AsyncRateLimitErrorRetryHandler):
            async def _can_retry_async(
                self, *, request: HttpRequest, response: HttpResponse | None = None, **_: Any
            ) -> bool:
                limited = response is not None and response.status_code == 429
                if limited and response is not None:
                    counter.inc()
                    if on_limited is not None:
                        on_limited(
                            request.url.rsplit("/", 1)[-1],
                            request.body_params or {},
                            _retry_after(response),
                        )
                return limited

        return Counting(max_retry_count=max_retry_count)


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                break
    return 1.0


class _Backlog(Collector):
    def __init__(self, read: Callable[[], dict[str, int]]) -> None:
        self._read = read

    def collect(self) -> Any:
        gauge = GaugeMetricFamily(
            "bookeo_bot_inbox", "Webhook deliveries in the inbox, by state", labels=["state"]
        )
        for state, count in sorted(self._read().items()):
            gauge.add_metric([state], count)
        yield gauge


Hook = Callable[[httpx.Response], Awaitable[None]]
# (Slack method, its arguments, seconds Slack asked to wait)
RateLimitListener = Callable[[str, dict[str, Any], float], None]
__all__ = ["Gauge", "Hook", "Metrics", "endpoint_of"]
