"""The shell session: type `/bookeo …`, press buttons by number, fill modals at prompts, and
make back-office changes with `:backoffice …` to watch them reach #bookings.

Same Bolt app and handlers as `serve`: each line becomes a signed request to the bot's real
`/slack/events` (in-process), and what the bot sends to Slack arrives at a stand-in on
loopback that prints it. Works interactively and with commands piped on stdin.

This module is the loop and the dispatch of what you type; screen.py shows what the bot
sends, forms.py fills modals, backoffice.py makes the back office's changes.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.app import BotApp, build_app
from bot.config import load_settings
from bot.shell.backoffice import BackOffice
from bot.shell.console import Ask, Console
from bot.shell.forms import FormFiller
from bot.shell.link import BotLink
from bot.shell.screen import Screen
from bot.shell.slack_requests import SlackRequests
from bot.shell.slack_stub import SlackStub
from bot.shell.workspace import APP, BOOKINGS, DESK, NAMES, PEOPLE, TEAM, USER, mentions

HELP = f"""Type a Slack command, or one of these:
  /bookeo help                 every /bookeo command (try: /bookeo today, /bookeo new)
  @name in a command           one of the shell's people: {", ".join("@" + p for p in PEOPLE)}
                               (try: /bookeo oncall @sam)
  :press N   (or just N)       press button N of the last message
  :backoffice new [product]    make a booking "in Bookeo's back office" (sandbox only)
  :backoffice cancel N [why]   cancel booking N there        :backoffice pay N 20.00
  :backoffice move N           move booking N to its product's next free slot
  :help   :quit
