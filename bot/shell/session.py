"""The shell session: type `/bookeo …`, press buttons by number, fill modals at prompts, and
make back-office changes with `:backoffice …` to watch them reach #bookings.

Same Bolt app and handlers as `serve`: each line becomes a signed request to the bot's real
`/slack/events` (in-process), and what the bot sends to Slack arrives at a stand-in on
loopback that prints it. Works interactively and with commands piped on stdin.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import httpx

from bot.app import BotApp, build_app
from bot.config import Settings, load_settings
from bot.sandbox.errors import ApiError
from bot.sandbox.state import BACK_OFFICE_AGENT
from bot.shell import requests as slack
from bot.shell.render import Button, blocks_text, plain
from bot.shell.slack_stub import SlackStub

DESK, BOOKINGS = "CDESK", "CBOOKINGS"
NAMES = {slack.USER: "you", "UBOT": "Bookeo", DESK: "front-desk", BOOKINGS: "bookings"}
HELP = """Type a Slack command, or one of these:
  /bookeo help                 every /bookeo command (try: /bookeo today, /bookeo new)
  :press N   (or just N)       press button N of the last message
  :backoffice new [product]    make a booking "in Bookeo's back office" (sandbox only)
  :backoffice cancel N [why]   cancel booking N there        :backoffice pay N 20.00
  :backoffice move N           move booking N to its product's next free slot
  :help   :quit
