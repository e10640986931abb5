"""Block Kit as terminal text: sections, fields and context as lines, buttons numbered (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import emoji


@dataclass(frozen=True)
class Button:
    number: int
    label: str
    action_id: str
    value: str
    url: str | None


_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")
_GROUP = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")


def plain(text: str, names: dict[str, str] | None = None) -> str:
    """mrkdwn → terminal text: mentions by name, no markup characters, entities decoded."""
    names = names or {}
    text = _MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + names.get(m.group(1), m.group(1)), text)
    text = _GROUP.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"(?<!\w)[*_~](?=\S)|(?<=\S)[*_~](?!\w)", "", text)
    text = _SHORTCODE.sub(_emoji, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("`", "")


_SHORTCODE = re.compile(r":([a-z0-9+][a-z0-9_+-]*):")


def _emoji(code: re.Match[str]) -> str:
    """A Slack shortcode as the shell shows it: a few as plain signs, the rest as the emoji
    Slack shows (its names are the library's aliases); a code neither knows stays as typed."""
    name = code.group(1)
    if name in _EMOJI:
        return _EMOJI[name]
    return emoji.emojize(code.group(0), language="alias")


_EMOJI = {
    "white_check_mark": "✓",
    "no_entry": "⛔",
    "warning": "⚠",
    "moneybag": "$",
    "hourglass_flowing_sand": "…",
    "mag": "?",
    "calendar": "",
    "rotating_light": "!!",
    "arrows_counterclockwise": "↻",
    "pencil2": "✎",
    "new": "+",
    "bell": "•",
    "test_tube": "[sandbox]",
    "inbox_tray": "▼",
    "lock": "🔒",
}


def blocks_text(
    blocks: list[dict[str, Any]], *, first_button: int = 1, names: dict[str, str] | None = None
) -> tuple[list[str], list[Button]]:
    """Lines to print and the buttons they show (numbered from `first_button`)."""
    lines: list[str] = []
    buttons: list[Button] = []

    def add_button(element: dict[str, Any]) -> str:
        button = Button(
            first_button + len(buttons),
            element.get("text", {}).get("text", "?"),
            element.get("action_id", ""),
            str(element.get("value") or ""),
            element.get("url"),
        )
        buttons.append(button)
        return f"[{button.number}] {button.label}"

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {plain(block['text']['text'], names)} ==")
        elif kind == "section":
            if block.get("text"):
                lines.extend(plain(block["text"]["text"], names).splitlines())
            fields = [
                plain(f["text"], names).replace("\n", ": ", 1).replace("\n", " · ")
                for f in block.get("fields", [])
            ]
            lines.extend(f"  {f}" for f in fields)
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines[-1] = (
                    f"{lines[-1]}   {add_button(accessory)}" if lines else add_button(accessory)
                )
        elif kind == "context":
            texts = [plain(e.get("text", ""), names) for e in block.get("elements", [])]
            lines.append("  (" + " ".join(t for t in texts if t) + ")")
        elif kind == "actions":
            shown = [add_button(e) for e in block.get("elements", []) if e.get("type") == "button"]
            if shown:
                lines.append("  " + "  ".join(shown))
        elif kind == "divider":
            lines.append("  " + "-" * 40)
    return lines, buttons
