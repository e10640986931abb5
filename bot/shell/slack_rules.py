"""What Slack refuses in a payload, as one pure module (no I/O).

Written from Slack's reference (api.slack.com/reference/block-kit/blocks, /block-elements,
/composition-objects, /reference/surfaces/views, /interactivity/handling; the numbers are in
shared PLATFORM.md §A4): blocks per message 50 and per view 100, section text 3,000, fields
10 × 2,000, header 150, button text 75 and value 2,000, action_id and block_id 255, block_id
unique in its message or view and action_id unique in its block, modal title / submit / close
24, private_metadata 3,000, options 100 with text 75 and value 150, input label 2,000,
placeholder 150, `initial_value` within `max_length`, and `errors` keyed to input blocks that
exist. Message `text` over 40,000 characters is `msg_too_long`.

The shell's stand-in (slack_stub.py) and the tests' fake Slack answer with these checks, as
Slack does: `invalid_blocks` for chat.*, `invalid_arguments` for views.*, `msg_too_long`. The
pure builders' property tests hold their output against the same functions.

`mrkdwn_problems` is not a refusal: Slack shows stray `&`, `<`, `>` and broadcasts outside data
smuggles in (`<!channel>`), so the builders escape outside data; tests use it to check that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000
SECTION_TEXT = 3000
FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
ID = 255
VIEW_TITLE = 24  # title, submit and close
PRIVATE_METADATA = 3000
OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
CHOICES = 10  # checkboxes, radio buttons
OVERFLOW_OPTIONS = 5
LABEL = 2000  # input label and hint
PLACEHOLDER = 150
INPUT_LENGTH = 3000
MARKDOWN_BLOCK = 12_000
CONFIRM = {"title": 100, "text": 300, "confirm": 30, "deny": 30}

SELECTS = frozenset({"static_select", "multi_static_select"})
OPTION_LIST_ELEMENTS = SELECTS | {"checkboxes", "radio_buttons", "overflow"}


@dataclass(frozen=True)
class Problem:
    """One thing Slack refuses: where (a JSON path) and why."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, why: str) -> None:
        self.problems.append(Problem(where, why))

    def length(self, where: str, value: Any, limit: int, *, least: int = 0) -> None:
        if value is None:
            return
        size = len(str(value))
        if size > limit:
            self.fail(where, f"{size} characters, more than {limit}")
        elif size < least:
            self.fail(where, f"must have at least {least} character{'s' * (least != 1)}")

    def text(self, where: str, obj: Any, limit: int, *, plain_only: bool = False) -> None:
        """A text object (or, as slack_sdk accepts, a bare string)."""
        if obj is None:
            return
        if isinstance(obj, str):
            self.length(where, obj, limit, least=1)
            return
        if not isinstance(obj, Mapping):
            self.fail(where, "not a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn") or (plain_only and kind != "plain_text"):
            self.fail(where, f"text type {kind!r} not allowed here")
        self.length(f"{where}.text", obj.get("text", ""), limit, least=1)

    # -- surfaces ---------------------------------------------------------------------------

    def message(self, where: str, args: Mapping[str, Any]) -> None:
        self.length(f"{where}text", args.get("text"), MESSAGE_TEXT)
        blocks = args.get("blocks")
        if blocks is not None:
            self.blocks(f"{where}blocks", blocks, MESSAGE_BLOCKS)

    def view(self, where: str, view: Any) -> None:
        if not isinstance(view, Mapping):
            self.fail(where, "not a view object")
            return
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.fail(f"{where}.type", f"unknown view type {kind!r}")
        blocks = view.get("blocks") or []
        self.blocks(f"{where}.blocks", blocks, VIEW_BLOCKS)
        self.length(f"{where}.private_metadata", view.get("private_metadata"), PRIVATE_METADATA)
        self.length(f"{where}.callback_id", view.get("callback_id"), ID)
        self.length(f"{where}.external_id", view.get("external_id"), ID)
        if kind == "modal":
            if view.get("title") is None:
                self.fail(f"{where}.title", "a modal needs a title")
            for part in ("title", "submit", "close"):
                self.text(f"{where}.{part}", view.get(part), VIEW_TITLE, plain_only=True)
            has_input = any(isinstance(b, Mapping) and b.get("type") == "input" for b in blocks)
            if has_input and view.get("submit") is None:
                self.fail(f"{where}.submit", "a modal with input blocks needs a submit button")

    # -- blocks -----------------------------------------------------------------------------

    def blocks(self, where: str, blocks: Any, limit: int) -> None:
        if not isinstance(blocks, list):
            self.fail(where, "blocks must be a list")
            return
        if len(blocks) > limit:
            self.fail(where, f"{len(blocks)} blocks, more than {limit}")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            at = f"{where}[{i}]"
            if not isinstance(block, Mapping):
                self.fail(at, "not a block object")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.length(f"{at}.block_id", block_id, ID)
                if block_id in seen:
                    self.fail(f"{at}.block_id", f"block_id {block_id!r} is not unique")
                seen.add(str(block_id))
            self.block(at, block)

    def block(self, at: str, block: Mapping[str, Any]) -> None:
        kind = block.get("type")
        if kind == "section":
            self.section(at, block)
        elif kind == "header":
            self.text(f"{at}.text", block.get("text"), HEADER_TEXT, plain_only=True)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                self.fail(f"{at}.elements", f"{len(elements)} elements, 1 to {CONTEXT_ELEMENTS}")
            for j, element in enumerate(elements):
                if isinstance(element, Mapping) and element.get("type") == "image":
                    continue
                self.text(f"{at}.elements[{j}]", element, SECTION_TEXT)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > ACTIONS_ELEMENTS:
                self.fail(f"{at}.elements", f"{len(elements)} elements, 1 to {ACTIONS_ELEMENTS}")
            self.elements(at, elements)
        elif kind == "input":
            self.text(f"{at}.label", block.get("label"), LABEL, plain_only=True)
            self.text(f"{at}.hint", block.get("hint"), LABEL, plain_only=True)
            if block.get("element") is None:
                self.fail(f"{at}.element", "an input block needs an element")
            else:
                self.elements(at, [block["element"]], key="element")
        elif kind == "markdown":
            self.length(f"{at}.text", block.get("text"), MARKDOWN_BLOCK, least=1)
        elif kind not in ("divider", "image", "rich_text", "file", "video"):
            self.fail(f"{at}.type", f"unknown block type {kind!r}")

    def section(self, at: str, block: Mapping[str, Any]) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            self.fail(at, "a section needs text or fields")
        self.text(f"{at}.text", text, SECTION_TEXT)
        if fields is not None:
            if len(fields) > FIELDS:
                self.fail(f"{at}.fields", f"{len(fields)} fields, more than {FIELDS}")
            for j, item in enumerate(fields):
                self.text(f"{at}.fields[{j}]", item, FIELD_TEXT)
        if block.get("accessory") is not None:
            self.elements(at, [block["accessory"]], key="accessory")

    # -- elements ---------------------------------------------------------------------------

    def elements(self, at: str, elements: Iterable[Any], *, key: str = "elements") -> None:
        action_ids: set[str] = set()
        for j, element in enumerate(elements):
            where = f"{at}.{key}" if key != "elements" else f"{at}.elements[{j}]"
            if not isinstance(element, Mapping):
                self.fail(where, "not an element object")
                continue
            action_id = element.get("action_id")
            if action_id is not None:
                self.length(f"{where}.action_id", action_id, ID)
                if action_id in action_ids:
                    self.fail(f"{where}.action_id", f"action_id {action_id!r} is not unique")
                action_ids.add(str(action_id))
            self.element(where, element)

    def element(self, where: str, element: Mapping[str, Any]) -> None:
        kind = element.get("type")
        self.text(f"{where}.placeholder", element.get("placeholder"), PLACEHOLDER, plain_only=True)
        if element.get("confirm") is not None:
            self.confirm(f"{where}.confirm", element["confirm"])
        if kind == "button":
            self.text(f"{where}.text", element.get("text"), BUTTON_TEXT, plain_only=True)
            self.length(f"{where}.value", element.get("value"), BUTTON_VALUE)
            self.length(f"{where}.url", element.get("url"), URL)
        elif kind in OPTION_LIST_ELEMENTS:
            self.option_list(where, element)
        elif kind == "plain_text_input":
            self.text_input(where, element)

    def option_list(self, where: str, element: Mapping[str, Any]) -> None:
        kind = element.get("type")
        options = element.get("options")
        groups = element.get("option_groups")
        limit = {"checkboxes": CHOICES, "radio_buttons": CHOICES, "overflow": OVERFLOW_OPTIONS}
        most = limit.get(str(kind), OPTIONS)
        if kind in SELECTS and options is None and groups is None:
            self.fail(where, "a static select needs options or option_groups")
        if options is not None:
            self.options(f"{where}.options", options, most)
        if groups is not None:
            if len(groups) > OPTIONS:
                self.fail(f"{where}.option_groups", f"{len(groups)} groups, more than {OPTIONS}")
            for g, group in enumerate(groups):
                self.text(f"{where}.option_groups[{g}].label", group.get("label"), OPTION_TEXT)
                self.options(f"{where}.option_groups[{g}].options", group.get("options"), most)

    def options(self, where: str, options: Any, most: int = OPTIONS) -> None:
        if not isinstance(options, list):
            self.fail(where, "options must be a list")
            return
        if len(options) > most:
            self.fail(where, f"{len(options)} options, more than {most}")
        for k, option in enumerate(options):
            if not isinstance(option, Mapping):
                self.fail(f"{where}[{k}]", "not an option object")
                continue
            self.text(f"{where}[{k}].text", option.get("text"), OPTION_TEXT)
            self.length(f"{where}[{k}].value", option.get("value"), OPTION_VALUE, least=1)

    def text_input(self, where: str, element: Mapping[str, Any]) -> None:
        most = element.get("max_length")
        least = element.get("min_length")
        if most is not None and not 1 <= int(most) <= INPUT_LENGTH:
            self.fail(f"{where}.max_length", f"{most} is outside 1–{INPUT_LENGTH}")
        if least is not None and not 0 <= int(least) <= INPUT_LENGTH:
            self.fail(f"{where}.min_length", f"{least} is outside 0–{INPUT_LENGTH}")
        limit = min(int(most), INPUT_LENGTH) if most is not None else INPUT_LENGTH
        self.length(f"{where}.initial_value", element.get("initial_value"), limit)

    def confirm(self, where: str, confirm: Any) -> None:
        if not isinstance(confirm, Mapping):
            self.fail(where, "not a confirmation dialog")
            return
        for part, limit in CONFIRM.items():
            self.text(f"{where}.{part}", confirm.get(part), limit)


