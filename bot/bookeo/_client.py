"""`BookeoClient`: one `httpx.AsyncClient`, credentials, retries, a concurrency cap.

async with BookeoClient(api_key=..., secret_key=...) as bookeo:
    booking = await bookeo.bookings.get("1234")
    async for b in bookeo.bookings.list(start=..., end=...):
        ...
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from datetime import UTC, datetime
from functools import cached_property
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from ._pagination import Page
from ._retry import RetryPolicy
from .errors import (
    BookeoConnectionError,
    BookeoError,
    BookeoStatusError,
    BookeoTimeoutError,
    RateLimited,
    ResponseValidationError,
    status_error_class,
)
from .models import BookeoModel, PageInfo
from .resources import Availability, Bookings, Customers, Holds, Payments, Settings, Webhooks

DEFAULT_BASE_URL = "https://api.bookeo.com/v2"
log = logging.getLogger("bot.bookeo")

M = TypeVar("M", bound=BaseModel)
Method = Literal["GET", "POST", "PUT", "DELETE"]
Params = Mapping[str, str | int | bool | None]
Sleep = Callable[[float], Awaitable[None]]
_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})


class BookeoAuth(httpx.Auth):
    """Adds the two Bookeo credentials as headers (never as query parameters, which get logged)."""

    def __init__(self, api_key: str, secret_key: str) -> None:
        self._headers = {"X-Bookeo-apiKey": api_key, "X-Bookeo-secretKey": secret_key}

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self._headers)
        yield request

    def __repr__(self) -> str:
        return "BookeoAuth(***)"


class BookeoClient:
    """Async client of the Bookeo REST API v2. One per process; close it with `aclose()`."""

    def __init__(
        self,
        *,
        api_key: str,
        secret_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 8,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        lang: str | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        if not api_key or not secret_key:
            raise ValueError("BookeoClient needs both an api key and a secret key")
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._lang = lang
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            auth=BookeoAuth(api_key, secret_key),
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "bookeo-bot"},
            event_hooks=dict(event_hooks or {}),
        )

    def add_response_hook(self, hook: Callable[[httpx.Response], Awaitable[None]]) -> None:
        """Call `hook` with every response (metrics); it must not read the body."""
        self._http.event_hooks["response"].append(hook)

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"BookeoClient(base_url={str(self._http.base_url)!r})"

    # -- resources -------------------------------------------------------------------------

    @cached_property
    def bookings(self) -> Bookings:
        return Bookings(self)

    @cached_property
    def customers(self) -> Customers:
        return Customers(self)

    @cached_property
    def payments(self) -> Payments:
        return Payments(self)

    @cached_property
    def availability(self) -> Availability:
        return Availability(self)

    @cached_property
    def holds(self) -> Holds:
        return Holds(self)

    @cached_property
    def settings(self) -> Settings:
        return Settings(self)

    @cached_property
    def webhooks(self) -> Webhooks:
        return Webhooks(self)

    # -- the core --------------------------------------------------------------------------

    async def request(
        self,
        method: Method,
        path: str,
        *,
        params: Params | None = None,
        body: BookeoModel | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one logical request, retrying as `self.retry` allows; return the 2xx response.

        `idempotent` defaults from the method; pass True for a POST that is a pure search.
        """
        path = path.lstrip("/")
        if idempotent is None:
            idempotent = method in _IDEMPOTENT
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        if self._lang is not None:
            query.setdefault("lang", self._lang)
        content = None
        headers = {}
        if body is not None:
            content = json.dumps(body.to_json_dict()).encode()
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._send_once(method, path, query, content, headers)
            except BookeoError as error:
                delay = self.retry.decide(error, attempt=attempt, idempotent=idempotent)
                if delay is None:
                    raise
                log.info(
                    "bookeo %s %s failed (%s); retry %d in %.2fs",
                    method,
                    path,
                    type(error).__name__,
                    attempt,
                    delay,
                )
                await self._sleep(delay)

    async def _send_once(
        self,
        method: Method,
        path: str,
        query: dict[str, str],
        content: bytes | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        started = time.perf_counter()
        async with self._semaphore:
            try:
                response = await self._http.request(
                    method, path, params=query, content=content, headers=headers
                )
            except httpx.TimeoutException as exc:
                raise BookeoTimeoutError(
                    "Bookeo did not answer in time",
                    method=method,
                    path=path,
                    may_have_reached=not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout),
                ) from exc
            except httpx.TransportError as exc:
                raise BookeoConnectionError(
                    f"could not reach Bookeo ({type(exc).__name__})",
                    method=method,
                    path=path,
                    may_have_reached=not isinstance(exc, httpx.ConnectError),
                ) from exc
        log.debug(
            "bookeo %s %s → %d in %.0f ms",
            method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        if response.is_success:
            return response
        raise _status_error(response, method, path)

    # -- helpers for resources -------------------------------------------------------------

    async def get_model(self, path: str, model: type[M], *, params: Params | None = None) -> M:
        response = await self.request("GET", path, params=params)
        return self.parse(response, model)

    def parse(self, response: httpx.Response, model: type[M]) -> M:
        """Validate a JSON body into `model`, or raise `ResponseValidationError`."""
        method, path = response.request.method, response.request.url.path
        try:
            return model.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ResponseValidationError(method=method, path=path, detail=_short(exc)) from exc

    def parse_page(self, response: httpx.Response, item_model: type[M]) -> Page[M]:
        """A list envelope `{info, data}` into a `Page` (a missing `info` means one page)."""
        method, path = response.request.method, response.request.url.path
        try:
            payload = response.json()
            if not isinstance(payload, dict):
                raise ValueError("the body is not a JSON object")
            info = PageInfo.model_validate(payload.get("info") or {})
            items = TypeAdapter(list[item_model]).validate_python(  # type: ignore[valid-type]
                payload.get("data") or []
            )
        except (ValueError, ValidationError) as exc:
            raise ResponseValidationError(method=method, path=path, detail=_short(exc)) from exc
        return Page(items=items, info=info)

    async def get_page(self, path: str, item_model: type[M], params: Params) -> Page[M]:
        response = await self.request("GET", path, params=params)
        return self.parse_page(response, item_model)


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()
    return "; ".join(text[:3])[:300]


def _status_error(response: httpx.Response, method: str, path: str) -> BookeoStatusError:
    message = response.reason_phrase or "error"
    error_id = None
    body_retry_after: Any = None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        message = str(payload.get("message") or message)
        raw_id = payload.get("errorId") or payload.get("errorID") or payload.get("id")
        error_id = str(raw_id) if raw_id is not None else None
        body_retry_after = payload.get("retryAfter")
    common: dict[str, Any] = {
        "status_code": response.status_code,
        "method": method,
        "path": path,
        "message": message,
        "error_id": error_id,
        "response": response,
    }
    if response.status_code == 429:
        retry_after = _retry_after(response.headers.get("Retry-After"), body_retry_after)
        return RateLimited(retry_after=retry_after, **common)
    return status_error_class(response.status_code)(**common)


def _retry_after(header: str | None, body_value: Any) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or HTTP date) or a body field."""
    for candidate in (header, body_value):
        if candidate is None or isinstance(candidate, bool):
            continue
        try:
            seconds = float(candidate)
        except (TypeError, ValueError):
            if not isinstance(candidate, str):
                continue
            try:
                when = email.utils.parsedate_to_datetime(candidate)
            except (TypeError, ValueError):
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        if seconds == seconds:  # not NaN
            return max(seconds, 0.0)
    return None
