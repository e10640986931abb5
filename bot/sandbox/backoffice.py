"""`/_sandbox`: change things "in the Bookeo back office", and steer the emulator.

These are not Bookeo routes. They let a demo or a test make the changes a member of staff
would make in Bookeo itself (each fires the same webhooks), switch faults on and off, and
see what the sandbox did. No keys are needed: the sandbox is for local use.

    GET  /_sandbox                         what is here, and the routes below
    GET  /_sandbox/faults                  current fault injection
    POST /_sandbox/faults                  {"latency_ms": 2000, "throttle_next": 3, ...}
    POST /_sandbox/bookings                a Bookeo booking body (created as the back office)
    POST /_sandbox/bookings/{n}/move       {"eventId": "..."} or {"startTime": "..."}
    POST /_sandbox/bookings/{n}/cancel     {"reason": "..."}
    POST /_sandbox/bookings/{n}/payments   {"amount": "20.00", "paymentMethod": "cash"}
    GET  /_sandbox/deliveries              webhook deliveries and their outcome
    GET  /_sandbox/calls                   API calls received, by endpoint
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import ApiError, bad_request
from .render import BACK_OFFICE_AGENT

if TYPE_CHECKING:
    from .app import Sandbox

Handler = Callable[[Request], Awaitable[Response]]


def backoffice_routes(sandbox: Sandbox) -> list[Route]:
    return BackOffice(sandbox).routes()


class BackOffice:
    """The `/_sandbox` endpoints over one sandbox: its state, faults, sender and call counts."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    def routes(self) -> list[Route]:
        rows: list[tuple[str, str, Handler]] = [
            ("", "GET", self.index),
            ("/faults", "GET", self.get_faults),
            ("/faults", "POST", self.set_faults),
            ("/bookings", "POST", self.create_booking),
            ("/bookings/{number}/move", "POST", self.move_booking),
            ("/bookings/{number}/cancel", "POST", self.cancel_booking),
            ("/bookings/{number}/payments", "POST", self.pay_booking),
            ("/deliveries", "GET", self.deliveries),
            ("/calls", "GET", self.calls),
        ]
        return [
            Route(f"/_sandbox{path}", _answering_errors(handler), methods=[method])
            for path, method, handler in rows
        ]

    async def index(self, request: Request) -> Response:
        state, sandbox = self.state, self.sandbox
        return JSONResponse(
            {
                "business": state.name,
                "timezone": str(sandbox.tz),
                "currency": state.currency,
                "products": {p.product_id: p.name for p in state.products.values()},
                "customers": len(state.customers),
                "bookings": len(state.bookings),
                "webhooks": [state.webhook_json(w) for w in state.webhooks.values()],
                "faults": sandbox.faults.as_dict(),
                "routes": (__doc__ or "").split("\n\n")[2].splitlines(),
            }
        )

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.sandbox.faults.as_dict())

    async def set_faults(self, request: Request) -> Response:
        try:
            self.sandbox.faults.update(await _body(request))
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return JSONResponse(self.sandbox.faults.as_dict())

    async def create_booking(self, request: Request) -> Response:
        booking = self.state.create_booking(
            await _body(request), agent=BACK_OFFICE_AGENT, backend=True, source="backend"
        )
        return JSONResponse(self.state.booking_json(booking, expand_customer=True), status_code=201)

    async def move_booking(self, request: Request) -> Response:
        data = await _body(request)
        if not ("eventId" in data or "startTime" in data):
            raise bad_request("Give eventId (fixed products) or startTime (flexibleTime)")
        number = request.path_params["number"]
        current = self.state.get_booking(number)
        change: dict[str, Any] = {
            "participants": {
                "numbers": [
                    {"peopleCategoryId": c, "number": n} for c, n in current.numbers.items()
                ]
            },
            **{k: data[k] for k in ("eventId", "startTime") if k in data},
        }
        booking = self.state.update_booking(number, change, agent=BACK_OFFICE_AGENT, backend=True)
        return JSONResponse(self.state.booking_json(booking, expand_customer=True))

    async def cancel_booking(self, request: Request) -> Response:
        data = await _body(request)
        booking = self.state.cancel_booking(
            request.path_params["number"], agent=BACK_OFFICE_AGENT, reason=data.get("reason")
        )
        return JSONResponse(self.state.booking_json(booking, expand_customer=True))

    async def pay_booking(self, request: Request) -> Response:
        data = await _body(request)
        payment = self.state.add_payment(
            request.path_params["number"],
            {
                "amount": {"amount": str(data.get("amount", "")), "currency": self.state.currency},
                "paymentMethod": data.get("paymentMethod", "cash"),
                "reason": data.get("reason", "Payment at the desk"),
                **({"comment": data["comment"]} if "comment" in data else {}),
            },
            agent=BACK_OFFICE_AGENT,
        )
        return JSONResponse(self.state.payment_json(payment), status_code=201)

    async def deliveries(self, request: Request) -> Response:
        return JSONResponse([asdict(record) for record in self.sandbox.sender.log])

    async def calls(self, request: Request) -> Response:
        return JSONResponse(dict(self.sandbox.calls))


def _answering_errors(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return JSONResponse(error.body(), status_code=error.status)

    return endpoint


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent, or {} for an empty body (these routes take optional fields)."""
    try:
        data = await request.json() if await request.body() else {}
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object")
    return data
