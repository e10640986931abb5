"""`/v2/webhooks`: register, list, read and delete webhooks (delivery is the sender's)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.http import Row, created, json_response, no_content, read_body
from bot.sandbox.state import BusinessState


class WebhookRoutes:
    def __init__(self, state: BusinessState, *, allow_http: bool) -> None:
        self.state = state
        self.allow_http = allow_http

    def rows(self) -> list[Row]:
        return [
            ("/webhooks", "GET", self.list_webhooks),
            ("/webhooks", "POST", self.create_webhook),
            ("/webhooks/{id}", "GET", self.get_webhook),
            ("/webhooks/{id}", "DELETE", self.delete_webhook),
        ]

    async def list_webhooks(self, request: Request) -> Response:
        hooks = [self.state.webhook_json(w) for w in self.state.webhooks.values()]
        info = {"totalItems": len(hooks), "totalPages": 1, "currentPage": 1}
        return json_response({"info": info, "data": hooks})

    async def create_webhook(self, request: Request) -> Response:
        webhook = self.state.register_webhook(await read_body(request), allow_http=self.allow_http)
        return created(request, self.state.webhook_json(webhook), f"webhooks/{webhook.id}")

    async def get_webhook(self, request: Request) -> Response:
        webhook = self.state.get_webhook(request.path_params["id"])
        return json_response(self.state.webhook_json(webhook))

    async def delete_webhook(self, request: Request) -> Response:
        self.state.delete_webhook(request.path_params["id"])
        return no_content()
