"""Filling a modal at prompts: one question per input, then submit it as Slack would.

Enter keeps the value shown in [brackets] (what you gave before, or what the bot set);
'-' empties an optional field; ':cancel' (or the end of input) closes the form. What Slack's
client refuses (too long, out of range, required, no such choice) is asked again on the
spot (inputs.py). Inline errors from the bot ask again for exactly the fields they name,
with what you gave as the default; everything else you answered stays. A
`dispatch_action` input is sent as soon as it is answered, with the whole form's state;
the new-customer fields are not asked once an existing customer is picked; a search that
finds nothing is asked again, as Slack's typeahead stays open; a date with no
free time is asked again (Slack's modal shows the notice and waits for another date); a
pushed confirmation without inputs is a yes/no.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.shell.console import Console
from bot.shell.inputs import (
    TEXT_KINDS,
    Block,
    Entry,
    initial_entry,
    input_blocks,
    is_empty,
    pick,
    refuse_date,
    refuse_text,
    shown,
    state_of,
    view_state,
)
from bot.shell.link import BotLink
from bot.shell.screen import Screen
from bot.shell.workspace import USER
from bot.slack.ids import Block as B

View = dict[str, Any]
CLOSE = (":cancel", ":quit", ":q")
# Asked only when no existing customer is picked (the create form's "or fill in a new one").
NEW_CUSTOMER = (B.FIRST_NAME, B.LAST_NAME, B.EMAIL, B.PHONE)


class FormFiller:
    def __init__(
        self, console: Console, screen: Screen, link: BotLink, *, tz: tzinfo = UTC
    ) -> None:
        self._tz = tz  # the business's: a date and time is shown and typed in it
        self._console = console
        self._screen = screen
        self._link = link
        self.typed_instead: str | None = None

    async def fill_open_form(self) -> None:
        """Ask for each input of the open modal, submit it, and follow where that leads."""
        screen = self._screen
        answered: dict[str, Entry] = {}  # what the person gave, by block id
        asked: set[str] = set()  # blocks asked (and not refused since)
        while screen.view is not None and input_blocks(screen.view):
            view = screen.view
            pending = [
                b
                for b in input_blocks(view)
                if b["block_id"] not in asked and not _skipped(b, view, answered)
            ]
            if pending:
                asked.add(pending[0]["block_id"])
                if not await self._answer(pending[0], view, answered):
                    self._console.say("(form closed)")
                    screen.view = None
                    return
                if _no_free_time(screen.view) and B.DATE in asked:
                    # Slack's modal shows the notice and the person picks another date; at a
                    # prompt the next question would be the party: ask for the date again.
                    asked.discard(B.DATE)
                continue
            ack = await self._submit(view, view_state(view, answered))
            action = ack.get("response_action")
            if action == "errors":
                self._ask_again(view, ack.get("errors", {}), asked)
                continue
            if action in ("update", "push"):
                if not await self._follow(view, ack, action):
                    return
                answered, asked = {}, set()
                continue
            screen.view = None

    async def _answer(self, block: Block, view: View, answered: dict[str, Entry]) -> bool:
        """Ask for one input (False: the form was closed); send it if it dispatches."""
        current = view_state(view, answered)[block["block_id"]]
        entry = await self._ask_block(block, view, state_of(current))
        if entry is None:  # :cancel or end of input
            return False
        answered[block["block_id"]] = entry
        if block.get("dispatch_action"):
            body = self._link.slack.dispatch_action(
                view,
                view_state(view, answered),
                user=USER,
                action_id=block["element"]["action_id"],
                action_type=block["element"]["type"],
            )
            await self._link.post(body)
            await self._link.settle()
        return True

    def _ask_again(self, view: View, errors: dict[str, str], asked: set[str]) -> None:
        """Show the bot's inline errors; the fields they name are asked again, and only they
        (an existing customer refused brings back the new-customer fields below it)."""
        ids = {b["block_id"] for b in input_blocks(view)}
        for block_id, message in errors.items():
            self._console.say(f"  ✗ {_label(view, block_id)}: {message}")
            asked.discard(block_id)
            if block_id == B.CUSTOMER:
                asked.difference_update(NEW_CUSTOMER)
        if not ids & set(errors):  # nothing here to fix it: go through the form again
            asked.clear()

    async def _follow(self, view: View, ack: dict[str, Any], action: str) -> bool:
        """Show the view the submission led to (False: a confirmation was declined)."""
        screen = self._screen
        new_view = dict(ack["view"]) | {"id": view["id"] if action == "update" else "VPUSHED"}
        screen.view = new_view
        screen.show_view(new_view)
        if action == "push" and not input_blocks(new_view):
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

    # -- one question per kind of input, asked until Slack's client would take it ----------

    async def _ask_block(self, block: Block, view: View, current: dict[str, Any]) -> Entry | None:
        element = block["element"]
        kind, action = element["type"], element["action_id"]
        optional = bool(block.get("optional"))
        label = block["label"]["text"] + (" (optional)" if optional else "")
        if kind in ("static_select", "external_select"):
            return await self._ask_select(block, view, label, current.get("selected_option"))
        if kind == "checkboxes":
            return await self._ask_checkboxes(element, current.get("selected_options") or [])
        if kind == "datetimepicker":
            return await self._ask_date_time(element, label, current.get("selected_date_time"))
        if kind == "datepicker":
            while True:
                before = current.get("selected_date") or ""
                answer = await self._ask(f"{label}{f' [{before}]' if before else ''}: ")
                if answer is None:
                    return None
                value = None if answer == "-" and optional else answer or before or None
                if (why := refuse_date(value, optional=optional)) is None:
                    return {action: {"type": kind, "selected_date": value}}
                self._console.say(f"  ✗ {why}")
        if kind not in TEXT_KINDS:
            self._console.say(f"  (the shell cannot fill a {kind}; left as it is)")
            return initial_entry(block)
        while True:
            before = current.get("value") or ""
            answer = await self._ask(f"{label}{f' [{shown(before)}]' if before else ''}: ")
            if answer is None:
                return None
            value = None if answer == "-" and optional else answer or before or None
            if (why := refuse_text(element, value, optional=optional)) is None:
                return {action: {"type": kind, "value": value}}
            self._console.say(f"  ✗ {why}")

    async def _ask_select(
        self, block: Block, view: View, label: str, before: dict[str, Any] | None
    ) -> Entry | None:
        element = block["element"]
        kind, action = element["type"], element["action_id"]
        optional = bool(block.get("optional"))
        options = element.get("options") or []
        query: str | None = ""
        while True:
            if kind == "external_select":
                keep = f" [{before['text']['text']}]" if before else ""
                query = await self._ask(f"{label} — search{keep}: ")
                if query is None:
                    return None
                if not query or query == "-":
                    kept = None if query == "-" else before
                    return {action: {"type": kind, "selected_option": kept}}
                options = await self._suggest(block, view, query)
            if not options and kind == "external_select":
                # Slack's typeahead stays open on "No results" while the person types on:
                # here the search is asked again (Enter leaves the field as it was).
                self._console.say(f"  (nothing matches {query!r}; search again, or Enter)")
                continue
            if not options:
                self._console.say("  (no choices; left empty)")
                return {action: {"type": kind, "selected_option": None}}
            for number, option in enumerate(options, start=1):
                mark = " *" if before and option["value"] == before["value"] else ""
                self._console.say(f"    {number}. {option['text']['text']}{mark}")
            answer = await self._ask(f"{label} [{'keep *' if before else 'number'}]: ")
            if answer is None:
                return None
            if not answer or (answer == "-" and optional):
                if answer or before or optional:
                    kept = None if answer == "-" else before
                    return {action: {"type": kind, "selected_option": kept}}
                self._console.say("  ✗ This field is required.")
                continue
            choice = pick(options, answer)
            if isinstance(choice, dict):
                return {action: {"type": kind, "selected_option": choice}}
            self._console.say(f"  ✗ {choice}")

    async def _suggest(self, block: Block, view: View, query: str) -> list[dict[str, Any]]:
        body = self._link.slack.block_suggestion(
            view,
            user=USER,
            action_id=block["element"]["action_id"],
            block_id=block["block_id"],
            query=query,
        )
        response = await self._link.post(body)
        options: list[dict[str, Any]] = (
            response.json().get("options", []) if response.content else []
        )
        return options

    async def _ask_checkboxes(
        self, element: dict[str, Any], before: list[dict[str, Any]]
    ) -> Entry | None:
        chosen = []
        ticked = {o["value"] for o in before}
        for option in element.get("options", []):
            default = "Y/n" if option["value"] in ticked else "y/N"
            while True:
                answer = await self._ask(f"{option['text']['text']}? [{default}] ")
                if answer is None:
                    return None
                if not answer or answer.lower()[:1] in ("y", "n"):
                    break
                self._console.say("  ✗ Answer y or n.")
            yes = answer.lower().startswith("y") if answer else option["value"] in ticked
            if yes:
                chosen.append(option)
        return {element["action_id"]: {"type": "checkboxes", "selected_options": chosen}}

    async def _ask_date_time(
        self, element: dict[str, Any], label: str, before: int | None
    ) -> Entry | None:
        shown_before = (
            f"{datetime.fromtimestamp(before, self._tz):%Y-%m-%d %H:%M}" if before else "now"
        )
        while True:
            answer = await self._ask(f"{label} [{shown_before}]: ")
            if answer is None:
                return None
            stamp = before or int(datetime.now(UTC).timestamp())
            if answer:
                try:
                    when = datetime.fromisoformat(answer)
                    stamp = int(
                        (when if when.tzinfo else when.replace(tzinfo=self._tz)).timestamp()
                    )
                except ValueError:
                    self._console.say("  ✗ Type a date and time as YYYY-MM-DD HH:MM.")
                    continue
            return {element["action_id"]: {"type": "datetimepicker", "selected_date_time": stamp}}

    async def _ask(self, prompt: str) -> str | None:
        """The answer stripped, or None when the form is to close (a command typed instead
        of an answer closes it too, and is kept in `typed_instead` to be run next)."""
        answer = await self._console.ask(prompt)
        if answer is not None and answer.strip().startswith("/bookeo"):
            self.typed_instead = answer.strip()
            return None
        if answer is None or answer.strip() in CLOSE:
            return None
        return answer.strip()


def _no_free_time(view: View | None) -> bool:
    """The create or edit form says the chosen date has no free time (and asks no time)."""
    blocks = (view or {}).get("blocks", [])
    return any(b.get("block_id") == f"{B.SLOT}_none" for b in blocks) and not any(
        b.get("block_id") == B.SLOT for b in blocks
    )


def _skipped(block: Block, view: View, answered: dict[str, Entry]) -> bool:
    """A new-customer field, once an existing customer is picked."""
    if block["block_id"] not in NEW_CUSTOMER:
        return False
    customer = view_state(view, answered).get(B.CUSTOMER)
    return customer is not None and not is_empty(customer)


def _label(view: View, block_id: str) -> str:
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return str(block.get("label", {}).get("text", block_id))
    return block_id
