"""Everything Bolt: `register(app, deps)` binds every listener from one place (`ids.py`) and
returns what it bound, so the manifest test can compare the two."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.ops import Actor
from bot.permissions import Permission
from bot.slack import actions, home, oncall
from bot.slack.commands.handlers import on_bookeo
from bot.slack.deps import Deps
from bot.slack.ids import Action, Callback, Command, Event
from bot.slack.modals import dispatch
from bot.slack.modals.cancel import on_cancel_submit
from bot.slack.modals.payment import on_pay_submit, on_refund_confirm
from bot.slack.runner import install_error_handler

__all__ = ["Deps", "Registered", "register", "requires"]

Listener = Callable[..., Awaitable[None]]
Middleware = Callable[..., Awaitable[None]]


def requires(permission: Permission) -> Middleware:
    """A listener middleware: the listener runs only for an actor who may `permission`; a
    denial is acknowledged, audited (by `Access.require`) and told like any other error.

    Subcommands declare theirs in the registry instead, and modal openers check once the
    modal is open (a trigger_id lives 3 s), so neither is bound with this."""

    async def check(
        ack: AsyncAck, context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        actor: Actor = context["actor"]
        deps: Deps = context["deps"]
        if not actor.may(permission):
            await ack()
            await deps.access.require(actor, permission)  # raises PermissionDenied
        await next()

    check.__name__ = f"requires_{permission.value}"
    return check


@dataclass
class Registered:
    """The ids bound per surface."""

    commands: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    options: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


class Binder:
    """Binds listeners to `app` and remembers each id."""

    def __init__(self, app: AsyncApp) -> None:
        self.app = app
        self.bound = Registered()

    def command(self, name: str, listener: Listener) -> None:
        self.bound.commands.add(name)
        self.app.command(name)(listener)

    def action(
        self, action_id: str, listener: Listener, *, permission: Permission | None = None
    ) -> None:
        self.bound.actions.add(action_id)
        self.app.action(action_id, middleware=_checks(permission))(listener)

    def options(self, action_id: str, listener: Listener) -> None:
        self.bound.options.add(action_id)
        self.app.options(action_id)(listener)

    def view(
        self, callback_id: str, listener: Listener, *, permission: Permission | None = None
    ) -> None:
        self.bound.views.add(callback_id)
        self.app.view(callback_id, middleware=_checks(permission))(listener)

    def event(self, name: str, listener: Listener, *, permission: Permission | None = None) -> None:
        self.bound.events.add(name)
        self.app.event(name, middleware=_checks(permission))(listener)


def _checks(permission: Permission | None) -> list[Middleware] | None:
    return [requires(permission)] if permission is not None else None


def register(app: AsyncApp, deps: Deps) -> Registered:
    async def inject(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        # Who is asking, read once for every listener: `actor: Actor` in a listener's
        # signature gets it (with the role they hold now, so it is re-checked per request).
        if context.team_id and context.user_id:
            context["actor"] = await deps.access.actor(context.team_id, context.user_id)
        await next()

    app.use(inject)
    install_error_handler(app)
    bind = Binder(app)

    # Each subcommand's permission is in its registry entry (commands/registry.py).
    bind.command(Command.BOOKEO, on_bookeo)

    look = Permission.LOOKUP
    bind.action(Action.SHOW, actions.on_show, permission=look)
    bind.action(Action.MORE, actions.on_more, permission=look)
    bind.action(Action.CUSTOMER, actions.on_customer, permission=look)
    bind.action(Action.SHARE, actions.on_share, permission=look)
    # Modal openers: the modal checks the role once open (the trigger_id cannot wait).
    bind.action(Action.EDIT, actions.on_edit)
    bind.action(Action.CANCEL, actions.on_cancel)
    bind.action(Action.PAY, actions.on_pay)
    bind.action(Action.HOME_NEW, home.on_new)
    bind.action(Action.OPEN, actions.on_open_in_bookeo)  # a link: nothing to allow
    bind.action(Action.HOME_FIND, home.on_find, permission=look)
    bind.action(Action.ONCALL_ACK, oncall.on_acknowledge, permission=look)

    dispatch.register(bind)
    bind.view(Callback.CANCEL, on_cancel_submit)
    bind.view(Callback.PAY, on_pay_submit)
    bind.view(Callback.REFUND_CONFIRM, on_refund_confirm)
    bind.view(Callback.PAY_CONFIRM, on_refund_confirm)  # the same second confirmation
    bind.view(Callback.FIND, home.on_find_submit, permission=look)

    bind.event(Event.APP_HOME_OPENED, home.on_home_opened, permission=look)
    return bind.bound
