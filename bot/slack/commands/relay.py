"""`/bookeo subscribe | unsubscribe | subscriptions | status`: the relay, managed from Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookeo import BookeoError
from bot.catalog import AmbiguousProduct, UnknownProduct
from bot.permissions import Permission, Role
from bot.relay.oncall import mention
from bot.slack.commands.channel import announce
from bot.slack.commands.parser import ListSubscriptions, OnCall, Status, Subscribe, Unsubscribe
from bot.slack.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.permissions import audit, require, role_of
from bot.slack.views.relay import describe, status_blocks, subscriptions_blocks

RelayCommand = Subscribe | Unsubscribe | ListSubscriptions | Status | OnCall


async def answer_relay(
    parsed: RelayCommand,
    *,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    team, user, channel = command["team_id"], command["user_id"], command["channel_id"]
    if isinstance(parsed, Subscribe):
        await require(deps, team_id=team, user_id=user, permission=Permission.MANAGE_ROLES)
        await _subscribe(
            parsed, team=team, user=user, channel=channel, respond=respond, client=client, deps=deps
        )
    elif isinstance(parsed, Unsubscribe):
        await require(deps, team_id=team, user_id=user, permission=Permission.MANAGE_ROLES)
        removed = await deps.store.relay.unsubscribe(
            team_id=team, channel_id=channel, subscription_id=parsed.subscription_id
        )
        await audit(
            deps,
            team_id=team,
            user_id=user,
            action="unsubscribe",
            booking_number=None,
            outcome="ok",
            detail=f"{channel} {parsed.subscription_id or 'all'}: {removed}",
        )
        text = (
            f":white_check_mark: Removed {removed} subscription(s) from <#{channel}>."
            if removed
            else "Nothing to remove here. See `/bookeo subscriptions`."
        )
        await respond(replace_original=True, text=text)
    elif isinstance(parsed, ListSubscriptions):
        admin = (await role_of(deps, team, user)) is Role.ADMIN
        subs = await deps.store.relay.subscriptions(
            team_id=team, channel_id=None if admin else channel
        )
        scope = "in this workspace" if admin else "in this channel"
        await respond(
            replace_original=True,
            text="Subscriptions",
            blocks=[b.to_dict() for b in subscriptions_blocks(subs, scope=scope)],
        )
    elif isinstance(parsed, OnCall):
        await _oncall(parsed, team=team, user=user, respond=respond, deps=deps)
    else:
        await _status(respond=respond, deps=deps, team=team)


async def _oncall(
    parsed: OnCall, *, team: str, user: str, respond: AsyncRespond, deps: Deps
) -> None:
    if parsed.target is None:
        who = await deps.store.oncall.target(team)
        text = (
            f":rotating_light: On call: {mention(who)}"
            if who
            else "Nobody is on call. An admin can set it: `/bookeo oncall @someone`."
        )
        await respond(replace_original=True, text=text)
        return
    await require(deps, team_id=team, user_id=user, permission=Permission.MANAGE_ROLES)
    await deps.store.oncall.set_target(team, parsed.target, by=user, at=deps.clock.now())
    await audit(
        deps,
        team_id=team,
        user_id=user,
        action="oncall",
        booking_number=None,
        outcome="ok",
        detail=parsed.target,
    )
    await respond(
        replace_original=True, text=f":white_check_mark: {mention(parsed.target)} is now on call."
    )


async def _subscribe(
    parsed: Subscribe,
    *,
    team: str,
    user: str,
    channel: str,
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    product = None
    if parsed.product:
        try:
            product = await deps.catalog.match(parsed.product)
        except (AmbiguousProduct, UnknownProduct) as error:
            raise UserFacingError(f":grey_question: {error}") from None
    sub = await deps.store.relay.subscribe(
        team_id=team,
        channel_id=channel,
        created_by=user,
        at=deps.clock.now(),
        kinds=parsed.kinds,
        product_id=product.product_id if product else None,
        product_name=product.name if product else None,
        within_hours=parsed.within_hours,
        quiet=parsed.quiet,
        broadcast=parsed.broadcast,
        urgent_hours=parsed.urgent_hours,
    )
    await announce(
        client,
        channel,
        f":bell: <@{user}> subscribed this channel to booking updates: {describe(sub)}",
        undo=lambda: deps.store.relay.unsubscribe(
            team_id=team, channel_id=channel, subscription_id=sub.id
        ),
    )
    await deps.store.relay.resume(channel)  # a new subscription un-pauses the channel
    await audit(
        deps,
        team_id=team,
        user_id=user,
        action="subscribe",
        booking_number=None,
        outcome="ok",
        detail=f"{channel}: {describe(sub)}",
    )
    await respond(replace_original=True, text=f":white_check_mark: Subscribed: {describe(sub)}")


async def _status(*, respond: AsyncRespond, deps: Deps, team: str) -> None:
    relay = deps.store.relay
    try:
        webhooks = await deps.bookeo.webhooks.list()
    except BookeoError:
        webhooks = None
    paused = [s for s in await relay.subscriptions(team_id=team) if s.paused_reason]
    blocks = status_blocks(
        last_received=await relay.last_received(),
        backlog=await relay.backlog(),
        dead=await relay.dead_letters(),
        paused=paused,
        webhooks=webhooks,
        rejected=deps.intake.counts["rejected"] if deps.intake else 0,
        tz=deps.tz,
    )
    await respond(replace_original=True, text="Relay status", blocks=[b.to_dict() for b in blocks])
