"""Prometheus metrics, one registry per bot (so several bots in one test process do not mix):
the counters and gauges, and their exposition. Slack's retry handlers (which feed
`on_slack_rate_limited`) live in bot/slack/retry.py."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

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
        self.refused = Counter(
            "bookeo_bot_http_refused",
            "Requests refused before any route read them (too large, too slow, unsigned)",
            ["status"],
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

    def watch_scheduler(self, scheduler: Leading) -> None:
        """1 on the replica that runs the timed jobs (holds the scheduler lock), else 0."""
        gauge = Gauge(
            "bookeo_bot_scheduler_leader",
            "Whether this replica runs the timed jobs",
            registry=self.registry,
        )
        gauge.set_function(lambda: 1.0 if scheduler.leading else 0.0)

    def watch_backlog(self, inbox: HasBacklog) -> None:
        """Report the inbox backlog at scrape time, from `inbox.backlog` (a cached snapshot)."""
        self.registry.register(_Backlog(inbox))

    def on_slack_rate_limited(self, _method: str, _args: dict[str, Any], _seconds: float) -> None:
        """A `RateLimitListener` (bot/slack/retry.py): counts Slack's 429s."""
        self.slack_rate_limited.inc()

    async def on_bookeo_response(self, response: httpx.Response) -> None:
        self.bookeo_calls.labels(endpoint_of(response.request), str(response.status_code)).inc()

    def on_refused(self, status: int) -> None:
        self.refused.labels(str(status)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class Leading(Protocol):
    @property
    def leading(self) -> bool: ...


class HasBacklog(Protocol):
    @property
    def backlog(self) -> dict[str, int]: ...


class _Backlog(Collector):
    def __init__(self, inbox: HasBacklog) -> None:
        self._inbox = inbox

    def collect(self) -> Any:
        gauge = GaugeMetricFamily(
            "bookeo_bot_inbox", "Webhook deliveries in the inbox, by state", labels=["state"]
        )
        for state, count in sorted(self._inbox.backlog.items()):
            gauge.add_metric([state], count)
        yield gauge


Hook = Callable[[httpx.Response], Awaitable[None]]
__all__ = ["Gauge", "HasBacklog", "Hook", "Leading", "Metrics", "endpoint_of"]
