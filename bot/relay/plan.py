"""The delivery planner (pure): from one pass's due deliveries, what to post or update in which
channel, which new bookings to fold into a summary, what waits for the next pass, and whom to
page. No I/O: the worker reads the inputs, and the card poster carries the plan out.

The steps, in the order the worker takes them:
1. `newest_state` and `plan_booking`, per booking: one burst of changes to a booking becomes
   one card update and one thread line, routed to the matching subscriptions.
2. `fold`: more than FOLD_AT non-urgent changes for one channel in one pass, to bookings
   without a card there, are listed in one summary (by what happened: new, moved, canceled,
   paid…) instead of a card each.
3. `within_budget`: at most MESSAGES_PER_PASS bookings per channel go out in one pass (the
   summaries no longer count, and a booking a summary lists always goes, so it is listed
   once); the rest wait, and their later changes join them.
4. `page_calls`: who to page for an urgent change, on which card's thread.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.bookeo.models import Booking, PeopleCategory
from bot.relay.actors import NAMING, attributed, cancel_reason, slack_user
from bot.relay.changes import (
    Change,
    agent_of,
    baseline_state,
    diff,
    dumps,
    first_seen,
    is_stale,
    raw_changed_at,
    sentence,
    snapshot,
)
from bot.relay.oncall import URGENT_WINDOW, urgent_reason
from bot.relay.routing import Target, kinds_of, per_channel, route
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.relay import SummaryItem, summary_messages
from bot.store import AuditEntry, InboxItem, Subscription
from bot.store.relay import NOTES_PREFIX

FOLD_AT = 5  # more uncarded changes than this for one channel in one pass: one summary
MESSAGES_PER_PASS = 3  # per channel: about 3 s of Slack's pace
RESYNC_PREFIX = "resync:"  # the message ids reconciliation gives the changes it found
_SHOWN = frozenset({"created", "canceled", "removed"})  # changes a new card says by itself
_PAYMENTS = frozenset({"paid", "refunded"})  # a card shows the totals, not this payment


@dataclass(frozen=True)
class Card:
    """A booking's card, rendered: what chat.postMessage / chat.update send."""

    blocks: list[dict[str, Any]]
    text: str

    def shared(self, user_id: str) -> Card:
        """The card as shared in a channel: it says who shared it, on every refresh too."""
        context = {"type": "mrkdwn", "text": f"Shared by <@{user_id}>"}
        return Card([*self.blocks, {"type": "context", "elements": [context]}], self.text)


def channel_card(booking: Booking, options: CardOptions) -> Card:
    """A booking's card for a channel post: never contact details, and no "Share" button."""
    channel = replace(options, show_contacts=False, shareable=False)
    return Card([b.to_dict() for b in booking_card(booking, channel)], card_text(booking, channel))


@dataclass(frozen=True)
class Post:
    """One channel's card of the booking to post or update, and its thread line."""

    channel: str
    broadcast: bool  # the thread line is also shown in the channel
    shared_by: str | None = None  # a shared card: it says who shared it


