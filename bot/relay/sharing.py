"""Share in channel: a booking's card posted in a channel as the bot (chat.postMessage: a
message posted through `response_url` cannot be edited with chat.update) and recorded where
the relay keeps its cards, so that every later change of the booking — made in Slack, in
Bookeo's back office, by the customer, a payment, a cancellation — updates it in place and
adds one thread line, as a subscription's card does, whatever the channel's subscriptions.

Sharing a booking whose card is already in the channel (shared before, or a subscription's)
does not post a second card: the relay keeps one card per booking per channel, and a second
would either go stale or get every thread line twice. The card there is brought up to date
and a thread line, also shown in the channel, points to it ("Shared again by @sam"). A card
Slack no longer has (someone deleted it) is posted afresh.

A crash between the post and the record leaves a shared card that is not kept current (a
person asked for it and sees it; nothing is posted twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo

from slack_sdk.errors import SlackApiError

from bot.bookeo import BookeoClient
from bot.bookeo.models import Booking
from bot.catalog import Catalog
from bot.clock import Clock
from bot.refs import is_bot_ref
from bot.relay.actors import attributed
from bot.relay.cards import GONE, CardPoster
from bot.relay.plan import Card, channel_card
from bot.relay.routing import route
from bot.slack.views.cards import CardOptions
from bot.store import Store
from bot.store.relay import Posted

log = logging.getLogger("bot.relay.sharing")


@dataclass(frozen=True)
class Shared:
    """What sharing did: the card, and where it is (`ts` None: the bot cannot post in that
    channel, so the listener shows it through the action's `response_url`, unkept)."""

    card: Card
    ts: str | None
    again: bool = False  # the card was already in the channel: refreshed and pointed to


@dataclass(frozen=True)
class Kept:
    """A card the relay keeps current."""

    shared_by: str | None  # who shared it; None: a subscription's card
    tells: bool  # the relay adds the thread line of a change made from its buttons


class Sharing:
    def __init__(
        self,
        *,
        poster: CardPoster,
        store: Store,
        bookeo: BookeoClient,
        catalog: Catalog,
        clock: Clock,
        tz: tzinfo,
        locale: str,
        webhooks: bool = True,
    ) -> None:
        self._webhooks = webhooks  # Bookeo tells the relay of each change as it happens
        self._poster = poster
        self._store = store
        self._bookeo = bookeo
        self._catalog = catalog
        self._clock = clock
        self._tz = tz
        self._locale = locale  # how the card writes amounts

    async def share(self, booking_number: str, channel: str | None, *, user_id: str) -> Shared:
        """Put the booking's card in `channel` as the bot and keep it current from now on."""
        card = (await self._card(booking_number)).shared(user_id)
        if not channel:
            return Shared(card, None)
        try:
            ts = await self._poster.card_ts(channel, booking_number)
            again = ts is not None and await self._refresh(channel, ts, card, user_id)
            if not again:
                posted = await self._poster.post(channel, blocks=card.blocks, text=card.text)
                ts = str(posted["ts"])
        except SlackApiError as error:  # e.g. not_in_channel: a channel the bot is not in
            log.info("cannot share in %s: %s", channel, error.response.get("error"))
            return Shared(card, None)
        assert ts is not None
        ref = Posted(ts, shared_by=user_id)
        await self._store.relay.set_card(booking_number, channel, ref, at=self._clock.now())
        return Shared(card, ts, again=again)

    async def kept(self, booking: Booking, channel: str, ts: str, kind: str) -> Kept | None:
        """Whether the relay keeps the card at `ts` (None: it does not), who shared it, and
        whether the relay will add the thread line of a `kind` change made from its buttons
        (it names the person and the reason, from the audit rows): a shared card hears of
        every change, a subscription's of those its subscriptions there route."""
        ref = await self._store.relay.card(booking.booking_number, channel)
        if not isinstance(ref, Posted) or ref.ts != ts:
            return None
        if not self._webhooks:  # only a periodic resync would tell it: say it now
            return Kept(ref.shared_by, tells=False)
        if ref.shared_by is not None:
            return Kept(ref.shared_by, tells=True)
        routes = route(
            await self._store.relay.subscriptions(channel_id=channel),
            kinds={kind},
            product_id=booking.product_id,
            start=booking.start_time,
            now=self._clock.now(),
            tz=self._tz,
        )
        return Kept(None, tells=bool(routes))

    async def _refresh(self, channel: str, ts: str, card: Card, user_id: str) -> bool:
        """Bring the card already in the channel up to date and point to it from the channel;
        False when Slack no longer has it."""
        try:
            await self._poster.update(channel, ts, card)
        except SlackApiError as error:
            if str(error.response.get("error")) in GONE:
                return False
            raise
        await self._poster.post(
            channel, thread_ts=ts, reply_broadcast=True, text=f"Shared again by <@{user_id}>."
        )
        return True

    async def _card(self, booking_number: str) -> Card:
        booking = await self._bookeo.bookings.get(booking_number, expand_customer=True)
        ref = booking.external_ref if is_bot_ref(booking.external_ref) else None
        audit = await self._store.audit_log(booking_number=booking_number, external_ref=ref)
        options = CardOptions(
            tz=self._tz,
            categories=await self._catalog.category_names(),
            notes=await self._store.note(booking_number),
            courses=await self._catalog.course_ids(),
            locale=self._locale,
        )
        return channel_card(booking, attributed(options, booking, audit))
