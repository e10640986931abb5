"""`/webhooks`: register where Bookeo sends notifications (one per domain and type)."""

from __future__ import annotations

from bot.bookeo.models import NewWebhook, Webhook, WebhookDomain, WebhookType

from ._base import Resource, paged, path_id


class Webhooks(Resource):
    async def list(self) -> list[Webhook]:
        """Every webhook of this api key (blocked ones carry `blocked_time`)."""
        return await paged(self._client, "webhooks", Webhook, [{}]).to_list()

    async def create(self, *, url: str, domain: WebhookDomain, type: WebhookType) -> Webhook:
        """`POST /webhooks`; replaces any earlier webhook for the same domain and type.
        Bookeo only calls https URLs and says so with a 400."""
        response = await self._client.request(
            "POST", "webhooks", body=NewWebhook(url=url, domain=domain, type=type)
        )
        return await self._created(response, Webhook, self.get)

    async def get(self, webhook_id: str) -> Webhook:
        return await self._client.get_model(
            f"webhooks/{path_id(webhook_id, 'webhook_id')}", Webhook
        )

    async def delete(self, webhook_id: str) -> None:
        await self._client.request("DELETE", f"webhooks/{path_id(webhook_id, 'webhook_id')}")
