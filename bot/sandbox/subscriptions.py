"""The webhooks registered with the sandbox: one per (domain, type), a new one replaces the old.

Delivering to them is the sender's job (webhooks.py).
"""

from __future__ import annotations

from .errors import bad_request, not_found
from .records import Ids, WebhookRecord
from .render import Json

WEBHOOK_DOMAINS = frozenset({"bookings", "seatblocks", "resourceblocks", "customers", "payments"})
WEBHOOK_TYPES = frozenset({"created", "updated", "deleted"})


class Subscriptions:
    def __init__(self, *, webhooks: dict[str, WebhookRecord], ids: Ids) -> None:
        self._webhooks = webhooks
        self._ids = ids

    def register(self, body: Json, *, allow_http: bool) -> WebhookRecord:
        url, domain, type_ = body.get("url"), body.get("domain"), body.get("type")
        if not isinstance(url, str) or not url:
            raise bad_request("url is required")
        if not url.startswith("https://") and not (allow_http and url.startswith("http://")):
            raise bad_request("Webhook URLs must use https")
        if domain not in WEBHOOK_DOMAINS:
            raise bad_request(f"domain must be one of {', '.join(sorted(WEBHOOK_DOMAINS))}")
        if type_ not in WEBHOOK_TYPES:
            raise bad_request(f"type must be one of {', '.join(sorted(WEBHOOK_TYPES))}")
        # One webhook per (api key, domain, type): a new one replaces the old.
        for existing in [
            w for w in self._webhooks.values() if (w.domain, w.type) == (domain, type_)
        ]:
            del self._webhooks[existing.id]
        webhook = WebhookRecord(id=self._ids.new("WH"), url=url, domain=domain, type=type_)
        self._webhooks[webhook.id] = webhook
        return webhook

    def get(self, webhook_id: str) -> WebhookRecord:
        webhook = self._webhooks.get(webhook_id)
        if webhook is None:
            raise not_found("Webhook")
        return webhook

    def delete(self, webhook_id: str) -> None:
        del self._webhooks[self.get(webhook_id).id]
