"""A modal's inputs as Slack's client keeps them (pure): the state it sends, and what it
refuses before anything is sent.

Slack sends every input of the view in `view.state.values` — what the person changed, and
for the rest the initial value the bot set (or nothing) — so a form reloaded by a
`dispatch_action` keeps the date and the party the bot chose. And Slack's client refuses,
on the spot, what an input does not allow: text over `max_length` or under `min_length`, a
number outside `min_value`/`max_value` or with a decimal where none is allowed, a required
input left empty. The shell does both the same way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

Block = dict[str, Any]
Entry = dict[str, Any]  # one input's state, keyed by its action id, as Slack sends it
TEXT_KINDS = ("plain_text_input", "number_input", "email_text_input", "url_text_input")


def input_blocks(view: dict[str, Any]) -> list[Block]:
    return [b for b in view.get("blocks", []) if b.get("type") == "input"]


def initial_entry(block: Block) -> Entry:
    """What Slack sends for an input nobody has touched: the value the view set, or none."""
    element = block["element"]
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in ("static_select", "external_select"):
        state["selected_option"] = element.get("initial_option")
    elif kind == "checkboxes":
        state["selected_options"] = list(element.get("initial_options") or [])
    elif kind == "datepicker":
        state["selected_date"] = element.get("initial_date")
    elif kind == "datetimepicker":
        state["selected_date_time"] = element.get("initial_date_time")
    else:
        state["value"] = element.get("initial_value")
    return {element["action_id"]: state}


def view_state(view: dict[str, Any], answered: dict[str, Entry]) -> dict[str, Entry]:
    """`state.values` as Slack would send it: every input of `view`, answered or initial.

    An answer for a block the view no longer has (a product changed, its categories too) is
    not sent, as Slack forgets inputs a `views.update` removed.
    """
    values: dict[str, Entry] = {}
    for block in input_blocks(view):
        entry = answered.get(block["block_id"])
        action = block["element"]["action_id"]
        values[block["block_id"]] = entry if entry and action in entry else initial_entry(block)
    return values


def state_of(entry: Entry) -> dict[str, Any]:
    state: dict[str, Any] = next(iter(entry.values()), {})
    return state


def is_empty(entry: Entry) -> bool:
    state = state_of(entry)
    return not (
        state.get("value")
        or state.get("selected_option")
        or state.get("selected_options")
        or state.get("selected_date")
        or state.get("selected_date_time")
    )


def shown(text: str, width: int = 40) -> str:
    """A value as a [default]: one line, clipped."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def refuse_text(element: dict[str, Any], value: str | None, *, optional: bool) -> str | None:
    """Why Slack's client would refuse `value` in this text or number input; None if fine."""
    if not value:
        return None if optional else "This field is required."
    if element["type"] == "number_input":
        return _refuse_number(element, value)
    if element["type"] == "email_text_input" and "@" not in value:
        return "Enter an email address."
    longest, shortest = element.get("max_length"), element.get("min_length")
    if longest is not None and len(value) > int(longest):
        return f"At most {int(longest):,} characters (this is {len(value):,})."
    if shortest is not None and len(value) < int(shortest):
        return f"At least {int(shortest):,} characters."
    return None


def _refuse_number(element: dict[str, Any], value: str) -> str | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "Enter a number."
    if not number.is_finite():
        return "Enter a number."
    if not element.get("is_decimal_allowed") and number != number.to_integral_value():
        return "Enter a whole number."
    low, high = element.get("min_value"), element.get("max_value")
    if (low is not None and number < Decimal(low)) or (high is not None and number > Decimal(high)):
        if low is not None and high is not None:
            return f"Enter a number from {low} to {high}."
        return f"Enter a number of at least {low}." if low is not None else f"At most {high}."
    return None


def pick(options: list[dict[str, Any]], answer: str) -> dict[str, Any] | str:
    """The option `answer` names (its number, or words of its label), or why none is."""
    if answer.isdigit():
        if 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        return f"Pick a number from 1 to {len(options)}."
    matches = [o for o in options if answer.lower() in o["text"]["text"].lower()]
    exact = [o for o in matches if o["text"]["text"].lower() == answer.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        return f"No choice matches {answer!r}: type its number."
    return f"{len(matches)} choices match {answer!r}: type its number."


def refuse_date(value: str | None, *, optional: bool) -> str | None:
    if not value:
        return None if optional else "This field is required."
    try:
        date.fromisoformat(value)
    except ValueError:
        return "Type a date as YYYY-MM-DD."
    return None
