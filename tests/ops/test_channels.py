"""ChannelOps and Lookups without Slack: an actor in, a typed result out, the role checked
and every write audited (a denial as "denied", a write that raised as "failed")."""

from __future__ import annotations

from datetime import time

import pytest

from bot.app import BotApp
from bot.ops import Actor, PermissionDenied, UserFacingError
from bot.ops.channels import SubscriptionForm
from bot.ops.errors import NotInChannel
from bot.permissions import Role
from bot.sandbox import Sandbox
from bot.store import Digest, Subscription
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_requests import TEAM

pytestmark = pytest.mark.asyncio
ALL = frozenset({"created", "changed", "canceled", "payments"})
admin = Actor(TEAM, ADMIN, Role.ADMIN)
staff = Actor(TEAM, STAFF, Role.STAFF)


class Announcements:
    """An `announce` that records what it was asked to say, or says the bot is not there."""

    def __init__(self, *, there: bool = True) -> None:
        self.said: list[object] = []
        self.there = there

    async def __call__(self, setting: object) -> None:
        if not self.there:
            raise NotInChannel()
        self.said.append(setting)


async def audit(bot: BotApp) -> list[tuple[str, str, str]]:
    return [(a.user_id, a.action, a.outcome) for a in await bot.store.audit_log()]


async def test_an_admin_subscribes_a_channel_and_it_is_announced_and_audited(
    bot: BotApp,
) -> None:
    announce = Announcements()
    sub = await bot.deps.channels.subscribe(
        admin, "CSUB", SubscriptionForm(ALL, within_hours=48), announce=announce
    )
    assert isinstance(sub, Subscription) and sub.channel_id == "CSUB" and sub.within_hours == 48
    assert announce.said == [sub]
    listed = await bot.deps.channels.subscriptions(admin, "CELSEWHERE")
    assert listed.workspace and [s.id for s in listed.subscriptions] == [sub.id]
    here = await bot.deps.channels.subscriptions(staff, "CELSEWHERE")
    assert not here.workspace and here.subscriptions == []  # others see their channel's only
    elsewhere = await bot.deps.channels.unsubscribe(admin, "CELSEWHERE", sub.id)
    assert elsewhere.removed == 0 and elsewhere.elsewhere == "CSUB"  # named, not removed
    assert (await bot.deps.channels.unsubscribe(admin, "CSUB")).removed == 1
    assert await audit(bot) == [
        (ADMIN, "subscribe", "ok"),
        (ADMIN, "unsubscribe", "ok"),
        (ADMIN, "unsubscribe", "ok"),
    ]


async def test_channel_settings_need_manage_channels_and_a_denial_is_audited(
    bot: BotApp,
) -> None:
    announce = Announcements()
    with pytest.raises(PermissionDenied, match="admin"):
        await bot.deps.channels.subscribe(staff, "CSUB", SubscriptionForm(ALL), announce=announce)
    with pytest.raises(PermissionDenied):
        await bot.deps.channels.oncall.set(staff, "U0ONCALL")
    with pytest.raises(PermissionDenied):
        await bot.deps.channels.timed_posts.digest_off(staff, "CSUB")
    assert announce.said == []
    assert await bot.store.relay.subscriptions() == []
    assert await audit(bot) == [(STAFF, "manage_channels", "denied")] * 3


async def test_roles_need_manage_roles(bot: BotApp) -> None:
    with pytest.raises(PermissionDenied):
        await bot.deps.channels.roles.set(staff, "U0SOMEONE", Role.ADMIN)
    await bot.deps.channels.roles.set(admin, "U0SOMEONE", Role.CASHIER)
    listed = await bot.deps.channels.roles.list(staff)
    assert ("U0SOMEONE", Role.CASHIER) in listed.assigned
    assert listed.bootstrap_admins == (ADMIN,)
    assert await audit(bot) == [(STAFF, "manage_roles", "denied"), (ADMIN, "set_role", "ok")]


async def test_not_in_the_channel_undoes_the_setting_and_audits_the_failure(
    bot: BotApp,
) -> None:
    away = Announcements(there=False)
    with pytest.raises(NotInChannel, match="/invite @Bookeo"):
        await bot.deps.channels.subscribe(admin, "CAWAY", SubscriptionForm(ALL), announce=away)
    with pytest.raises(NotInChannel):
        await bot.deps.channels.timed_posts.set_digest(
            admin, "CAWAY", at=time(8), product=None, always=False, announce=away
        )
    assert await bot.store.relay.subscriptions() == []
    assert await bot.store.timed_posts.digests() == []
    assert await audit(bot) == [(ADMIN, "subscribe", "failed"), (ADMIN, "digest", "failed")]