# -- what the fake and the stand-in call ----------------------------------------------------


def message_problems(args: Mapping[str, Any]) -> list[Problem]:
    """chat.postMessage / chat.update / chat.postEphemeral arguments, or a response_url post."""
    check = _Checker()
    check.message("", args)
    return check.problems


def view_problems(view: Any) -> list[Problem]:
    check = _Checker()
    check.view("view", view)
    return check.problems


def options_problems(answer: Mapping[str, Any]) -> list[Problem]:
    """The ack of a block_suggestion (options load): ≤100 options or option groups."""
    check = _Checker()
    if answer.get("options") is not None:
        check.options("options", answer["options"])
    if answer.get("option_groups") is not None:
        check.option_list("", {"type": "static_select", **answer})
    return check.problems


def view_ack_problems(answer: Mapping[str, Any], submitted: Any = None) -> list[Problem]:
    """The ack of a view_submission: `response_action` errors keyed to input blocks of the
    submitted view; update / push carry a valid view."""
    check = _Checker()
    action = answer.get("response_action")
    if action in ("update", "push"):
        check.view("view", answer.get("view"))
    elif action == "errors":
        errors = answer.get("errors") or {}
        if not errors:
            check.fail("errors", "response_action errors needs at least one error")
        blocks = (submitted or {}).get("blocks") or [] if isinstance(submitted, Mapping) else []
        inputs = {b.get("block_id") for b in blocks if b.get("type") == "input"}
        for block_id in errors:
            if submitted is not None and block_id not in inputs:
                check.fail(f"errors.{block_id}", "no input block with this block_id in the view")
    elif action not in (None, "clear"):
        check.fail("response_action", f"unknown response_action {action!r}")
    return check.problems


