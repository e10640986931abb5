"""The App Home tab (pure): quick actions, the viewer's role, today and tomorrow."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.permissions import Role
from bot.roster import SlotGroup
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.text import escape, plural
from bot.slack.views.lists import slot_when
from bot.slack.views.modals import modal

MAX_HOME_BLOCKS = 100


def home_view(
    *,
    role: Role,
    days: list[tuple[str, list[SlotGroup]]],
    tz: tzinfo,
    on_sandbox: bool,
    error: str | None = None,
) -> View:
    blocks: list[Block] = [
        HeaderBlock(text="Bookeo"),
        ActionsBlock(
            elements=[
                ButtonElement(text="New booking", action_id=Action.HOME_NEW, style="primary"),
                ButtonElement(text="Find booking", action_id=Action.HOME_FIND),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Your role: *{role.value}* · times in {escape(str(tz))}"
                    + (" · :test_tube: sandbox data" if on_sandbox else "")
                )
            ]
        ),
    ]
    if error:
        blocks.append(SectionBlock(text=error))
    days_blocks: list[tuple[Block, bool]] = []  # (block, is it a slot)
    for label, groups in days:
        days_blocks.append((DividerBlock(), False))
        days_blocks.append((SectionBlock(text=f"*{escape(label)}*"), False))
        if not groups:
            days_blocks.append((SectionBlock(text="_No bookings._"), False))
        days_blocks.extend((_slot_block(group, tz), True) for group in groups)
    if len(blocks) + len(days_blocks) <= MAX_HOME_BLOCKS:
        return View(type="home", blocks=blocks + [b for b, _ in days_blocks])
    # A home tab holds 100 blocks: show what fits, and say how many slots are left out.
    kept = days_blocks[: MAX_HOME_BLOCKS - len(blocks) - 1]
    while kept and not kept[-1][1]:
        kept.pop()  # no day label or divider without a slot under it at the end
    hidden = sum(1 for _, slot in days_blocks if slot) - sum(1 for _, slot in kept if slot)
    more = ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"…and {plural(hidden, 'more slot')}: "
                "see `/bookeo today` and `/bookeo tomorrow`."
            )
        ]
    )
    return View(type="home", blocks=[*blocks, *(b for b, _ in kept), more])


def _slot_block(group: SlotGroup, tz: tzinfo) -> SectionBlock:
    facts = [plural(group.people, "person", "people")]
    if group.seats_left is not None:
        facts.append(f"{plural(group.seats_left, 'seat')} left")
    if group.unpaid:
        facts.append(f":warning: {group.unpaid} unpaid")
    return SectionBlock(
        text=f"{slot_when(group, tz)} · *{escape(group.product_name)}*\n"
        f"{plural(len(group.bookings), 'booking')} · {' · '.join(facts)}"
    )


def find_view() -> View:
    return modal(
        callback_id=Callback.FIND,
        title="Find a booking",
        submit="Find",
        blocks=[
            InputBlock(
                block_id=B.QUERY,
                label="Booking number, name, email or phone",
                element=PlainTextInputElement(
                    action_id="value", max_length=200, focus_on_load=True
                ),
            )
        ],
    )


def found_view(blocks: list[Block]) -> View:
    """What the App Home find modal shows once Bookeo answered: a booking's card, or a page
    of matches (Show opens a booking over it, Show more puts the next page in its place)."""
    return modal(callback_id=Callback.FIND_RESULT, title="Find a booking", blocks=blocks)
