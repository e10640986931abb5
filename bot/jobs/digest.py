"""The morning digest: at its local time, a channel gets today's roster, once.

Runs every minute. A digest is due from its time until `GRACE` later, so a minute lost to a
restart or a change of scheduler replica is caught up; the `posted` record makes it once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo

from slack_sdk.errors import SlackApiError

from bot.roster import fetch_roster
from bot.slack.views.lists import roster_messages
from bot.store import Digest

from .deps import JobDeps

log = logging.getLogger("bot.jobs.digest")
GRACE = timedelta(hours=2)


def is_due(digest: Digest, now: datetime, tz: tzinfo) -> bool:
    """Its time today has come (and not long ago), and it existed before that time."""
    due = digest.due_on(now.astimezone(tz).date(), tz)
    return due <= now < due + GRACE and digest.created_at <= due


def post_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


async def run(deps: JobDeps, now: datetime) -> int:
    """Post every digest that is due and not yet posted; returns how many were posted."""
    posted = 0
    today = now.astimezone(deps.tz).date()
    for digest in await deps.store.timed_posts.digests():
        if not is_due(digest, now, deps.tz):
            continue
        key = post_key(today)
        if not await deps.store.timed_posts.claim_post(digest.channel_id, key, now=now):
            continue  # posted already, or another scheduler is posting it
        try:
            posted += await _post(deps, digest, today)
        except Exception:
            log.warning("could not post the digest in %s; will retry", digest.channel_id)
            await deps.store.timed_posts.release_post(digest.channel_id, key)
    return posted


async def _post(deps: JobDeps, digest: Digest, day: date) -> int:
    products = await deps.catalog.products()
    product = next((p for p in products if p.product_id == digest.product_id), None)
    if digest.product_id is not None and product is None:
        log.warning("the digest of %s names a product Bookeo no longer has", digest.channel_id)
    groups = await fetch_roster(
        deps.bookeo,
        products,
        await deps.catalog.categories(),
        first_day=day,
        days=1,
        tz=deps.tz,
        product=product,
    )
    if not groups and not digest.always:
        return 0  # nothing today: say nothing, unless asked to
    title = f"Today · {day:%a %d %b}" + (f" · {digest.product_name}" if digest.product_name else "")
    notes = await deps.store.notes([b.booking_number for g in groups for b in g.bookings])
    messages = roster_messages(
        groups,
        title=title,
        tz=deps.tz,
        categories=await deps.catalog.category_names(),
        locale=deps.locale,
        max_messages=10,
        notes=notes,
    )
    for blocks in messages:
        try:
            await deps.slack.chat_postMessage(
                channel=digest.channel_id, text=title, blocks=[b.to_dict() for b in blocks]
            )
        except SlackApiError as error:
            log.warning("digest in %s: Slack said %s", digest.channel_id, error.response["error"])
            raise
    return 1
