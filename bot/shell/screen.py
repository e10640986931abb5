"""What the bot sends to Slack, shown in the terminal: messages, cards, modals, and the
numbered buttons you can press."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.shell.console import Console
from bot.shell.render import Button, blocks_text, plain
from bot.shell.workspace import DESK, NAMES

# Where a button was shown, for the request that presses it: a channel (and message ts or
# response_url), or a modal {"view": ...}.
Context = dict[str, Any]


class Screen:
    def __init__(self, console: Console, *, response_url: Callable[[str], str]) -> None:
        self._say = console.say
        self._response_url = response_url
        self.buttons: dict[int, tuple[Button, Context]] = {}
        self.view: dict[str, Any] | None = None  # the modal open now, if any
        self.answered: set[str] = set()  # response_url tokens that got a reply
        self.quiet = False  # set-up commands: show only what they post in threads
        self.fresh = True  # the next answer with buttons replaces the numbered ones
        self.places: dict[int, str] = {}  # button number → where its message was shown
        self._messages: dict[str, tuple[str, Context]] = {}  # response_url token → its message
        self._last_view_text = ""

    def on_slack(self, method: str, args: dict[str, Any]) -> None:
        """A Web API call (or a `respond:<token>` to a response_url) the bot made."""
        if self.quiet and method == "chat.postMessage" and not args.get("thread_ts"):
            return
        if method.startswith("respond:"):
            token = method.split(":")[1]
            self.answered.add(token)
            if self.quiet:  # the answer to a set-up command the greeting already told
                return
            context = {"channel": DESK, "response_url": self._response_url(token)}
            where = (
                "#front-desk" if args.get("response_type") == "in_channel" else "Bookeo (only you)"
            )
            pressed = self._messages.get(token)
            if pressed is not None and args.get("replace_original") not in (None, False, "false"):
                where, context = pressed  # the message a button was pressed in, replaced
                where += " (updated)"
            self.message(where, args, context)
        elif method == "chat.postMessage":
            channel = str(args.get("channel"))
            where = (
                f"#{NAMES.get(channel, channel)}"
                if channel.startswith("C")
                else f"DM to @{NAMES.get(channel, channel)}"
            )
            prefix = "  ↳ thread: " if args.get("thread_ts") else ""
            self.message(prefix + where, args, {"channel": channel, "ts": args.get("ts")})
        elif method == "chat.update":
            channel = str(args.get("channel"))
            self.message(
                f"#{NAMES.get(channel, channel)} (card updated)",
                args,
                {"channel": channel, "ts": args.get("ts")},
            )
        elif method == "chat.postEphemeral":
            self.message("Bookeo (only you)", args, {"channel": str(args.get("channel"))})
        elif method in ("views.open", "views.update", "views.push"):
            self.view = args["view"]
            self.show_view(self.view)

    def replace_by(self, token: str, button: int) -> str:
        """Remember that replies to `token`'s response_url answer button `button`'s message."""
        where = self.places.get(button, "Bookeo").removeprefix("  ↳ thread: ")
        self._messages[token] = (where, dict(self.buttons[button][1]))
        return token

    def message(self, where: str, message: dict[str, Any], context: Context) -> None:
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
            self.places[shown.number] = where
        self._say(f"{where}:\n" + "\n".join(f"  {line}" for line in lines))

    def show_view(self, view: dict[str, Any]) -> None:
        title = view.get("title", {}).get("text", "")
        shown = [b for b in view.get("blocks", []) if b.get("type") != "input"]
        self._renumber_if_fresh(shown)
        lines, buttons = blocks_text(shown, first_button=len(self.buttons) + 1, names=NAMES)
        for b in buttons:
            self.buttons[b.number] = (b, {"view": view})
        body = "".join(f"│ {line}\n" for line in lines if line.strip(" -"))  # none: only fields
        text = f"┌─ {title}\n{body}└─"
        if text != self._last_view_text:  # a form reloaded with nothing new to show
            self._say(text)
            self._last_view_text = text

    def _renumber_if_fresh(self, blocks: list[dict[str, Any]]) -> None:
        """Buttons stay pressable until the next answer that brings buttons of its own."""
        has_buttons = any(
            b.get("type") == "actions" or (b.get("accessory") or {}).get("type") == "button"
            for b in blocks
        )
        if has_buttons and self.fresh:
            self.buttons = {}
            self.fresh = False
