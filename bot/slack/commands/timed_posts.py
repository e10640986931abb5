"""`/bookeo digest …` and `/bookeo remind …`: timed posts in a channel, set from Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo.models import Product
from bot.catalog import AmbiguousProduct, UnknownProduct
from bot.permissions import Permission
from bot.slack.commands.channel import announce
from bot.slack.commands.parser import SetDigest, SetReminder
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.permissions import audit, require
from bot.slack.views.timed_posts import describe_digest, describe_reminder

TimedPostCommand = SetDigest | SetReminder


async def answer_timed_post(
    parsed: TimedPostCommand,
    *,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    team, user, channel = command["team_id"], command["user_id"], command["channel_id"]
    changing = parsed.off or (
        parsed.at is not None if isinstance(parsed, SetDigest) else parsed.minutes is not None
    )
    if not changing:
        await respond(replace_original=True, text=await _current(parsed, channel, deps))
        return
    await require(deps, team_id=team, user_id=user, permission=Permission.MANAGE_ROLES)
    if parsed.off:
        schedules = deps.store.timed_posts
        if isinstance(parsed, SetDigest):
            removed, what = await schedules.digest_off(channel), "digest"
        else:
            removed, what = await schedules.reminder_off(channel), "reminders"
        await audit(
            deps,
            team_id=team,
            user_id=user,
            action=f"{what}_off",
            booking_number=None,
            outcome="ok",
            detail=channel,
        )
        text = (
            f":white_check_mark: No more {what} in <#{channel}>."
            if removed
            else f"<#{channel}> had no {what}."
        )
        await respond(replace_original=True, text=text)
        return
    product = await _product(parsed.product, deps)
    if isinstance(parsed, SetDigest):
        assert parsed.at is not None
        digest = await deps.store.timed_posts.set_digest(
            team_id=team,
            channel_id=channel,
            at=parsed.at,
            product_id=product.product_id if product else None,
            product_name=product.name if product else None,
            always=parsed.always,
            by=user,
            now=deps.clock.now(),
        )
        line = describe_digest(
            digest, next_at=digest.next_after(deps.clock.now(), deps.tz), tz=deps.tz
        )
        action = "digest"
    else:
        assert parsed.minutes is not None
        reminder = await deps.store.timed_posts.set_reminder(
            team_id=team,
            channel_id=channel,
            minutes=parsed.minutes,
            product_id=product.product_id if product else None,
            product_name=product.name if product else None,
            by=user,
            now=deps.clock.now(),
        )
        line = describe_reminder(reminder)
        action = "remind"
    undo = (
        deps.store.timed_posts.digest_off
        if isinstance(parsed, SetDigest)
        else deps.store.timed_posts.reminder_off
    )
    await announce(
        client, channel, f"<@{user}> set this channel's {line}", undo=lambda: undo(channel)
    )
    await audit(
        deps,
        team_id=team,
        user_id=user,
        action=action,
        booking_number=None,
        outcome="ok",
        detail=f"{channel}: {line}",
    )
    await respond(replace_original=True, text=f":white_check_mark: {line}")


async def _product(name: str | None, deps: Deps) -> Product | None:
    if not name:
        return None
    try:
        return await deps.catalog.match(name)
    except (AmbiguousProduct, UnknownProduct) as error:
        raise UserFacingError(f":grey_question: {error}") from None


async def _current(parsed: TimedPostCommand, channel: str, deps: Deps) -> str:
    if isinstance(parsed, SetDigest):
        digests = await deps.store.timed_posts.digests(channel_id=channel)
        if not digests:
            return "No digest here. An admin can set one: `/bookeo digest 08:00`."
        now = deps.clock.now()
        return describe_digest(digests[0], next_at=digests[0].next_after(now, deps.tz), tz=deps.tz)
    reminders = await deps.store.timed_posts.reminders(channel_id=channel)
    if not reminders:
        return "No reminders here. An admin can set them: `/bookeo remind 30m`."
    return describe_reminder(reminders[0])
