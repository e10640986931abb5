"""The relay as one service: Bookeo's webhooks in (intake), cards out (delivery), what they
missed fetched again (reconcile), the registrations kept healthy, and admins told when it
matters — with the start and stop work that belongs to it.

Everything that resynchronises (a delivery saying one was lost, a repaired webhook, the
periodic job, start-up) goes through `resync` / `resync_soon`, so it is done one way.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.background import Background
from bot.bookeo import BookeoClient
from bot.clock import Clock
from bot.metrics import Metrics
from bot.relay.delivery import Delivery
from bot.relay.intake import Intake
from bot.relay.notify import AdminNotifier
from bot.relay.oncall import on_call_people
from bot.relay.reconcile import reconcile
from bot.relay.registration import ensure_webhooks
from bot.store import Store

log = logging.getLogger("bot.relay.service")
# Resync from a little before the last delivery we did get: clocks and Bookeo's ordering
# are not exact.
RESYNC_MARGIN = timedelta(minutes=5)


class Relay:
    def __init__(
        self,
        *,
        store: Store,
        bookeo: BookeoClient,
        clock: Clock,
        delivery: Delivery,
        notifier: AdminNotifier,
        background: Background,
        webhook_secret: str,
        webhook_base_url: str,
        webhooks_enabled: bool,
        metrics: Metrics | None = None,
    ) -> None:
        self._store = store
        self._bookeo = bookeo
        self._clock = clock
        self._background = background
        self.delivery = delivery
        self.notifier = notifier
        self.webhooks_enabled = webhooks_enabled  # Bookeo can reach us: register webhooks
        self.intake = Intake(
            store=store,
            clock=clock,
            secret_key=webhook_secret,
            base_url=webhook_base_url,
            wake=delivery.wake,
            metrics=metrics,
            lost=self.resync_soon,
        )

    @property
    def running(self) -> bool:
        return self.delivery.running

    async def start(self) -> None:
        """Start delivering; register the webhooks and fetch whatever Bookeo sent while we
        were down (and gave up on), both in the background."""
        self.delivery.start()
        if self.webhooks_enabled:
            self._background.spawn(self.ensure_webhooks(), name="webhook-registration")
        last = await self._store.relay.last_received()
        if last is not None:
            self._background.spawn(self._resync_at_start(last - RESYNC_MARGIN), name="start-resync")

    async def stop(self) -> None:
        """Let the delivery worker finish its pass, then stop it."""
        await self.delivery.stop()

    def wake(self) -> None:
        """Have the delivery worker look at the inbox now (retries whose back-off passed)."""
        self.delivery.wake()

    async def resync(self, *, since: datetime | None = None) -> int:
        """Queue every booking Bookeo changed since `since` (or over the default look-back)
        and deliver them; returns how many were new to the inbox."""
        queued = await reconcile(
            bookeo=self._bookeo, store=self._store, clock=self._clock, since=since
        )
        if queued:
            self.delivery.wake()
        return queued

    def resync_soon(self, since: datetime | None = None) -> None:
        """Reconcile in the background, from a little before `since` (the last delivery
        received before a lost one) or over the default look-back."""
        start = since - RESYNC_MARGIN if since is not None else None
        self._background.spawn(self.resync(since=start), name="resync")

    async def ensure_webhooks(self) -> list[str]:
        """Register or repair the webhooks; tell the admins and whoever is on call about any
        that Bookeo had blocked (deliveries were being lost), and resync."""
        try:
            notes = await ensure_webhooks(self._bookeo, self.intake.url_for)
        except Exception:
            log.warning("could not register Bookeo webhooks; will retry later", exc_info=True)
            return []
        if not notes:
            return []
        on_call = await on_call_people(self._store)
        for note in notes:
            await self.notifier.tell(f":warning: {note}", also=on_call)
        self.resync_soon()  # a blocked webhook lost deliveries: fetch what changed
        return notes

    async def _resync_at_start(self, since: datetime) -> None:
        try:
            await self.resync(since=since)
        except Exception:
            log.warning("start-up reconciliation failed", exc_info=True)
