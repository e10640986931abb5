"""`/v2/holds`: keep seats for up to ten minutes, read a hold, let it go."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.errors import bad_request
from bot.sandbox.http import Row, created, json_response, no_content, query_int, read_body
from bot.sandbox.state import BusinessState


class HoldRoutes:
    def __init__(self, state: BusinessState) -> None:
        self.state = state

    def rows(self) -> list[Row]:
        return [
            ("/holds", "POST", self.create_hold),
            ("/holds/{id}", "GET", self.get_hold),
            ("/holds/{id}", "DELETE", self.delete_hold),
        ]

    async def create_hold(self, request: Request) -> Response:
        seconds = query_int(request, "holdDurationSeconds", 300)
        if not 1 <= seconds <= 600:
            raise bad_request("holdDurationSeconds must be between 1 and 600")
        hold = self.state.create_hold(
            await read_body(request),
            seconds=seconds,
            previous_hold_id=request.query_params.get("previousHoldId"),
        )
        return created(request, self.state.hold_json(hold), f"holds/{hold.id}")

    async def get_hold(self, request: Request) -> Response:
        return json_response(self.state.hold_json(self.state.get_hold(request.path_params["id"])))

    async def delete_hold(self, request: Request) -> Response:
        self.state.delete_hold(request.path_params["id"])
        return no_content()