@dataclass(frozen=True)
class BookingPlan:
    """What to say about one booking in this pass, and to whom."""

    number: str
    items: list[InboxItem]
    booking: Booking | None  # None: removed from Bookeo
    changes: list[Change]  # empty: nothing new to say (a repeat, or an out-of-order copy)
    new: dict[str, Any] | None  # the state to remember once delivered; None: keep the old one
    line: str = ""  # the thread line
    targets: tuple[Target, ...] = ()  # one per channel (several subscriptions there: one)
    routes: tuple[Target, ...] = ()  # every matching subscription (each may page)
    line_key: str = ""  # the thread line's key in its metadata: the same on every retry
    urgent: str | None = None  # why the first subscription that thinks so counts it urgent
    card: Card | None = None  # None: no card to post or update (removed, or nobody to tell)
    stale: bool = False  # older than the state the cards show: ignored
    # The channels where the card was shared ("Share in channel"), each with who shared it:
    # kept current on every change, whatever the subscriptions there say.
    shared: tuple[tuple[str, str], ...] = ()
    # The changes are against a state known before (the cards', or the one the bot read
    # before it changed the booking), not only what the booking is.
    compared: bool = False
    # Only its notes changed (they live in the bot): the cards there are are refreshed, and
    # no channel without one gets a card (nor a summary) for it.
    refresh_only: bool = False

    @property
    def retried(self) -> bool:
        """An earlier try of these deliveries may have posted part of them."""
        return any(item.attempts for item in self.items)

    @property
    def resynced(self) -> bool:
        """Only reconciliation brought it: a webhook in the same batch means Bookeo did."""
        return all(item.message_id.startswith(RESYNC_PREFIX) for item in self.items)

    @property
    def line_under_new_card(self) -> bool:
        """A card posted now for these changes gets the line too: the card shows the booking
        as it is, not what changed (moved from when, the party it had) nor what was just paid
        (it shows the totals); a cancellation or a first sight it does say."""
        if any(c.kind in _PAYMENTS for c in self.changes):
            return True
        return self.compared and any(c.kind not in _SHOWN for c in self.changes)

    def posts(self) -> list[Post]:
        """Each channel to tell, once: the subscriptions' (merged per channel), then those
        where the card was only shared."""
        if not self.changes:
            return []
        shared = dict(self.shared)
        posts = [
            Post(
                t.subscription.channel_id, t.broadcast, shared.pop(t.subscription.channel_id, None)
            )
            for t in self.targets
        ]
        return posts + [Post(channel, False, user) for channel, user in shared.items()]

    def channels(self, *, skip: Collection[tuple[str, str]] = ()) -> list[str]:
        """The channels this plan posts to, but for the (booking, channel) pairs in `skip`."""
        return [p.channel for p in self.posts() if (self.number, p.channel) not in skip]


@dataclass(frozen=True)
class Summary:
    """One channel's changes to bookings it has no card of, listed in a few messages instead
    of a card each."""

    channel: str
    numbers: tuple[str, ...]
    messages: list[str]


@dataclass(frozen=True)
class PageCall:
    team_id: str
    channel: str  # whose card thread carries the page
    reason: str


def urgent_window(target: Target) -> timedelta:
    hours = target.subscription.urgent_hours
    return URGENT_WINDOW if hours is None else timedelta(hours=hours)


def newest_state(items: list[InboxItem]) -> Booking | None:
    """The newest booking state the deliveries carry (by Bookeo's change time, since webhooks
    of different types arrive in no guaranteed order); None when none carries a usable one
    (then the booking is read from Bookeo)."""
    states: list[dict[str, Any]] = []
    for item in items:
        if item.domain != "bookings":
            continue
        body = json.loads(item.body)
        if isinstance(body.get("item"), dict):
            states.append(body["item"])
    # Latest change first; a tie (Bookeo's times are whole seconds) goes to the canceled
    # state, since a cancellation is final; then to the latest to arrive (the sort is
    # stable). Only the winner is validated: a burst brings many states of one booking.
    ranked = sorted(states, key=lambda s: (raw_changed_at(s), s.get("canceled") is True))
    for state in reversed(ranked):
        try:
            return Booking.model_validate(state)
        except ValueError:
            continue
    return None