In a form: Enter keeps the value shown in [brackets]; '-' empties an optional field;
':cancel' closes the form."""

Ask = Callable[[str], Awaitable[str | None]]
_CLOSE = (":cancel", ":quit", ":q")


class Session:
    def __init__(self, *, out: TextIO, ask: Ask, echo: bool) -> None:
        self.out = out
        self.ask_line = ask
        self.echo = echo
        self.stub = SlackStub(self._on_slack)
        self.secret = secrets.token_hex(16)
        self.bot: BotApp | None = None
        self.buttons: dict[int, tuple[Button, dict[str, Any]]] = {}
        self.view: dict[str, Any] | None = None
        self.counter = 0
        self._answered: set[str] = set()  # response_url tokens that got a reply
        self._last_view_text = ""
        self._fresh = True
        self._tmp = tempfile.TemporaryDirectory(prefix="bookeo-shell-")

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        await self.stub.start()
        settings = load_settings(
            slack_bot_token="xoxb-shell",  # noqa: S106 - talks only to the in-process stand-in
            slack_signing_secret=self.secret,
            slack_app_token=None,
            slack_api_url=self.stub.api_url,
            database_url=f"sqlite:///{Path(self._tmp.name) / 'shell.db'}",
            bot_admins=slack.USER,
            public_url=None,
        )
        self.bot = build_app(settings)
        await self.bot.start()
        await self._settle()
        where = "the Bookeo SANDBOX (made-up data)" if self.bot.sandbox else "your Bookeo account"
        self._say(f"bookeo-bot shell — on {where}, times in {settings.business_timezone}.")
        self._say(
            "You are @you, an admin, in #front-desk. #bookings is subscribed to every change."
        )
        self._say(":help for help, :quit to leave.\n")
        self._quiet = True
        await self._command("subscribe", channel=BOOKINGS)
        self._quiet = False

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        await self.stub.stop()
        self._tmp.cleanup()

    async def run(self) -> None:
        while True:
            line = await self._ask("> ")
            if line is None or line.strip() in (":quit", ":q", "exit", "quit"):
                return
            await self.handle(line.strip())

    async def handle(self, line: str) -> None:
        if not line:
            return
        if line in (":help", "help", "?"):
            self._say(HELP)
        elif line.startswith("/bookeo"):
            await self._command(line.removeprefix("/bookeo").strip(), channel=DESK)
        elif line.startswith(":press ") or line.isdigit():
            await self._press(line.removeprefix(":press").strip())
        elif line.startswith(":backoffice"):
            self._backoffice(line.removeprefix(":backoffice").split())
            await self._settle()
        else:
            self._say("Type /bookeo …, a button number, or :help.")

    # -- talking to the bot -----------------------------------------------------------------

    async def _post(
        self, body: str, content_type: str = "application/x-www-form-urlencoded"
    ) -> httpx.Response:
        assert self.bot is not None
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.bot.asgi), base_url="http://bot"
        ) as http:
            return await http.post(
                "/slack/events", content=body, headers=slack.signed(body, self.secret, content_type)
            )

    async def _settle(self) -> None:
        """Wait until the bot, the sandbox and the relay have nothing left to do."""
        assert self.bot is not None
        for _ in range(100):
            await self.bot.deps.background.drain()
            if self.bot.sandbox is not None:
                await self.bot.sandbox.drain_webhooks()
            await asyncio.sleep(0.05)
            pending = (await self.bot.deps.store.relay.backlog()).get("pending", 0)
            if not pending and not self.bot.deps.background.busy:
                return

    async def _command(self, text: str, *, channel: str) -> None:
        self.counter += 1
        self._fresh = True
        token = f"r{self.counter}"
        body = slack.slash_command(
            text,
            channel=channel,
            response_url=self.stub.response_url(token),
            trigger_id=f"t{self.counter}",
        )
        response = await self._post(body)
        await self._settle()
        # In Slack the reply replaces the "One moment…" ack; show the ack only if nothing came.
        if response.content and token not in self._answered and not getattr(self, "_quiet", False):
            try:
                ack = response.json()
            except ValueError:
                ack = {"text": response.text}
            self._message("Bookeo (only you)", ack, {"channel": channel})
        await self._fill_open_form()

    async def _press(self, text: str) -> None:
        if not text.isdigit() or int(text) not in self.buttons:
            self._say(
                f"No button {text}. Buttons of the last messages: "
                + ", ".join(f"[{n}] {b.label}" for n, (b, _) in sorted(self.buttons.items()))
            )
            return
        button, context = self.buttons[int(text)]
        if button.url:
            self._say(f"(opens {button.url} in a browser)")
        self.counter += 1
        self.buttons = {}
        await self._post(
            slack.button(
                button.action_id, button.value, trigger_id=f"t{self.counter}", context=context
            )
        )
        await self._settle()
        await self._fill_open_form()

    # -- what the bot sends to Slack --------------------------------------------------------

    def _on_slack(self, method: str, args: dict[str, Any]) -> None:
        if (
            getattr(self, "_quiet", False)
            and method == "chat.postMessage"
            and not args.get("thread_ts")
        ):
            return
        if method.startswith("respond:"):
            self._answered.add(method.split(":")[1])
            context = {
                "channel": DESK,
                "response_url": self.stub.response_url(method.split(":")[1]),
            }
            where = (
                "#front-desk" if args.get("response_type") == "in_channel" else "Bookeo (only you)"
            )
            self._message(where, args, context)
        elif method == "chat.postMessage":
            channel = str(args.get("channel"))
            where = (
                f"#{NAMES.get(channel, channel)}"
                if channel.startswith("C")
                else f"DM to @{NAMES.get(channel, channel)}"
            )
            prefix = "  ↳ thread: " if args.get("thread_ts") else ""
            self._message(prefix + where, args, {"channel": channel, "ts": args.get("ts")})
        elif method == "chat.update":
            channel = str(args.get("channel"))
            self._message(
                f"#{NAMES.get(channel, channel)} (card updated)",
                args,
                {"channel": channel, "ts": args.get("ts")},
            )
        elif method == "chat.postEphemeral":
            self._message("Bookeo (only you)", args, {"channel": str(args.get("channel"))})
        elif method in ("views.open", "views.update", "views.push"):
            self.view = args["view"]
            self._show_view(self.view)

    def _message(self, where: str, message: dict[str, Any], context: dict[str, Any]) -> None:
        blocks = message.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not blocks:
            self._say(f"{where}: {plain(str(message.get('text', '')), NAMES)}")
            return
        self._renumber_if_fresh(blocks)
        lines, buttons = blocks_text(blocks, first_button=len(self.buttons) + 1, names=NAMES)
        for shown in buttons:
            self.buttons[shown.number] = (shown, context)
        self._say(f"{where}:\n" + "\n".join(f"  {line}" for line in lines))

    def _show_view(self, view: dict[str, Any]) -> None:
        title = view.get("title", {}).get("text", "")
        shown = [b for b in view.get("blocks", []) if b.get("type") != "input"]
        self._renumber_if_fresh(shown)
        lines, buttons = blocks_text(shown, first_button=len(self.buttons) + 1, names=NAMES)
        for b in buttons:
            self.buttons[b.number] = (b, {"view": view})
        text = (
            f"┌─ {title}\n" + "\n".join(f"│ {line}" for line in lines if line.strip(" -")) + "\n└─"
        )
        if text != self._last_view_text:  # a form reloaded with nothing new to show
            self._say(text)
            self._last_view_text = text

    def _renumber_if_fresh(self, blocks: list[dict[str, Any]]) -> None:
        """Buttons stay pressable until the next answer that brings buttons of its own."""
        has_buttons = any(
            b.get("type") == "actions" or (b.get("accessory") or {}).get("type") == "button"
            for b in blocks
        )
        if has_buttons and self._fresh:
            self.buttons = {}
            self._fresh = False

    # -- forms ------------------------------------------------------------------------------

    async def _fill_open_form(self) -> None:
        answered: dict[str, Any] = {}
        while self.view is not None and any(
            b.get("type") == "input" for b in self.view.get("blocks", [])
        ):
            view = self.view
            pending = [
                b
                for b in view["blocks"]
                if b.get("type") == "input" and b["block_id"] not in answered
            ]
            if pending:
                block = pending[0]
                entry = await self._ask_block(block, view)
                if entry is None:  # :cancel or end of input
                    self._say("(form closed)")
                    self.view = None
                    return
                answered[block["block_id"]] = entry
                if block.get("dispatch_action"):
                    await self._post(slack.dispatch(view, answered, block["element"]["action_id"]))
                    await self._settle()
                continue
            ack = await self._submit(view, answered)
            action = ack.get("response_action")
            if action == "errors":
                for block_id, message in ack.get("errors", {}).items():
                    self._say(f"  ✗ {self._label(view, block_id)}: {message}")
                    answered.pop(block_id, None)
                # Ask again for what was left empty too: the fix may be there (a new customer).
                for block_id in [b for b, entry in answered.items() if _is_empty(entry)]:
                    answered.pop(block_id)
                continue
            if action in ("update", "push"):
                new_view = dict(ack["view"]) | {
                    "id": view["id"] if action == "update" else "VPUSHED"
                }
                self.view = new_view
                self._show_view(new_view)
                if action == "push" and not any(
                    b.get("type") == "input" for b in new_view.get("blocks", [])
                ):
                    yes = await self._ask(
                        f"{new_view.get('submit', {}).get('text', 'Submit')}? [y/N] "
                    )
                    if (yes or "").strip().lower().startswith("y"):
                        answered = {}
                        self.view = new_view
                        await self._submit(new_view, {})
                    else:
                        self._say("(not done)")
                        self.view = None
                        return
                await self._settle()
                answered = {}
                if self.view is new_view:
                    self.view = None
                continue
            self.view = None

    async def _submit(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        response = await self._post(slack.submission(view, values))
        try:
            result: dict[str, Any] = response.json() if response.content else {}
        except ValueError:
            result = {}
        return result

    def _label(self, view: dict[str, Any], block_id: str) -> str:
        for block in view.get("blocks", []):
            if block.get("block_id") == block_id:
                return str(block.get("label", {}).get("text", block_id))
        return block_id

    async def _ask_block(
        self, block: dict[str, Any], view: dict[str, Any]
    ) -> dict[str, Any] | None:
        element = block["element"]
        kind = element["type"]
        label = block["label"]["text"] + ("" if not block.get("optional") else " (optional)")
        action = element["action_id"]
        if kind in ("static_select", "external_select"):
            options = element.get("options") or []
            if kind == "external_select":
                query = await self._ask(f"{label} — search: ")
                if query is None or query.strip() in _CLOSE:
                    return None
                if not query.strip():
                    return {action: {"type": kind, "selected_option": None}}
                response = await self._post(
                    slack.suggestion(view, action, block["block_id"], query.strip())
                )
                options = response.json().get("options", []) if response.content else []
            if not options:
                self._say(f"  (no choices for {label})")
                return {action: {"type": kind, "selected_option": None}}
            initial = element.get("initial_option")
            for number, option in enumerate(options, start=1):
                mark = " *" if initial and option["value"] == initial["value"] else ""
                self._say(f"    {number}. {option['text']['text']}{mark}")
            answer = await self._ask(f"{label} [{'keep *' if initial else 'number'}]: ")
            if answer is None or answer.strip() in _CLOSE:
                return None
            choice = initial
            if answer.strip().isdigit() and 1 <= int(answer) <= len(options):
                choice = options[int(answer) - 1]
            elif answer.strip():
                choice = next(
                    (o for o in options if answer.strip().lower() in o["text"]["text"].lower()),
                    initial,
                )
            return {action: {"type": kind, "selected_option": choice}}
        if kind == "checkboxes":
            chosen = []
            initial_values = {o["value"] for o in element.get("initial_options") or []}
            for option in element.get("options", []):
                default = "Y/n" if option["value"] in initial_values else "y/N"
                answer = await self._ask(f"{option['text']['text']}? [{default}] ")
                if answer is None or answer.strip() in _CLOSE:
                    return None
                yes = (
                    answer.strip().lower().startswith("y")
                    if answer.strip()
                    else option["value"] in initial_values
                )
                if yes:
                    chosen.append(option)
            return {action: {"type": kind, "selected_options": chosen}}
        if kind == "datepicker":
            initial = element.get("initial_date", "")
            answer = await self._ask(f"{label} [{initial}]: ")
            if answer is None or answer.strip() in _CLOSE:
                return None
            return {action: {"type": kind, "selected_date": answer.strip() or initial}}
        if kind == "datetimepicker":
            answer = await self._ask(f"{label} [now]: ")
            if answer is None or answer.strip() in _CLOSE:
                return None
            when = datetime.now(UTC)
            if answer.strip():
                try:
                    when = datetime.fromisoformat(answer.strip()).astimezone(UTC)
                except ValueError:
                    self._say("  (not a date and time; using now)")
            return {action: {"type": kind, "selected_date_time": int(when.timestamp())}}
        initial = element.get("initial_value") or ""
        answer = await self._ask(f"{label}{f' [{initial}]' if initial else ''}: ")
        if answer is None or answer.strip() in _CLOSE:
            return None
        value: str | None = answer.strip() or initial or None
        if answer.strip() == "-":
            value = None
        return {action: {"type": kind, "value": value}}

    # -- the back office --------------------------------------------------------------------

    def _backoffice(self, words: list[str]) -> None:
        assert self.bot is not None
        sandbox = self.bot.sandbox
        if sandbox is None:
            self._say("The back office is the sandbox's: run without Bookeo keys to use it.")
            return
        state = sandbox.state
        try:
            verb, rest = (words[0], words[1:]) if words else ("", [])
            if verb == "cancel" and rest:
                state.cancel_booking(
                    rest[0], agent=BACK_OFFICE_AGENT, reason=" ".join(rest[1:]) or None
                )
                self._say(f"(back office: booking {rest[0]} canceled)")
            elif verb == "pay" and len(rest) >= 2:
                state.add_payment(
                    rest[0],
                    {
                        "amount": {"amount": str(Decimal(rest[1])), "currency": state.currency},
                        "paymentMethod": rest[2] if len(rest) > 2 else "cash",
                        "reason": "Payment at the desk",
                    },
                    agent=BACK_OFFICE_AGENT,
                )
                self._say(f"(back office: {rest[1]} {state.currency} paid on booking {rest[0]})")
            elif verb == "move" and rest:
                booking = state.get_booking(rest[0])
                later = next(
                    e
                    for e in sorted(state.events.values(), key=lambda e: e.start)
                    if e.product_id == booking.product_id
                    and e.start > booking.start
                    and state.seats_available(e) >= sum(booking.numbers.values())
                )
                state.update_booking(
                    rest[0],
                    {
                        "eventId": later.event_id,
                        "participants": {
                            "numbers": [
                                {"peopleCategoryId": c, "number": n}
                                for c, n in booking.numbers.items()
                            ]
                        },
                    },
                    agent=BACK_OFFICE_AGENT,
                    backend=True,
                )
                self._say(f"(back office: booking {rest[0]} moved to {later.start:%a %d %b %H:%M})")
            elif verb == "new":
                words_ = " ".join(rest).lower()
                now = datetime.now(UTC)
                event = next(
                    e
                    for e in sorted(state.events.values(), key=lambda e: e.start)
                    if e.start > now
                    and not e.sessions
                    and state.seats_available(e) >= 2
                    and words_ in state.products[e.product_id].name.lower()
                )
                customer = next(iter(state.customers))
                made = state.create_booking(
                    {
                        "productId": event.product_id,
                        "eventId": event.event_id,
                        "customerId": customer,
                        "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 2}]},
                    },
                    agent=BACK_OFFICE_AGENT,
                    backend=True,
                    source="backend",
                )
                self._say(f"(back office: booking {made.number} made)")
            else:
                self._say(
                    "Usage: :backoffice new [product] | cancel N [reason] | "
                    "pay N AMOUNT [method] | move N"
                )
        except ApiError as error:
            self._say(f"(back office refused: {error.message})")
        except StopIteration:
            self._say("(back office: nothing suitable found)")

    # -- input and output -------------------------------------------------------------------

    async def _ask(self, prompt: str) -> str | None:
        answer = await self.ask_line(prompt)
        if self.echo:
            self.out.write(f"{prompt}{answer if answer is not None else ''}\n")
            self.out.flush()
        return answer

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _is_empty(entry: dict[str, Any]) -> bool:
    state: dict[str, Any] = next(iter(entry.values()), {})
    return not (
        state.get("value")
        or state.get("selected_option")
        or state.get("selected_options")
        or state.get("selected_date")
    )


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


__all__ = ["Session", "Settings", "run_shell"]
