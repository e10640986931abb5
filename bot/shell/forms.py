"""Filling a modal at prompts: one question per input, then submit it as Slack would.

Enter keeps the value shown in [brackets]; '-' empties an optional text field; ':cancel'
(or the end of input) closes the form. Inline errors ask again for the fields they name
and for those left empty; a `dispatch_action` input is sent as soon as it is answered, and
a pushed confirmation without inputs is a yes/no.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.shell.console import Console
from bot.shell.link import BotLink
from bot.shell.screen import Screen
from bot.shell.workspace import USER

View = dict[str, Any]
Block = dict[str, Any]
Entry = dict[str, Any]  # one input's state, keyed by its action id, as Slack sends it
CLOSE = (":cancel", ":quit", ":q")


class FormFiller:
    def __init__(self, console: Console, screen: Screen, link: BotLink) -> None:
        self._console = console
        self._screen = screen
        self._link = link

    async def fill_open_form(self) -> None:
        """Ask for each input of the open modal, submit it, and follow where that leads."""
        screen = self._screen
        answered: dict[str, Entry] = {}
        while screen.view is not None and _has_inputs(screen.view):
            view = screen.view
            pending = [
                b
                for b in view["blocks"]
                if b.get("type") == "input" and b["block_id"] not in answered
            ]
            if pending:
                if not await self._answer(pending[0], view, answered):
                    self._console.say("(form closed)")
                    screen.view = None
                    return
                continue
            ack = await self._submit(view, answered)
            action = ack.get("response_action")
            if action == "errors":
                self._forget_refused(view, ack.get("errors", {}), answered)
                continue
            if action in ("update", "push"):
                if not await self._follow(view, ack, action):
                    return
                answered = {}
                continue
            screen.view = None

    async def _answer(self, block: Block, view: View, answered: dict[str, Entry]) -> bool:
        """Ask for one input (False: the form was closed); send it if it dispatches."""
        entry = await self._ask_block(block, view)
        if entry is None:  # :cancel or end of input
            return False
        answered[block["block_id"]] = entry
        if block.get("dispatch_action"):
            body = self._link.slack.dispatch_action(
                view,
                answered,
                user=USER,
                action_id=block["element"]["action_id"],
                action_type=block["element"]["type"],
            )
            await self._link.post(body)
            await self._link.settle()
        return True

    def _forget_refused(
        self, view: View, errors: dict[str, str], answered: dict[str, Entry]
    ) -> None:
        for block_id, message in errors.items():
            self._console.say(f"  ✗ {_label(view, block_id)}: {message}")
            answered.pop(block_id, None)
        # Ask again for what was left empty too: the fix may be there (a new customer).
        for block_id in [b for b, entry in answered.items() if _is_empty(entry)]:
            answered.pop(block_id)

    async def _follow(self, view: View, ack: dict[str, Any], action: str) -> bool:
        """Show the view the submission led to (False: a confirmation was declined)."""
        screen = self._screen
        new_view = dict(ack["view"]) | {"id": view["id"] if action == "update" else "VPUSHED"}
        screen.view = new_view
        screen.show_view(new_view)
        if action == "push" and not _has_inputs(new_view):
            submit = new_view.get("submit", {}).get("text", "Submit")
            yes = await self._console.ask(f"{submit}? [y/N] ")
            if not (yes or "").strip().lower().startswith("y"):
                self._console.say("(not done)")
                screen.view = None
                return False
            screen.view = new_view
            await self._submit(new_view, {})
        await self._link.settle()
        if screen.view is new_view:
            screen.view = None
        return True

    async def _submit(self, view: View, values: dict[str, Entry]) -> dict[str, Any]:
        body = self._link.slack.view_submission(view, values, user=USER)
        response = await self._link.post(body)
        try:
            result: dict[str, Any] = response.json() if response.content else {}
        except ValueError:
            result = {}
        return result

    # -- one question per kind of input -----------------------------------------------------

    async def _ask_block(self, block: Block, view: View) -> Entry | None:
        element = block["element"]
        kind = element["type"]
        label = block["label"]["text"] + ("" if not block.get("optional") else " (optional)")
        if kind in ("static_select", "external_select"):
            return await self._ask_select(block, view, label)
        if kind == "checkboxes":
            return await self._ask_checkboxes(element)
        if kind == "datepicker":
            initial = element.get("initial_date", "")
            answer = await self._ask(f"{label} [{initial}]: ")
            if answer is None:
                return None
            return {element["action_id"]: {"type": kind, "selected_date": answer or initial}}
        if kind == "datetimepicker":
            return await self._ask_date_time(element, label)
        initial = element.get("initial_value") or ""
        answer = await self._ask(f"{label}{f' [{initial}]' if initial else ''}: ")
        if answer is None:
            return None
        value: str | None = None if answer == "-" else answer or initial or None
        return {element["action_id"]: {"type": kind, "value": value}}

    async def _ask_select(self, block: Block, view: View, label: str) -> Entry | None:
        element = block["element"]
        kind, action = element["type"], element["action_id"]
        options = element.get("options") or []
        if kind == "external_select":
            query = await self._ask(f"{label} — search: ")
            if query is None:
                return None
            if not query:
                return {action: {"type": kind, "selected_option": None}}
            body = self._link.slack.block_suggestion(
                view, user=USER, action_id=action, block_id=block["block_id"], query=query
            )
            response = await self._link.post(body)
            options = response.json().get("options", []) if response.content else []
        if not options:
            self._console.say(f"  (no choices for {label})")
            return {action: {"type": kind, "selected_option": None}}
        initial = element.get("initial_option")
        for number, option in enumerate(options, start=1):
            mark = " *" if initial and option["value"] == initial["value"] else ""
            self._console.say(f"    {number}. {option['text']['text']}{mark}")
        answer = await self._ask(f"{label} [{'keep *' if initial else 'number'}]: ")
        if answer is None:
            return None
        choice = initial
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            choice = options[int(answer) - 1]
        elif answer:
            choice = next(
                (o for o in options if answer.lower() in o["text"]["text"].lower()), initial
            )
        return {action: {"type": kind, "selected_option": choice}}

    async def _ask_checkboxes(self, element: dict[str, Any]) -> Entry | None:
        chosen = []
        initial_values = {o["value"] for o in element.get("initial_options") or []}
        for option in element.get("options", []):
            default = "Y/n" if option["value"] in initial_values else "y/N"
            answer = await self._ask(f"{option['text']['text']}? [{default}] ")
            if answer is None:
                return None
            yes = answer.lower().startswith("y") if answer else option["value"] in initial_values
            if yes:
                chosen.append(option)
        return {element["action_id"]: {"type": "checkboxes", "selected_options": chosen}}

    async def _ask_date_time(self, element: dict[str, Any], label: str) -> Entry | None:
        answer = await self._ask(f"{label} [now]: ")
        if answer is None:
            return None
        when = datetime.now(UTC)
        if answer:
            try:
                when = datetime.fromisoformat(answer).astimezone(UTC)
            except ValueError:
                self._console.say("  (not a date and time; using now)")
        stamp = int(when.timestamp())
        return {element["action_id"]: {"type": "datetimepicker", "selected_date_time": stamp}}

    async def _ask(self, prompt: str) -> str | None:
        """The answer stripped, or None when the form is to close."""
        answer = await self._console.ask(prompt)
        if answer is None or answer.strip() in CLOSE:
            return None
        return answer.strip()


def _has_inputs(view: View) -> bool:
    return any(b.get("type") == "input" for b in view.get("blocks", []))


def _label(view: View, block_id: str) -> str:
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return str(block.get("label", {}).get("text", block_id))
    return block_id


def _is_empty(entry: Entry) -> bool:
    state: dict[str, Any] = next(iter(entry.values()), {})
    return not (
        state.get("value")
        or state.get("selected_option")
        or state.get("selected_options")
        or state.get("selected_date")
    )