def plan_booking(
    number: str,
    items: list[InboxItem],
    booking: Booking | None,
    *,
    old: dict[str, Any] | None,
    subscriptions: list[Subscription],
    categories: dict[str, str],
    now: datetime,
    tz: tzinfo,
    locale: str,
    audit: Sequence[AuditEntry] = (),
    notes: str | None = None,
    shared: Mapping[str, str] | None = None,
    courses: frozenset[str] = frozenset(),
    baseline: Booking | None = None,
) -> BookingPlan:
    """What to say about one booking (its latest state `booking` against `old`, the state
    its cards last showed), and to whom; `audit` (the bot's audit rows of the booking) says
    who did it from Slack and why it was canceled, `notes` go on the card, amounts are
    written in the business's `locale`; `shared` (channel → who shared the card there) are
    told of every change, `courses` are the fixedCourse products (their cards list the
    sessions). `baseline`: the booking as the bot read it just before it changed it, when
    the cards never showed it (`old` is None): the change is then said against it."""
    if old is None and baseline is not None and booking is not None:
        old = baseline_state(baseline, booking)
    new = {**snapshot(booking), "notes": notes or ""} if booking is not None else None
    if is_stale(old, new):
        return BookingPlan(number, items, booking, [], None, stale=True)
    noted = all(item.message_id.startswith(NOTES_PREFIX) for item in items)
    if noted and old is None:  # no card has shown the booking: none to refresh
        return BookingPlan(number, items, booking, [], None)
    changes = _changes(items, booking, old, new, tz=tz, categories=categories, locale=locale)
    changes += _notes_changed(old, notes or "", noted=noted)
    if not changes:  # a repeat of what the cards already show (diff names created too)
        return BookingPlan(number, items, booking, changes, new)
    paid_only = all(c.kind in ("paid", "refunded") for c in changes)
    kinds = kinds_of(
        [(item.domain, item.type) for item in items],
        canceled=bool(new and new["canceled"]),
        paid_only=paid_only,
    )
    routes = route(
        subscriptions,
        kinds=kinds,
        product_id=booking.product_id if booking else "",
        start=booking.start_time if booking else None,
        now=now,
        tz=tz,
    )
    changes, line = _said(changes, booking, old, audit)
    urgent = [r for t in routes if (r := urgent_reason(changes, booking, now, urgent_window(t)))]
    shared = shared or {}
    card = None
    if booking is not None and (routes or shared):
        options = CardOptions(
            tz=tz, categories=categories, notes=notes, courses=courses, locale=locale
        )
        card = channel_card(booking, attributed(options, booking, audit))
    return BookingPlan(
        number,
        items,
        booking,
        changes,
        new,
        line=line,
        targets=tuple(per_channel(routes)),
        routes=tuple(routes),
        line_key=hashlib.sha256(f"{number}\n{dumps(old or {})}".encode()).hexdigest()[:32],
        urgent=urgent[0] if urgent else None,
        card=card,
        shared=tuple(sorted(shared.items())),
        compared=old is not None,
        refresh_only=bool(changes) and all(c.kind == "notes" for c in changes),
    )


def _notes_changed(old: dict[str, Any] | None, notes: str, *, noted: bool) -> list[Change]:
    """The notes change, when the notes the cards show (`old`'s) are not the booking's now;
    for cards whose state predates the notes in it, when the bot said it changed them."""
    if old is None:
        return []
    same = old["notes"] == notes if "notes" in old else not noted
    if same:
        return []
    return [Change("notes", "notes updated" if notes else "notes cleared")]


def _said(
    changes: list[Change],
    booking: Booking | None,
    old: dict[str, Any] | None,
    audit: Sequence[AuditEntry],
) -> tuple[list[Change], str]:
    """The changes as the line says them (with the notes a Slack edit changed too) and the
    line, which names the Slack user who made them and the cancel reason."""
    since = _since(old, booking)
    reason = cancel_reason(audit) if booking is not None and booking.canceled else None
    if all(c.kind == "notes" for c in changes):  # Bookeo's last change was not this one
        agent, by = None, _noted_by(audit)
    else:
        agent = agent_of(booking, changes)
        by = slack_user(audit, changes, agent=agent, since=since)
    # The cards' state says which notes they show; an older one (or the baseline of a
    # booking never shown) does not, and the edit's audit row says it instead.
    untracked = old is None or "notes" not in old
    said = any(c.kind == "notes" for c in changes)
    if untracked and not said and by is not None and any(c.kind in _EDITS for c in changes):
        noted = _notes_said(audit, since)
        changes = [*changes, Change("notes", noted)] if noted else changes
    line = sentence(
        changes, agent=agent, deleted_unclear=booking is None, slack_user=by, reason=reason
    )
    return changes, line


_EDITS = frozenset({"moved", "people", "customer"})  # what /bookeo edit changes in Bookeo
# What the edit's audit row says of the notes it changed (bot.ops.bookings.edit `_summary`):
# notes live in the bot, not in Bookeo, so no state the relay compares shows them.
_NOTES = ("notes updated", "notes cleared")


def _noted_by(audit: Sequence[AuditEntry]) -> str | None:
    """Who set the notes: the Slack user of the latest create, or edit that changed them
    (only those set notes)."""
    for entry in reversed(audit):
        if entry.outcome not in NAMING:
            continue
        renoted = entry.action == "edit" and any(p in _NOTES for p in entry.detail.split("; "))
        if entry.action == "create" or renoted:
            return entry.user_id
    return None


def _notes_said(audit: Sequence[AuditEntry], since: datetime | None) -> str | None:
    """ "notes updated" (or cleared) when the latest edit made from Slack since `since` changed
    the booking's notes too, else None."""
    for entry in reversed(audit):
        if entry.action != "edit" or entry.outcome not in NAMING:
            continue
        at = entry.at if entry.at.tzinfo is not None else entry.at.replace(tzinfo=UTC)
        if since is not None and at < since:
            return None
        return next((part for part in entry.detail.split("; ") if part in _NOTES), None)
    return None