async def test_an_unknown_product_is_explained_before_anything_is_written(bot: BotApp) -> None:
    announce = Announcements()
    with pytest.raises(UserFacingError, match="No product matches 'submarine'"):
        await bot.deps.channels.subscribe(
            admin, "CSUB", SubscriptionForm(ALL, product="submarine"), announce=announce
        )
    with pytest.raises(UserFacingError, match="No product matches"):
        await bot.deps.channels.timed_posts.set_reminder(
            admin, "CSUB", minutes=30, product="submarine", announce=announce
        )
    assert announce.said == [] and await audit(bot) == []


async def test_digest_and_reminders_set_shown_and_stopped(bot: BotApp) -> None:
    posts = bot.deps.channels.timed_posts
    assert await posts.digest(staff, "CDAY") is None
    announce = Announcements()
    digest = await posts.set_digest(
        admin, "CDAY", at=time(7, 30), product="kayak", always=True, announce=announce
    )
    assert isinstance(digest, Digest) and digest.at == time(7, 30) and digest.always
    assert digest.product_name is not None and "Kayak" in digest.product_name
    assert await posts.digest(staff, "CDAY") == digest
    reminder = await posts.set_reminder(admin, "CDAY", minutes=45, product=None, announce=announce)
    assert announce.said == [digest, reminder]
    assert await posts.reminder(staff, "CDAY") == reminder
    assert await posts.digest_off(admin, "CDAY") is True
    assert await posts.digest_off(admin, "CDAY") is False
    assert await posts.reminders_off(admin, "CDAY") is True
    assert [a for _, a, _ in await audit(bot)] == [
        "digest",
        "remind",
        "digest_off",
        "digest_off",
        "reminders_off",
    ]


async def test_on_call_set_shown_and_an_unknown_page(bot: BotApp) -> None:
    oncall = bot.deps.channels.oncall
    assert await oncall.target(staff) is None
    await oncall.set(admin, "S0GROUP")
    assert await oncall.target(staff) == "S0GROUP"
    with pytest.raises(UserFacingError, match="not known"):
        await oncall.acknowledge(staff, 424242)
    assert await audit(bot) == [(ADMIN, "oncall", "ok"), (STAFF, "oncall_ack", "failed")]


async def test_status_reports_the_relay(bot: BotApp) -> None:
    status = await bot.deps.channels.status(staff)
    assert status.webhooks is not None  # the sandbox answers
    assert status.rejected == 0 and status.paused == []
    assert set(status.backlog) <= {"pending", "done", "dead"}


async def test_lookups_find_a_booking_its_payments_and_its_customer(
    bot: BotApp, sandbox: Sandbox
) -> None:
    number = next(p.booking_number for p in sandbox.state.payments.values())
    found = await bot.deps.lookups.find(staff, number)
    assert [b.booking_number for b in found.bookings] == [number]
    paid = await bot.deps.lookups.payments(staff, number)
    assert paid.booking.booking_number == number and paid.payments
    customer = await bot.deps.lookups.customer(staff, number)
    assert customer is not None
    assert customer.customer.id == sandbox.state.bookings[number].customer_id
    assert await bot.deps.lookups.customer(staff, "nobody@nowhere.invalid") is None


async def test_lookups_roster_and_home(bot: BotApp) -> None:
    week = await bot.deps.lookups.roster(staff, offset=0, days=3)
    assert week.first_day == bot.deps.today() and week.days == 3 and week.product is None
    assert (week.last_day - week.first_day).days == 2
    assert week.groups  # walking and kayak tours run every day
    kayak = await bot.deps.lookups.roster(staff, offset=1, days=1, product="kayak")
    assert kayak.product is not None
    assert all(g.product_name == kayak.product.name for g in kayak.groups)
    home = await bot.deps.lookups.home(staff)
    assert home.error is None and [d.days for d in home.days] == [1, 1]
    with pytest.raises(UserFacingError, match="No product matches"):
        await bot.deps.lookups.roster(staff, offset=0, days=1, product="submarine")
