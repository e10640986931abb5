"""Everything Bolt: `register(app, deps)` binds every listener from one place (`ids.py`) and
returns what it bound, so the manifest test can compare the two."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.slack import actions, home, oncall
from bot.slack.commands.handlers import on_bookeo
from bot.slack.deps import Deps
from bot.slack.ids import Action, Callback, Command, Event
from bot.slack.modals import dispatch
from bot.slack.modals.cancel import on_cancel_submit
from bot.slack.modals.payment import on_pay_submit, on_refund_confirm
from bot.slack.runner import install_error_handler

__all__ = ["Deps", "Registered", "register"]

Listener = Callable[..., Awaitable[None]]


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

    def action(self, action_id: str, listener: Listener) -> None:
        self.bound.actions.add(action_id)
        self.app.action(action_id)(listener)

    def options(self, action_id: str, listener: Listener) -> None:
        self.bound.options.add(action_id)
        self.app.options(action_id)(listener)

    def view(self, callback_id: str, listener: Listener) -> None:
        self.bound.views.add(callback_id)
        self.app.view(callback_id)(listener)

    def event(self, name: str, listener: Listener) -> None:
        self.bound.events.add(name)
        self.app.event(name)(listener)


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

    bind.command(Command.BOOKEO, on_bookeo)

    bind.action(Action.SHOW, actions.on_show)
    bind.action(Action.CUSTOMER, actions.on_customer)
    bind.action(Action.SHARE, actions.on_share)
    bind.action(Action.EDIT, actions.on_edit)
    bind.action(Action.CANCEL, actions.on_cancel)
    bind.action(Action.PAY, actions.on_pay)
    bind.action(Action.OPEN, actions.on_open_in_bookeo)
    bind.action(Action.HOME_NEW, home.on_new)
    bind.action(Action.HOME_FIND, home.on_find)
    bind.action(Action.ONCALL_ACK, oncall.on_acknowledge)

    dispatch.register(bind)
    bind.view(Callback.CANCEL, on_cancel_submit)
    bind.view(Callback.PAY, on_pay_submit)
    bind.view(Callback.REFUND_CONFIRM, on_refund_confirm)
    bind.view(Callback.FIND, home.on_find_submit)

    bind.event(Event.APP_HOME_OPENED, home.on_home_opened)
    return bind.bound