def _changes(
    items: list[InboxItem],
    booking: Booking | None,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    tz: tzinfo,
    categories: dict[str, str],
    locale: str,
) -> list[Change]:
    """What changed since the cards last showed the booking; for a booking the cards never
    showed, what it is (created only when Bookeo says so)."""
    if old is None and booking is not None:
        created = any((i.domain, i.type) == ("bookings", "created") for i in items)
        return first_seen(
            booking, created_webhook=created, payments=_payments(items), locale=locale
        )
    return diff(old, new, tz=tz, categories=categories, locale=locale)


def _since(old: dict[str, Any] | None, booking: Booking | None) -> datetime | None:
    """Since when an audit row can be about these changes: the change the cards show."""
    if old and old.get("changed"):
        return datetime.fromisoformat(old["changed"])
    return booking.creation_time if booking is not None else None


def _payments(items: list[InboxItem]) -> list[tuple[Decimal, str]]:
    """The amounts the payment webhooks among `items` carry."""
    found = []
    for item in items:
        if item.domain != "payments":
            continue
        try:
            money = json.loads(item.body)["item"]["amount"]
            found.append((Decimal(str(money["amount"])), str(money["currency"])))
        except (ValueError, KeyError, TypeError, InvalidOperation):
            continue
    return found


def fold_candidates(plans: list[BookingPlan]) -> list[tuple[str, str]]:
    """The (booking, channel) pairs a summary could cover if the channel has no card of the
    booking yet (the worker looks those up for `fold`)."""
    return [(plan.number, channel) for plan, channel in _foldable(plans)]


def fold(
    plans: list[BookingPlan],
    *,
    uncarded: Collection[tuple[str, str]],
    tz: tzinfo,
    locale: str,
    categories: dict[str, PeopleCategory],
) -> list[Summary]:
    """The summaries to post: for each channel with more than FOLD_AT of the candidates that
    have no card there (`uncarded`), one list of them instead of a card each (amounts in
    the business's `locale`, people by the seats their `categories` take)."""
    fresh: dict[str, list[BookingPlan]] = {}
    for plan, channel in _foldable(plans):
        if (plan.number, channel) in uncarded:
            fresh.setdefault(channel, []).append(plan)
    summaries = []
    for channel, many in fresh.items():
        if len(many) <= FOLD_AT:
            continue
        listed = [SummaryItem(p.booking, p.changes) for p in many if p.booking is not None]
        messages = summary_messages(listed, tz, locale=locale, categories=categories)
        summaries.append(Summary(channel, tuple(p.number for p in many), messages))
    return summaries


def _foldable(plans: list[BookingPlan]) -> Iterator[tuple[BookingPlan, str]]:
    """New states of bookings that are not urgent (an urgent one gets its card, to be paged
    on), with each channel they go to."""
    for plan in plans:
        if plan.booking is None or plan.urgent is not None or plan.refresh_only:
            continue
        for target in plan.targets:
            yield plan, target.subscription.channel_id


def within_budget(
    plans: list[BookingPlan], *, folded: Collection[tuple[str, str]]
) -> list[BookingPlan]:
    """The plans to deliver now: at most a few messages per channel in one pass. The rest
    stay in the inbox for the next pass, where their later changes join them — under a
    burst, one card update and one thread line say several changes, and a busy channel
    does not keep a pass (and every other channel) waiting. Urgent ones always go."""
    sent: Counter[str] = Counter()
    now: list[BookingPlan] = []
    for plan in plans:
        channels = plan.channels(skip=folded)
        listed = len(channels) < len(plan.channels())  # a summary listed it: it goes now
        full = any(sent[c] >= MESSAGES_PER_PASS for c in channels)
        if plan.urgent is None and not listed and full:
            continue
        sent.update(channels)
        now.append(plan)
    return now


def page_calls(plan: BookingPlan, now: datetime) -> list[PageCall]:
    """Where each subscription that counts the change as urgent would page, in order: each
    workspace's on-call is paged once, on the first of these whose card is there."""
    calls = []
    for target in plan.routes:
        reason = urgent_reason(plan.changes, plan.booking, now, urgent_window(target))
        if reason is not None:
            sub = target.subscription
            calls.append(PageCall(sub.team_id, sub.channel_id, reason))
    return calls
