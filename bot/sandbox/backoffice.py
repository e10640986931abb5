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
    state = sandbox.state

    def route(path: str, method: str, handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as error:
                return JSONResponse(error.body(), status_code=error.status)

        return Route(f"/_sandbox{path}", endpoint, methods=[method])

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json() if await request.body() else {}
        except ValueError:
            raise bad_request("The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise bad_request("The request body must be a JSON object")
        return data

    async def index(request: Request) -> Response:
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

    async def get_faults(request: Request) -> Response:
        return JSONResponse(sandbox.faults.as_dict())

    async def set_faults(request: Request) -> Response:
        try:
            sandbox.faults.update(await body(request))
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return JSONResponse(sandbox.faults.as_dict())

    async def create_booking(request: Request) -> Response:
        booking = state.create_booking(
            await body(request), agent=BACK_OFFICE_AGENT, backend=True, source="backend"
        )
        return JSONResponse(state.booking_json(booking, expand_customer=True), status_code=201)

    async def move_booking(request: Request) -> Response:
        data = await body(request)
        if not ("eventId" in data or "startTime" in data):
            raise bad_request("Give eventId (fixed products) or startTime (flexibleTime)")
        number = request.path_params["number"]
        current = state.get_booking(number)
        change: dict[str, Any] = {
            "participants": {
                "numbers": [
                    {"peopleCategoryId": c, "number": n} for c, n in current.numbers.items()
                ]
            },
            **{k: data[k] for k in ("eventId", "startTime") if k in data},
        }
        booking = state.update_booking(number, change, agent=BACK_OFFICE_AGENT, backend=True)
        return JSONResponse(state.booking_json(booking, expand_customer=True))

    async def cancel_booking(request: Request) -> Response:
        data = await body(request)
        booking = state.cancel_booking(
            request.path_params["number"], agent=BACK_OFFICE_AGENT, reason=data.get("reason")
        )
        return JSONResponse(state.booking_json(booking, expand_customer=True))

    async def pay_booking(request: Request) -> Response:
        data = await body(request)
        payment = state.add_payment(
            request.path_params["number"],
            {
                "amount": {"amount": str(data.get("amount", "")), "currency": state.currency},
                "paymentMethod": data.get("paymentMethod", "cash"),
                "reason": data.get("reason", "Payment at the desk"),
                **({"comment": data["comment"]} if "comment" in data else {}),
            },
            agent=BACK_OFFICE_AGENT,
        )
        return JSONResponse(state.payment_json(payment), status_code=201)

    async def deliveries(request: Request) -> Response:
        return JSONResponse([asdict(record) for record in sandbox.sender.log])

    async def calls(request: Request) -> Response:
        return JSONResponse(dict(sandbox.calls))

    return [
        route("", "GET", index),
        route("/faults", "GET", get_faults),
        route("/faults", "POST", set_faults),
        route("/bookings", "POST", create_booking),
        route("/bookings/{number}/move", "POST", move_booking),
        route("/bookings/{number}/cancel", "POST", cancel_booking),
        route("/bookings/{number}/payments", "POST", pay_booking),
        route("/deliveries", "GET", deliveries),
        route("/calls", "GET", calls),
    ]
