"""`/bookeo subscribe | unsubscribe | subscriptions | status | oncall`: the relay, managed
from Slack."""

from __future__ import annotations

from bot.ops.channels import SubscriptionForm
from bot.relay.oncall import mention
from bot.slack.commands.call import Call
from bot.slack.commands.channel import announcer
from bot.slack.commands.parser import ListSubscriptions, OnCall, Status, Subscribe, Unsubscribe
from bot.slack.text import plural
from bot.slack.views.relay import describe, status_blocks, subscriptions_blocks
from bot.store import Subscription


async def run_subscribe(request: Subscribe, call: Call) -> None:
    form = SubscriptionForm(
        kinds=request.kinds,
        product=request.product,
        within_hours=request.within_hours,
        quiet=request.quiet,
        broadcast=request.broadcast,
        urgent_hours=request.urgent_hours,
    )
    who = call.actor.user_id

    def announcement(sub: Subscription) -> str:
        return f":bell: <@{who}> subscribed this channel to booking updates: {describe(sub)}"

    announce = announcer(call.client, call.channel_id, announcement)
    sub = await call.deps.channels.subscribe(call.actor, call.channel_id, form, announce=announce)
    await call.say(f":white_check_mark: Subscribed: {describe(sub)}")


async def run_unsubscribe(request: Unsubscribe, call: Call) -> None:
    channel = call.channel_id
    done = await call.deps.channels.unsubscribe(call.actor, channel, request.subscription_id)
    if done.removed:
        said = (
            f":white_check_mark: Removed {plural(done.removed, 'subscription')} from <#{channel}>."
        )
    elif done.elsewhere:
        number = request.subscription_id
        said = (
            f"Subscription #{number} is in <#{done.elsewhere}>: run "
            f"`/bookeo unsubscribe {number}` there, so its people see it go."
        )
    else:
        said = "Nothing to remove here. See `/bookeo subscriptions`."
    await call.say(said)


async def run_subscriptions(_request: ListSubscriptions, call: Call) -> None:
    found = await call.deps.channels.subscriptions(call.actor, call.channel_id)
    scope = "in this workspace" if found.workspace else "in this channel"
    await call.say("Subscriptions", subscriptions_blocks(found.subscriptions, scope=scope))


async def run_status(_request: Status, call: Call) -> None:
    status = await call.deps.channels.status(call.actor)
    blocks = status_blocks(
        last_received=status.last_received,
        backlog=status.backlog,
        dead=status.dead,
        paused=status.paused,
        webhooks=status.webhooks,
        rejected=status.rejected,
        tz=call.deps.tz,
    )
    await call.say("Relay status", blocks)


async def run_oncall(request: OnCall, call: Call) -> None:
    oncall = call.deps.channels.oncall
    if request.target is None:
        who = await oncall.target(call.actor)
        await call.say(
            f":rotating_light: On call: {mention(who)}"
            if who
            else "Nobody is on call. An admin can set it: `/bookeo oncall @someone`."
        )
        return
    await oncall.set(call.actor, request.target)
    await call.say(f":white_check_mark: {mention(request.target)} is now on call.")
