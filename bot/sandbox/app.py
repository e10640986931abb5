"""The sandbox over HTTP: Bookeo's `/v2` routes, and `/_sandbox` for the back office.

`Sandbox` is the whole emulator (state + webhook sender + fault injection + ASGI app). Use
it in-process through `sandbox.transport()` (httpx, no socket) or serve `sandbox.app` with
uvicorn (`bookeo-bot sandbox`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .availability import matching_slots
from .backoffice import backoffice_routes
from .errors import ApiError, bad_request
from .faults import Faults
from .paging import PageStore, page_size
from .parsing import parse_day, parse_time
from .records import BookingRecord
from .render import BACK_OFFICE_AGENT, Json
from .seed import build_state
from .state import API_AGENT, BusinessState
from .webhooks import WebhookSender, epoch_ms

Endpoint = Callable[[Request], Awaitable[Response]]
MAX_WINDOW = timedelta(days=31)
DEFAULT_API_KEY = "sandbox-api-key"
DEFAULT_SECRET_KEY = "sandbox-secret-key"  # noqa: S105 - the public default of a local emulator
_NO_CACHE = {
    "Cache-Control": "private, max-age=0, no-cache, no-store",
    "Pragma": "no-cache",
    "Content-Language": "en-US",
}


class Sandbox:
    """A stateful Bookeo emulator for one made-up account."""

    def __init__(
        self,
        *,
        seed: int = 1,
        api_key: str = DEFAULT_API_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        timezone: str = "UTC",
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
        faults: Faults | None = None,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        webhook_retry_delay: float = 1.0,
        webhook_block_after: int = 5,
        allow_http_webhooks: bool = False,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.api_key = api_key
        self.secret_key = secret_key
        self.tz = ZoneInfo(timezone)
        self._now = now or (lambda: datetime.now(UTC))
        self.faults = faults or Faults()
        self.allow_http_webhooks = allow_http_webhooks
        self._sleep = sleep
        self._rng = random.Random(seed)
        day = today or self._now().astimezone(self.tz).date()
        self.state: BusinessState = build_state(seed=seed, today=day, tz=self.tz, now=self._now)
        self.pages = PageStore()
        self.calls: Counter[str] = Counter()
        self._recent: deque[float] = deque()
        self.sender = WebhookSender(
            state=self.state,
            secret_key=secret_key,
            faults=self.faults,
            transport=webhook_transport,
            retry_delay=webhook_retry_delay,
            block_after=webhook_block_after,
            sleep=sleep,
            now_ms=lambda: epoch_ms(self._now()),
            rng=random.Random(seed + 1),
        )
        self.state.subscribe(self.sender.notify)
        self.app = Starlette(routes=self._routes(), lifespan=self._lifespan)

    def transport(self) -> httpx.ASGITransport:
        """An in-process httpx transport to this sandbox (no socket)."""
        return httpx.ASGITransport(app=self.app)

    async def drain_webhooks(self) -> None:
        await self.sender.drain()

    async def aclose(self) -> None:
        await self.sender.aclose()

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        await self.aclose()

    # -- plumbing ---------------------------------------------------------------------------

    def _api(self, name: str, handler: Endpoint) -> Endpoint:
        """Wrap a `/v2` endpoint: count it, inject faults, check the keys, render errors."""

        async def endpoint(request: Request) -> Response:
            self.calls[name] += 1
            try:
                await self._inject_faults(request.method)
                self._authenticate(request)
                return await handler(request)
            except ApiError as error:
                return _error(error)

        return endpoint

    def _authenticate(self, request: Request) -> None:
        api_key = request.headers.get("X-Bookeo-apiKey") or request.query_params.get("apiKey")
        secret = request.headers.get("X-Bookeo-secretKey") or request.query_params.get("secretKey")
        if api_key != self.api_key or secret != self.secret_key:
            raise ApiError(403, "Invalid apiKey or secretKey")

    async def _inject_faults(self, method: str) -> None:
        faults = self.faults
        if faults.only_writes and method not in ("POST", "PUT", "DELETE"):
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

    def _location(self, request: Request, path: str) -> dict[str, str]:
        return {"Location": f"{str(request.base_url).rstrip('/')}/v2/{path}"}

    def _list(self, request: Request, items: Callable[[], list[Json]], maximum: int) -> Response:
        """A paged list: a token means "another page of an earlier list"."""
        token = request.query_params.get("pageNavigationToken")
        if token:
            return _json(self.pages.page(token, _int(request, "pageNumber", 1)))
        size = page_size(request.query_params.get("itemsPerPage"), maximum)
        envelope, _ = self.pages.first_page(items(), size)
        return _json(envelope)

    def _window(self, request: Request, lo: str, hi: str) -> tuple[datetime, datetime] | None:
        start, end = request.query_params.get(lo), request.query_params.get(hi)
        if start is None and end is None:
            return None
        if start is None or end is None:
            raise bad_request(f"{lo} and {hi} must be given together")
        a, b = parse_time(start, self.tz, lo), parse_time(end, self.tz, hi)
        if b < a:
            raise bad_request(f"{hi} is before {lo}")
        if b - a > MAX_WINDOW:
            raise bad_request(f"The {lo}/{hi} window may span at most 31 days")
        return a, b

    # -- routes -----------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        api = [
            ("/bookings", ["GET"], self.list_bookings),
            ("/bookings", ["POST"], self.create_booking),
            ("/bookings/{number}", ["GET"], self.get_booking),
            ("/bookings/{number}", ["PUT"], self.update_booking),
            ("/bookings/{number}", ["DELETE"], self.cancel_booking),
            ("/bookings/{number}/customer", ["GET"], self.booking_customer),
            ("/bookings/{number}/payments", ["GET"], self.booking_payments),
            ("/bookings/{number}/payments", ["POST"], self.add_payment),
            ("/customers", ["GET"], self.list_customers),
            ("/customers", ["POST"], self.create_customer),
            ("/customers/{id}", ["GET"], self.get_customer),
            ("/customers/{id}", ["PUT"], self.update_customer),
            ("/customers/{id}", ["DELETE"], self.delete_customer),
            ("/customers/{id}/bookings", ["GET"], self.customer_bookings),
            ("/payments", ["GET"], self.list_payments),
            ("/payments/{id}", ["GET"], self.get_payment),
            ("/availability/slots", ["GET"], self.slots),
            ("/availability/matchingslots", ["POST"], self.matching_slots),
            ("/availability/matchingslots/{token}", ["GET"], self.matching_slots_page),
            ("/holds", ["POST"], self.create_hold),
            ("/holds/{id}", ["GET"], self.get_hold),
            ("/holds/{id}", ["DELETE"], self.delete_hold),
            ("/settings/products", ["GET"], self.products),
            ("/settings/business", ["GET"], self.business),
            ("/settings/apikeyinfo", ["GET"], self.api_key_info),
            ("/settings/peoplecategories", ["GET"], self.people_categories),
            ("/webhooks", ["GET"], self.list_webhooks),
            ("/webhooks", ["POST"], self.create_webhook),
            ("/webhooks/{id}", ["GET"], self.get_webhook),
            ("/webhooks/{id}", ["DELETE"], self.delete_webhook),
        ]
        routes = [
            Route(f"/v2{path}", self._api(f"{methods[0]} {path}", handler), methods=methods)
            for path, methods, handler in api
        ]
        return routes + backoffice_routes(self)

    # bookings

    async def list_bookings(self, request: Request) -> Response:
        by_start = self._window(request, "startTime", "endTime")
        by_update = self._window(request, "lastUpdatedStartTime", "lastUpdatedEndTime")
        if not request.query_params.get("pageNavigationToken") and not (by_start or by_update):
            raise bad_request("Give startTime/endTime or lastUpdatedStartTime/lastUpdatedEndTime")
        product_id = request.query_params.get("productId")
        include_canceled = _bool(request, "includeCanceled")
        expand_customer = _bool(request, "expandCustomer")
        expand_participants = _bool(request, "expandParticipants")

        def items() -> list[Json]:
            found: list[BookingRecord] = []
            for b in self.state.bookings.values():
                if b.canceled and not include_canceled:
                    continue
                if product_id and b.product_id != product_id:
                    continue
                if by_start and not by_start[0] <= b.start <= by_start[1]:
                    continue
                if by_update and not by_update[0] <= b.updated_at <= by_update[1]:
                    continue
                found.append(b)
            found.sort(key=lambda b: (b.start, int(b.number)))
            return [
                self.state.booking_json(
                    b, expand_customer=expand_customer, expand_participants=expand_participants
                )
                for b in found
            ]

        return self._list(request, items, 100)

    async def create_booking(self, request: Request) -> Response:
        body = await _body(request)
        booking = self.state.create_booking(
            body,
            agent=API_AGENT,
            backend=request.query_params.get("mode") == "backend",
            previous_hold_id=request.query_params.get("previousHoldId"),
        )
        return _json(
            self.state.booking_json(booking),
            201,
            self._location(request, f"bookings/{booking.number}"),
        )

    async def get_booking(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])
        return _json(
            self.state.booking_json(
                booking,
                expand_customer=_bool(request, "expandCustomer"),
                expand_participants=_bool(request, "expandParticipants"),
            )
        )

    async def update_booking(self, request: Request) -> Response:
        body = await _body(request)
        booking = self.state.update_booking(
            request.path_params["number"],
            body,
            agent=API_AGENT,
            backend=request.query_params.get("mode") == "backend",
        )
        return _json(self.state.booking_json(booking))

    async def cancel_booking(self, request: Request) -> Response:
        self.state.cancel_booking(
            request.path_params["number"],
            agent=API_AGENT,
            reason=request.query_params.get("reason"),
        )
        return Response(status_code=204, headers=_NO_CACHE)

    async def booking_customer(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])
        return _json(self.state.customer_json(self.state.get_customer(booking.customer_id)))

    async def booking_payments(self, request: Request) -> Response:
        booking = self.state.get_booking(request.path_params["number"])

        def items() -> list[Json]:
            found = [p for p in self.state.payments.values() if p.booking_number == booking.number]
            found.sort(key=lambda p: (p.received_time, p.id))
            return [self.state.payment_json(p) for p in found]

        return self._list(request, items, 100)

    async def add_payment(self, request: Request) -> Response:
        body = await _body(request)
        payment = self.state.add_payment(request.path_params["number"], body, agent=API_AGENT)
        return _json(
            self.state.payment_json(payment), 201, self._location(request, f"payments/{payment.id}")
        )

    # customers

    async def list_customers(self, request: Request) -> Response:
        field = request.query_params.get("searchField", "name")
        if field not in ("name", "firstName", "lastName", "emailAddress"):
            raise bad_request("searchField must be name, firstName, lastName or emailAddress")
        text = request.query_params.get("searchText")
        since_raw = request.query_params.get("createdSince")
        since = parse_time(since_raw, self.tz, "createdSince") if since_raw else None

        def items() -> list[Json]:
            found = self.state.search_customers(text, field)
            if since is not None:
                found = [c for c in found if c.creation_time >= since]
            return [self.state.customer_json(c) for c in found]

        return self._list(request, items, 100)

    async def create_customer(self, request: Request) -> Response:
        customer = self.state.create_customer(await _body(request))
        return _json(
            self.state.customer_json(customer),
            201,
            self._location(request, f"customers/{customer.id}"),
        )

    async def get_customer(self, request: Request) -> Response:
        return _json(self.state.customer_json(self.state.get_customer(request.path_params["id"])))

    async def update_customer(self, request: Request) -> Response:
        customer = self.state.update_customer(request.path_params["id"], await _body(request))
        return _json(self.state.customer_json(customer))

    async def delete_customer(self, request: Request) -> Response:
        self.state.delete_customer(request.path_params["id"])
        return Response(status_code=204, headers=_NO_CACHE)

    async def customer_bookings(self, request: Request) -> Response:
        customer = self.state.get_customer(request.path_params["id"])
        begin_raw = request.query_params.get("beginDate")
        end_raw = request.query_params.get("endDate")
        begin = parse_day(begin_raw, self.tz, "beginDate", end=False) if begin_raw else None
        end = parse_day(end_raw, self.tz, "endDate", end=True) if end_raw else None
        expand = _bool(request, "expandParticipants")

        def items() -> list[Json]:
            found = [
                b
                for b in self.state.bookings.values()
                if b.customer_id == customer.id
                and (begin is None or b.start >= begin)
                and (end is None or b.start <= end)
            ]
            found.sort(key=lambda b: (b.start, int(b.number)))
            return [self.state.booking_json(b, expand_participants=expand) for b in found]

        return self._list(request, items, 100)

    # payments

    async def list_payments(self, request: Request) -> Response:
        window = self._window(request, "startTime", "endTime")
        method = request.query_params.get("paymentMethod")

        def items() -> list[Json]:
            found = [
                p
                for p in self.state.payments.values()
                if (window is None or window[0] <= p.received_time <= window[1])
                and (method is None or p.method == method)
            ]
            found.sort(key=lambda p: (p.received_time, p.id))
            return [self.state.payment_json(p) for p in found]

        return self._list(request, items, 300)

    async def get_payment(self, request: Request) -> Response:
        payment = self.state.payments.get(request.path_params["id"])
        if payment is None:
            raise ApiError(404, "Payment not found")
        return _json(self.state.payment_json(payment))

    # availability

    async def slots(self, request: Request) -> Response:
        token = request.query_params.get("pageNavigationToken")
        window = self._window(request, "startTime", "endTime")
        if window is None and not token:
            raise bad_request("startTime and endTime are required")
        product_id = request.query_params.get("productId")
        if product_id is not None:
            product = self.state.products.get(product_id)
            if product is None:
                raise bad_request(f"Unknown productId {product_id!r}")
            if product.type == "flexibleTime":
                raise bad_request("Use /availability/matchingslots for flexibleTime products")

        def items() -> list[Json]:
            assert window is not None
            found = [
                e
                for e in self.state.events.values()
                if (product_id is None or e.product_id == product_id)
                and window[0] <= e.start <= window[1]
            ]
            found.sort(key=lambda e: (e.start, e.event_id))
            return [self.state.slot_json(e) for e in found]

        return self._list(request, items, 300)

    async def matching_slots(self, request: Request) -> Response:
        body = await _body(request)
        results = matching_slots(self.state, body)
        size = page_size(request.query_params.get("itemsPerPage"), 300)
        envelope, token = self.pages.first_page(results, size)
        # The Location names the result set, also when it fits on one page.
        token = token or "single-page"
        return _json(envelope, 201, self._location(request, f"availability/matchingslots/{token}"))

    async def matching_slots_page(self, request: Request) -> Response:
        return _json(self.pages.page(request.path_params["token"], _int(request, "pageNumber", 1)))

    # holds

    async def create_hold(self, request: Request) -> Response:
        seconds = _int(request, "holdDurationSeconds", 300)
        if not 1 <= seconds <= 600:
            raise bad_request("holdDurationSeconds must be between 1 and 600")
        hold = self.state.create_hold(
            await _body(request),
            seconds=seconds,
            previous_hold_id=request.query_params.get("previousHoldId"),
        )
        return _json(self.state.hold_json(hold), 201, self._location(request, f"holds/{hold.id}"))

    async def get_hold(self, request: Request) -> Response:
        return _json(self.state.hold_json(self.state.get_hold(request.path_params["id"])))

    async def delete_hold(self, request: Request) -> Response:
        self.state.delete_hold(request.path_params["id"])
        return Response(status_code=204, headers=_NO_CACHE)

    # settings

    async def products(self, request: Request) -> Response:
        kind = request.query_params.get("type")
        if kind is not None and kind not in ("fixed", "fixedCourse", "flexibleTime"):
            raise bad_request("type must be fixed, fixedCourse or flexibleTime")

        def items() -> list[Json]:
            return [
                p.to_json(self.state.currency)
                for p in self.state.products.values()
                if kind is None or p.type == kind
            ]

        return self._list(request, items, 100)

    async def business(self, request: Request) -> Response:
        return _json(self.state.business_json())

    async def api_key_info(self, request: Request) -> Response:
        return _json(
            {
                "accountId": self.state.account_id,
                "permissions": [
                    "bookings_rw_all",
                    "customers_rw_all",
                    "availability_r",
                    "payments_rw_all",
                    "settings_r",
                ],
                "creationTime": self.state.local(self.state.created),
            }
        )

    async def people_categories(self, request: Request) -> Response:
        return _json(
            {
                "categories": [
                    {"id": c.id, "name": c.name, "numSeats": c.num_seats}
                    for c in self.state.categories.values()
                ]
            }
        )

    # webhooks

    async def list_webhooks(self, request: Request) -> Response:
        hooks = [self.state.webhook_json(w) for w in self.state.webhooks.values()]
        return _json(
            {"info": {"totalItems": len(hooks), "totalPages": 1, "currentPage": 1}, "data": hooks}
        )

    async def create_webhook(self, request: Request) -> Response:
        webhook = self.state.register_webhook(
            await _body(request), allow_http=self.allow_http_webhooks
        )
        return _json(
            self.state.webhook_json(webhook), 201, self._location(request, f"webhooks/{webhook.id}")
        )

    async def get_webhook(self, request: Request) -> Response:
        return _json(self.state.webhook_json(self.state.get_webhook(request.path_params["id"])))

    async def delete_webhook(self, request: Request) -> Response:
        self.state.delete_webhook(request.path_params["id"])
        return Response(status_code=204, headers=_NO_CACHE)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers={**_NO_CACHE, **(headers or {})})


def _error(error: ApiError) -> Response:
    return JSONResponse(
        error.body(), status_code=error.status, headers={**_NO_CACHE, **error.headers}
    )


async def _body(request: Request) -> Json:
    try:
        data = await request.json()
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object")
    return data


def _bool(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false")
    return value == "true"


def _int(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be a whole number") from None


__all__ = ["BACK_OFFICE_AGENT", "DEFAULT_API_KEY", "DEFAULT_SECRET_KEY", "Sandbox"]
