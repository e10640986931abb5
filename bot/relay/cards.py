"""The card poster carries out the planner's plans: puts a booking's card in a channel, or
updates it in place and adds one thread line, each message in the channel's turn (the pacer);
pages on-call on the card's thread; remembers the state the cards now show; posts summaries
and resync notes; and pauses a channel's subscriptions when Slack refuses it for good.

Slack has no idempotency key, so a new card is noted (`Pending`, with a key its metadata
carries) before it is posted and recorded (`Posted`) after: when a crash falls in between,
the next delivery finds the card in the channel's history by that key instead of posting it
twice. A thread line carries a key too (derived from the change, so every retry has the
same one; the worker notes the try before posting): a retry looks for it in the thread's
replies before posting again.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.clock import Clock
from bot.relay.changes import dumps
from bot.relay.notify import AdminNotifier
from bot.relay.oncall import page, page_line
from bot.relay.pacing import ChannelPacer
from bot.relay.plan import BookingPlan, Card, page_calls
from bot.slack.views.relay import paused_notice, resync_note
from bot.store import Store
from bot.store.relay import Pending, Posted

log = logging.getLogger("bot.relay.cards")
CARD_EVENT = "bookeo_booking_card"  # the metadata event type that marks our cards
LINE_EVENT = "bookeo_booking_line"  # … and our lines in their threads
HISTORY = 200  # messages searched for a card whose post was not confirmed
# Slack errors that no retry will cure: the channel's subscriptions pause until an admin acts.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "account_inactive",
        "invalid_auth",
        "restricted_action",
    }
)

# A card Slack no longer has: a shared one is then forgotten (a person deleted it).
GONE = frozenset({"message_not_found", "cant_update_message"})


@dataclass(frozen=True)
class Line:
    """A thread line, with the key its metadata carries (the same on every retry of one
    change) and whether an earlier try may have posted it."""

    text: str
    key: str
    retried: bool = False


@dataclass(frozen=True)
class Pager:
    """Whom to page for a plan, in which channel, and why."""

    team_id: str
    channel: str
    who: str
    reason: str


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error", ""))


class CardPoster:
    def __init__(
        self,
        *,
        store: Store,
        slack: AsyncWebClient,
        pacer: ChannelPacer,
        clock: Clock,
        notifier: AdminNotifier,
    ) -> None:
        self._store = store
        self._relay = store.relay
        self._slack = slack
        self._pacer = pacer
        self._clock = clock
        self._notifier = notifier
        self._resynced: Counter[str] = Counter()  # channel → changes only reconciliation found

    async def carry_out(self, plan: BookingPlan, *, folded: Collection[tuple[str, str]]) -> None:
        """Tell each of the plan's channels (but those a summary covered), page if urgent,
        and remember the state the cards now show. Where a page goes, the change's line is
        the page (it names on-call and the change): one line per change per channel."""
        if plan.changes:
            pagers = await self._pagers(plan, folded)
            paged: set[str] = set()
            for post in plan.posts():
                channel = post.channel
                if (plan.number, channel) in folded:
                    continue
                card = plan.card
                if card is not None and post.shared_by:
                    card = card.shared(post.shared_by)
                pager = pagers.get(channel)
                text = page_line(pager.who, pager.reason, plan.line) if pager else plan.line
                await self.show(
                    channel,
                    plan.number,
                    card,
                    Line(text, plan.line_key, retried=plan.retried),
                    broadcast=post.broadcast,
                    shared=post.shared_by is not None,
                    first_line=plan.line_under_new_card or pager is not None,
                    refresh_only=plan.refresh_only,
                )
                if pager is not None and await self._open_page(plan, pager, in_thread=False):
                    paged.add(pager.team_id)
                if plan.resynced:
                    self._resynced[channel] += 1
            if plan.urgent is not None:
                await self._page(plan, skip=paged)
        if plan.new is not None:
            await self._relay.save_state(plan.number, dumps(plan.new), at=self._clock.now())

    async def note_resyncs(self) -> None:
        """Tell each channel how many of the changes it was just shown Bookeo had not sent."""
        for channel, count in self._resynced.items():
            await self.note(channel, resync_note(count))
        self._resynced.clear()

    async def show(
        self,
        channel: str,
        number: str,
        card: Card | None,
        line: Line,
        *,
        broadcast: bool,
        shared: bool = False,
        first_line: bool = False,
        refresh_only: bool = False,
    ) -> None:
        """Post the booking's card in `channel` (the first card says it all, unless
        `first_line`: the line says what changed), or update the one there and add `line` to
        its thread. Without a card (the booking was removed) only an existing card's thread
        hears of it; `refresh_only` (a notes change): only a card there is. A channel Slack
        refuses for good is paused; a shared card Slack no longer has (deleted, or a channel
        the bot left) is forgotten."""
        ts = await self.card_ts(channel, number)
        if ts is None and refresh_only:
            return
        try:
            if card is not None:
                if ts is None:
                    ts = await self._post_card(channel, number, card)
                    if not first_line:
                        return
                else:
                    await self.update(channel, ts, card)
            if ts is not None:
                await self._post_line(channel, ts, line, broadcast=broadcast)
        except SlackApiError as error:
            if shared and _code(error) in PERMANENT | GONE:
                await self._relay.forget_card(number, channel)
                if _code(error) in GONE:
                    return
            if _code(error) not in PERMANENT:
                raise
            await self.pause(channel, _code(error))

    async def summary(self, channel: str, messages: list[str]) -> bool:
        """Post a summary's messages in order; False when one did not go (then its bookings
        get their cards one by one, now or on a retry)."""
        for text in messages:
            try:
                await self.post(channel, text=text)
            except SlackApiError as error:
                if _code(error) in PERMANENT:
                    await self.pause(channel, _code(error))
                return False
        return True

    async def note(self, channel: str, text: str) -> None:
        """A message worth sending but not worth retrying."""
        try:
            await self.post(channel, text=text)
        except SlackApiError:
            log.warning("could not post a note in %s: %s", channel, text[:80])

    async def card_ts(self, channel: str, number: str) -> str | None:
        """The ts of the booking's card in `channel`, if Slack has one."""
        ref = await self._relay.card(number, channel)
        if isinstance(ref, Pending):
            return await self._recover(channel, number, ref)  # a crash between post and save
        return ref.ts if ref is not None else None

    async def post(self, channel: str, **message: Any) -> AsyncSlackResponse:
        """chat.postMessage in the channel's turn (Slack allows about one a second there)."""
        async with self._pacer.turn(channel):
            return await self._slack.chat_postMessage(channel=channel, **message)

    async def update(self, channel: str, ts: str, card: Card) -> None:
        """Show `card` in the card message at `ts` (chat.update)."""
        await self._slack.chat_update(channel=channel, ts=ts, blocks=card.blocks, text=card.text)

    async def pause(self, channel: str, code: str) -> None:
        """Stop posting to a channel Slack refuses for good, and tell the admins (once)."""
        if await self._relay.pause(channel, code):
            await self._notifier.tell(paused_notice(channel, code))

    async def _pagers(
        self, plan: BookingPlan, folded: Collection[tuple[str, str]]
    ) -> dict[str, Pager]:
        """Where each workspace's on-call is paged for this plan: the first channel of its
        subscriptions that count the change as urgent and that this plan posts to."""
        if plan.urgent is None:
            return {}
        going = set(plan.channels(skip=folded))
        pagers: dict[str, Pager] = {}
        teams: set[str] = set()
        for call in page_calls(plan, self._clock.now()):
            if call.team_id in teams or call.channel not in going or call.channel in pagers:
                continue
            who = await self._store.oncall.target(call.team_id)
            if who is not None:
                pagers[call.channel] = Pager(call.team_id, call.channel, who, call.reason)
                teams.add(call.team_id)
        return pagers

    async def _open_page(self, plan: BookingPlan, pager: Pager, *, in_thread: bool) -> bool:
        """Page `pager.who` on the booking's card in `pager.channel`; False when that card is
        not there (Slack refused it)."""
        ref = await self._relay.card(plan.number, pager.channel)
        if not isinstance(ref, Posted):
            return False
        await page(
            store=self._store,
            slack=self._slack,
            team_id=pager.team_id,
            target=pager.who,
            booking_number=plan.number,
            channel=pager.channel,
            card_ts=ref.ts,
            line=plan.line,
            reason=pager.reason,
            now=self._clock.now(),
            changes=tuple(c.kind for c in plan.changes),
            in_thread=in_thread,
        )
        return True

    async def _page(self, plan: BookingPlan, *, skip: Collection[str] = ()) -> None:
        """Page each workspace's on-call (but the `skip` ones, already paged) once, on the
        thread of its first card of this booking, when that subscription counts the change
        as urgent: with a line of its own, as the card's line there was the plain one."""
        paged = set(skip)
        for call in page_calls(plan, self._clock.now()):
            if call.team_id in paged:
                continue
            who = await self._store.oncall.target(call.team_id)
            if who is None:
                continue
            pager = Pager(call.team_id, call.channel, who, call.reason)
            if await self._open_page(plan, pager, in_thread=True):
                paged.add(call.team_id)

    async def _post_line(self, channel: str, ts: str, line: Line, *, broadcast: bool) -> None:
        """Add `line` to the card's thread, once: it carries its key in its metadata, and a
        retry (Slack may have posted it and only the answer was lost) looks for that key in
        the thread first — and, found, brings that line up to date instead of posting again.
        """
        if line.retried:
            found = await self._find_line(channel, ts, line.key)
            if found is not None:
                if found["text"] != line.text:
                    await self._slack.chat_update(channel=channel, ts=found["ts"], text=line.text)
                return
        # A thread line is a message too: Slack's ~1 a second per channel counts it.
        await self.post(
            channel,
            thread_ts=ts,
            text=line.text,
            reply_broadcast=broadcast,
            metadata={"event_type": LINE_EVENT, "event_payload": {"key": line.key}},
        )

    async def _find_line(self, channel: str, ts: str, key: str) -> dict[str, str] | None:
        """The ts and text of the thread line with this key, if Slack has it."""
        replies = await self._slack.conversations_replies(
            channel=channel, ts=ts, limit=HISTORY, include_all_metadata=True
        )
        for message in replies.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == LINE_EVENT and (
                (metadata.get("event_payload") or {}).get("key") == key
            ):
                return {"ts": str(message["ts"]), "text": str(message.get("text") or "")}
        return None

    async def _post_card(self, channel: str, number: str, card: Card) -> str:
        pending = Pending(f"{number}:{uuid.uuid4().hex}")
        await self._relay.set_card(number, channel, pending, at=self._clock.now())
        posted = await self.post(
            channel,
            blocks=card.blocks,
            text=card.text,
            metadata={"event_type": CARD_EVENT, "event_payload": {"key": pending.key}},
        )
        ts = str(posted["ts"])
        await self._relay.set_card(number, channel, Posted(ts), at=self._clock.now())
        return ts

    async def _recover(self, channel: str, number: str, pending: Pending) -> str | None:
        """The ts of a card whose post was noted but not confirmed, if Slack has it."""
        history = await self._slack.conversations_history(
            channel=channel, limit=HISTORY, include_all_metadata=True
        )
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == CARD_EVENT and (
                (metadata.get("event_payload") or {}).get("key") == pending.key
            ):
                ts = str(message["ts"])
                await self._relay.set_card(number, channel, Posted(ts), at=self._clock.now())
                return ts
        return None  # never reached Slack: post it now
