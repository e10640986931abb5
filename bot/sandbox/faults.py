"""Fault injection: what the sandbox does wrong on purpose, switchable while it runs."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

RetryAfterForm = Literal["both", "header", "body"]


@dataclass
class Faults:
    """Applied to every `/v2` request (and, for the webhook ones, to every delivery)."""

    # Only POST / PUT / DELETE suffer the faults below (a write failing after its reads worked).
    only_writes: bool = False
    latency_ms: int = 0
    # Random 5xx answers, as a fraction of requests (0..1), and a count of forced ones.
    error_rate: float = 0.0
    fail_next: int = 0
    error_status: int = 503
    # 429s: a steady limit in requests per second, or a count of forced ones.
    rate_limit_per_second: float | None = None
    throttle_next: int = 0
    retry_after_seconds: int = 1
    retry_after_form: RetryAfterForm = "both"
    # Webhook deliveries silently dropped (the next one then says PreviousMessageLost).
    drop_webhook_rate: float = 0.0
    drop_next_webhooks: int = 0

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update (from the admin route), refusing unknown or bad values."""
        known = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(known))}")
            if name == "only_writes" and not isinstance(value, bool):
                raise ValueError("only_writes must be true or false")
            if name == "retry_after_form" and value not in ("both", "header", "body"):
                raise ValueError("retry_after_form must be both, header or body")
            if name.endswith("_rate") and not (isinstance(value, int | float) and 0 <= value <= 1):
                raise ValueError(f"{name} must be a number from 0 to 1")
            if name in ("latency_ms", "fail_next", "throttle_next", "drop_next_webhooks") and (
                not isinstance(value, int) or value < 0
            ):
                raise ValueError(f"{name} must be a whole number >= 0")
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def take_drop(self, rng: random.Random) -> bool:
        if self.drop_next_webhooks > 0:
            self.drop_next_webhooks -= 1
            return True
        return self.drop_webhook_rate > 0 and rng.random() < self.drop_webhook_rate
