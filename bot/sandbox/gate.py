"""What every `/v2` call passes first: counted, slowed or refused by fault injection, keys
checked — and any `ApiError` on the way rendered as Bookeo's error answer."""

from __future__ import annotations

import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from .errors import ApiError
from .faults import Faults
from .http import Endpoint, error_response

_WRITES = ("POST", "PUT", "DELETE")


class Gate:
    def __init__(
        self,
        *,
        api_key: str,
        secret_key: str,
        faults: Faults,
        rng: random.Random,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.api_key = api_key
        self.secret_key = secret_key
        self.faults = faults
        self.calls: Counter[str] = Counter()
        self._rng = rng
        self._sleep = sleep
        self._recent: deque[float] = deque()  # when the calls of the last second came

    def guard(self, name: str, handler: Endpoint) -> Endpoint:
        """Wrap a `/v2` endpoint: count it, inject faults, check the keys, render errors."""

        async def endpoint(request: Request) -> Response:
            self.calls[name] += 1
            # The whole request is in before the delay, as with Bookeo: a client that hangs up
            # while waiting (a bot killed mid-create) does not undo a write it sent.
            await request.body()
            try:
                await self._inject_faults(request.method)
                self._authenticate(request)
                return await handler(request)
            except ApiError as error:
                return error_response(error)

        return endpoint

    def _authenticate(self, request: Request) -> None:
        api_key = request.headers.get("X-Bookeo-apiKey") or request.query_params.get("apiKey")
        secret = request.headers.get("X-Bookeo-secretKey") or request.query_params.get("secretKey")
        if api_key != self.api_key or secret != self.secret_key:
            raise ApiError(403, "Invalid apiKey or secretKey")

    async def _inject_faults(self, method: str) -> None:
        faults = self.faults
        if faults.only_writes and method not in _WRITES:
            return
        if faults.latency_ms:
            await self._sleep(faults.latency_ms / 1000)
        if faults.throttle_next > 0:
            faults.throttle_next -= 1
            raise self._throttled()
        if faults.rate_limit_per_second:
            now = time.monotonic()
            while self._recent and now - self._recent[0] > 1.0:
                self._recent.popleft()
            if len(self._recent) >= faults.rate_limit_per_second:
                raise self._throttled()
            self._recent.append(now)
        if faults.fail_next > 0:
            faults.fail_next -= 1
            raise ApiError(faults.error_status, "Internal error (injected by the sandbox)")
        if faults.error_rate and self._rng.random() < faults.error_rate:
            raise ApiError(faults.error_status, "Internal error (injected by the sandbox)")

    def _throttled(self) -> ApiError:
        seconds = self.faults.retry_after_seconds
        form = self.faults.retry_after_form
        headers = {"Retry-After": str(seconds)} if form in ("both", "header") else {}
        extra: dict[str, object] = {"retryAfter": seconds} if form in ("both", "body") else {}
        return ApiError(429, "Too many requests; slow down", headers=headers, extra=extra)