def ack_problems(kind: str, answer: Any, submitted: Any = None) -> list[Problem]:
    """The body of the bot's HTTP answer to a Slack request of this `kind` (a payload type, or
    "command" for a slash command); empty bodies are always fine."""
    if not isinstance(answer, Mapping) or not answer:
        return []
    if kind == "view_submission":
        return view_ack_problems(answer, submitted)
    if kind == "block_suggestion":
        return options_problems(answer)
    return message_problems(answer)


def call_problems(method: str, args: Mapping[str, Any]) -> tuple[str, list[Problem]]:
    """The error Slack answers `method` with, and why; ("", []) when Slack accepts it."""
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage"):
        text = args.get("text")
        if text is not None and len(str(text)) > MESSAGE_TEXT:
            return "msg_too_long", [Problem("text", f"{len(str(text))} characters")]
        found = message_problems(args)
        return ("invalid_blocks", found) if found else ("", [])
    if method.startswith("views."):
        found = view_problems(args.get("view"))
        return ("invalid_arguments", found) if found else ("", [])
    return "", []


def refusal(method: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
    """Slack's `ok: false` answer to this call, or None when Slack accepts it."""
    error, problems = call_problems(method, args)
    if not error:
        return None
    messages = [f"[ERROR] {p}" for p in problems]
    return {
        "ok": False,
        "error": error,
        "errors": messages,
        "response_metadata": {"messages": messages},
    }


# -- mrkdwn hygiene (what escaping prevents; Slack does not refuse it) ----------------------

_CONTROL = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_SAFE_CONTROL = re.compile(
    r"^(@[UW][A-Z0-9]+|#C[A-Z0-9]+|(https?|mailto|tel|slack):[^|]*)(\|[^|]*)?$"
)


def mrkdwn_problems(text: str) -> list[str]:
    """Stray control characters in mrkdwn: `&` not starting an entity, `<`/`>` outside a link
    or mention, and broadcasts (`<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`)."""
    found: list[str] = []
    rest = _CONTROL.sub(
        lambda m: "" if _SAFE_CONTROL.match(m.group(1)) else f"\0{m.group(0)}\0", text
    )
    for bad in re.findall(r"\0(<[^<>]*>)\0", rest):
        found.append(f"control sequence {bad!r}")
    rest = re.sub(r"\0<[^<>]*>\0", "", rest)
    if "<" in rest or ">" in rest:
        found.append("bare < or >")
    if "&" in _ENTITY.sub("", rest):
        found.append("bare &")
    return found


def mrkdwn_texts(payload: Any) -> Iterable[str]:
    """Every mrkdwn string in a payload: mrkdwn text objects and a message's `text`."""
    if isinstance(payload, Mapping):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            yield payload["text"]
        for key, value in payload.items():
            if key == "text" and isinstance(value, str) and "type" not in payload:
                yield value  # a message's notification text (mrkdwn by default)
            elif isinstance(value, (Mapping, list)):
                yield from mrkdwn_texts(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from mrkdwn_texts(item)
