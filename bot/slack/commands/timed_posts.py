"""`/bookeo digest …` and `/bookeo remind …`: timed posts in a channel, set from Slack."""

from __future__ import annotations

from datetime import tzinfo
from functools import partial

from bot.slack.commands.call import Call
from bot.slack.commands.channel import announcer
from bot.slack.commands.parser import SetDigest, SetReminder
from bot.slack.views.timed_posts import describe_digest, describe_reminder, digest_words
from bot.store import Digest, Reminder


async def run_digest(request: SetDigest, call: Call) -> None:
    posts, channel, tz = call.deps.channels.timed_posts, call.channel_id, call.deps.tz

    def line(digest: Digest) -> str:
        return describe_digest(digest, next_at=digest.next_after(call.deps.clock.now(), tz), tz=tz)

    who = call.actor.user_id
    if request.off:
        said = announcer(call.client, channel, partial(_stop_digest, who=who, tz=tz))
        removed = await posts.digest_off(call.actor, channel, announce=said)
        await call.say(_stopped("digest", channel, removed))
    elif request.at is None:
        current = await posts.digest(call.actor, channel)
        await call.say(
            line(current)
            if current
            else "No digest here. An admin can set one: `/bookeo digest 08:00`."
        )
    else:
        digest = await posts.set_digest(
            call.actor,
            channel,
            at=request.at,
            product=request.product,
            always=request.always,
            announce=announcer(
                call.client, channel, lambda d: f"<@{who}> set up a digest here: {line(d)}"
            ),
        )
        await call.say(f":white_check_mark: {line(digest)}")


async def run_remind(request: SetReminder, call: Call) -> None:
    posts, channel = call.deps.channels.timed_posts, call.channel_id
    who = call.actor.user_id
    if request.off:
        said = announcer(call.client, channel, partial(_stop_reminder, who=who))
        removed = await posts.reminders_off(call.actor, channel, announce=said)
        await call.say(_stopped("reminders", channel, removed))
    elif request.minutes is None:
        current = await posts.reminder(call.actor, channel)
        await call.say(
            describe_reminder(current)
            if current
            else "No reminders here. An admin can set them: `/bookeo remind 30m`."
        )
    else:
        reminder = await posts.set_reminder(
            call.actor,
            channel,
            minutes=request.minutes,
            product=request.product,
            announce=announcer(
                call.client,
                channel,
                lambda r: f"<@{who}> set up reminders here: {describe_reminder(r)}",
            ),
        )
        await call.say(f":white_check_mark: {describe_reminder(reminder)}")


def _stopped(what: str, channel: str, removed: bool) -> str:
    return (
        f":white_check_mark: No more {what} in <#{channel}>."
        if removed
        else f"<#{channel}> had no {what}."
    )


def _stop_digest(digest: Digest, *, who: str, tz: tzinfo) -> str:
    return f"<@{who}> stopped the digest here: {digest_words(digest, tz=tz)}."


def _stop_reminder(reminder: Reminder, *, who: str) -> str:
    return f"<@{who}> stopped the reminders here: {describe_reminder(reminder)}"
