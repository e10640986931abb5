"""Bookeo's `/v2` routes of the sandbox, one module per resource, each behind the gate."""

from __future__ import annotations

from starlette.routing import Route

from bot.sandbox.gate import Gate
from bot.sandbox.http import Row
from bot.sandbox.paging import PageStore
from bot.sandbox.state import BusinessState

from .availability import AvailabilityRoutes
from .bookings import BookingRoutes
from .customers import CustomerRoutes
from .holds import HoldRoutes
from .payments import PaymentRoutes
from .settings import SettingsRoutes
from .webhooks import WebhookRoutes


def api_routes(
    state: BusinessState, *, pages: PageStore, gate: Gate, allow_http_webhooks: bool
) -> list[Route]:
    rows: list[Row] = [
        *BookingRoutes(state, pages).rows(),
        *CustomerRoutes(state, pages).rows(),
        *PaymentRoutes(state, pages).rows(),
        *AvailabilityRoutes(state, pages).rows(),
        *HoldRoutes(state).rows(),
        *SettingsRoutes(state, pages).rows(),
        *WebhookRoutes(state, allow_http=allow_http_webhooks).rows(),
    ]
    # Calls are counted as "GET /bookings/{number}", as the back office's /calls lists them.
    return [
        Route(f"/v2{path}", gate.guard(f"{method} {path}", endpoint), methods=[method])
        for path, method, endpoint in rows
    ]


__all__ = ["api_routes"]
