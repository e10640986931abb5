"""Everything Bolt: `register(app, deps)` binds every listener from one place (`ids.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import actions, home
from bot.slack.commands.handlers import on_bookeo
from bot.slack.deps import Deps
from bot.slack.errors import install_error_handler
from bot.slack.ids import Action, Callback, Command, Event
from bot.slack.modals import dispatch
from bot.slack.modals.cancel import on_cancel_submit
from bot.slack.modals.payment import on_pay_submit, on_refund_confirm

__all__ = ["Deps", "register"]


def register(app: AsyncApp, deps: Deps) -> None:
    async def inject(context: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        await next()

    app.use(inject)
    install_error_handler(app)

    app.command(Command.BOOKEO)(on_bookeo)

    app.action(Action.SHOW)(actions.on_show)
    app.action(Action.CUSTOMER)(actions.on_customer)
    app.action(Action.SHARE)(actions.on_share)
    app.action(Action.EDIT)(actions.on_edit)
    app.action(Action.CANCEL)(actions.on_cancel)
    app.action(Action.PAY)(actions.on_pay)
    app.action(Action.OPEN)(actions.on_open_in_bookeo)
    app.action(Action.HOME_NEW)(home.on_new)
    app.action(Action.HOME_FIND)(home.on_find)

    dispatch.register(app)
    app.view(Callback.CANCEL)(on_cancel_submit)
    app.view(Callback.PAY)(on_pay_submit)
    app.view(Callback.REFUND_CONFIRM)(on_refund_confirm)
    app.view(Callback.FIND)(home.on_find_submit)

    app.event(Event.APP_HOME_OPENED)(home.on_home_opened)