In a form: Enter keeps the value shown in [brackets]; '-' empties an optional field;
':cancel' closes the form."""
QUIT = (":quit", ":q", "exit", "quit")


class Session:
    def __init__(self, *, out: TextIO, ask: Ask, echo: bool) -> None:
        self.console = Console(out=out, ask=ask, echo=echo)
        self.screen = Screen(self.console, response_url=self._response_url)
        self.stub = SlackStub(self.screen.on_slack)
        self.slack = SlackRequests(secret=secrets.token_hex(16), team=TEAM, app_id=APP)
        self.backoffice = BackOffice(self.console.say)
        self.bot: BotApp | None = None
        self._link: BotLink | None = None
        self._forms: FormFiller | None = None
        self.counter = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="bookeo-shell-")

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        await self.stub.start()
        settings = load_settings(
            slack_bot_token="xoxb-shell",  # noqa: S106 - talks only to the in-process stand-in
            slack_signing_secret=self.slack.secret,
            slack_app_token=None,
            slack_api_url=self.stub.api_url,
            database_url=f"sqlite:///{Path(self._tmp.name) / 'shell.db'}",
            bot_admins=USER,
            public_url=None,
        )
        self.bot = build_app(settings)
        self._link = BotLink(self.bot, self.slack)
        self._forms = FormFiller(self.console, self.screen, self._link, tz=self.bot.deps.tz)
        await self.bot.start()
        await self._link.settle()
        say = self.console.say
        where = "the Bookeo SANDBOX (made-up data)" if self.bot.sandbox else "your Bookeo account"
        say(f"bookeo-bot shell — on {where}, times in {settings.business_timezone}.")
        say("You are @you, an admin, in #front-desk. #bookings is subscribed to every change.")
        say(":help for help, :quit to leave.\n")
        self.screen.quiet = True
        await self._command("subscribe", channel=BOOKINGS)
        self.screen.quiet = False

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        await self.stub.stop()
        self._tmp.cleanup()

    async def run(self) -> None:
        while True:
            line = await self.console.ask("> ")
            if line is None or line.strip() in QUIT:
                return
            await self.handle(line.strip())

    async def handle(self, line: str) -> None:
        if not line:
            return
        if line in (":help", "help", "?"):
            self.console.say(HELP)
        elif line.startswith("/bookeo"):
            await self._command(line.removeprefix("/bookeo").strip(), channel=DESK)
        elif line.startswith(":press ") or line.isdigit():
            await self._press(line.removeprefix(":press").strip())
        elif line.startswith(":backoffice"):
            self.backoffice.run(
                self.bot.sandbox if self.bot else None, line.removeprefix(":backoffice").split()
            )
            await self._connected().settle()
        else:
            self.console.say("Type /bookeo …, a button number, or :help.")

    # -- what you type, sent as Slack would -------------------------------------------------

    async def _command(self, text: str, *, channel: str) -> None:
        link = self._connected()
        self.counter += 1
        self.screen.fresh = True
        token = f"r{self.counter}"
        body = self.slack.slash_command(
            mentions(text),
            user=USER,
            user_name="you",
            channel=channel,
            response_url=self._response_url(token),
            trigger_id=f"t{self.counter}",
        )
        response = await link.post(body)
        await link.settle()
        # An ack with text (a usage error) is the answer; shown unless a reply came instead.
        if response.content and token not in self.screen.answered and not self.screen.quiet:
            try:
                ack = response.json()
            except ValueError:
                ack = {"text": response.text}
            self.screen.message("Bookeo (only you)", ack, {"channel": channel})
        await self._fill_open_form()

    async def _press(self, text: str) -> None:
        buttons = self.screen.buttons
        if not text.isdigit() or int(text) not in buttons:
            self.console.say(
                f"No button {text}. Buttons of the last messages: "
                + ", ".join(f"[{n}] {b.label}" for n, (b, _) in sorted(buttons.items()))
            )
            return
        number = int(text)
        button, context = buttons[number]
        if button.url:
            self.console.say(f"(opens {button.url} in a browser)")
        self.counter += 1
        ephemeral = "response_url" in context
        response_url = context.get("response_url")
        if response_url is None and "view" not in context:
            # Slack sends a response_url with every message button: it replaces that message.
            response_url = self._response_url(self.screen.replace_by(f"m{self.counter}", number))
        self.screen.buttons = {}
        presser = self._presser(str(context.get("channel", "")))
        body = self.slack.block_action(
            button.action_id,
            button.value,
            user=presser,
            trigger_id=f"t{self.counter}",
            view=context.get("view"),
            channel=context.get("channel", ""),
            message_ts=context.get("ts", "0"),
            ephemeral=ephemeral,
            response_url=response_url,
        )
        link = self._connected()
        await link.post(body)
        await link.settle()
        await self._fill_open_form()

    def _presser(self, channel: str) -> str:
        """Who presses a button: you, except in a colleague's DM, which only they see (the
        bot posts a DM to the person's user id)."""
        if channel in PEOPLE.values() and channel != USER:
            self.console.say(
                f"(as @{NAMES[channel]}: a DM's buttons are pressed by the person it was sent to)"
            )
            return channel
        return USER

    async def _fill_open_form(self) -> None:
        forms = self._forms
        assert forms is not None
        await forms.fill_open_form()
        if forms.typed_instead is not None:  # a command typed in the form: run it now
            line, forms.typed_instead = forms.typed_instead, None
            await self.handle(line)

    def _connected(self) -> BotLink:
        assert self._link is not None, "start() first"
        return self._link

    def _response_url(self, token: str) -> str:
        return self.stub.response_url(token)


async def run_shell(*, interactive: bool, out: TextIO = sys.stdout) -> None:
    async def ask(prompt: str) -> str | None:
        if interactive:
            try:
                return await asyncio.to_thread(input, prompt)
            except EOFError:
                return None
        line = await asyncio.to_thread(sys.stdin.readline)
        return line.rstrip("\n") if line else None

    session = Session(out=out, ask=ask, echo=not interactive)
    await session.start()
    try:
        await session.run()
    finally:
        await session.stop()


__all__ = ["Session", "run_shell"]
