"""Keep Bookeo's webhook registrations pointing at us, and repair blocked ones."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.bookeo import BookeoClient
from bot.bookeo.models import WebhookDomain, WebhookType

log = logging.getLogger("bot.relay.registration")
NEEDED = (
    (WebhookDomain.BOOKINGS, WebhookType.CREATED),
    (WebhookDomain.BOOKINGS, WebhookType.UPDATED),
    (WebhookDomain.BOOKINGS, WebhookType.DELETED),
    (WebhookDomain.PAYMENTS, WebhookType.CREATED),
)


async def ensure_webhooks(bookeo: BookeoClient, url_for: Callable[[str, str], str]) -> list[str]:
    """Register what is missing, re-create what is blocked or points elsewhere. Returns the
    sentences worth telling an admin (one per repaired blocked webhook)."""
    existing = {(str(w.domain), str(w.type)): w for w in await bookeo.webhooks.list()}
    notes = []
    for domain, type_ in NEEDED:
        url = url_for(domain.value, type_.value)
        current = existing.get((domain.value, type_.value))
        if current is not None and current.url == url and not current.blocked:
            continue
        if current is not None and current.blocked:
            notes.append(
                f"Bookeo had blocked the {domain.value}/{type_.value} webhook "
                f"({current.blocked_reason or 'too many failed deliveries'}); re-created it."
            )
        await bookeo.webhooks.create(url=url, domain=domain, type=type_)
        log.info("registered webhook %s/%s → %s", domain.value, type_.value, url)
    return notes
