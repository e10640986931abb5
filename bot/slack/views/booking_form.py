"""The create and edit forms (pure): product → date → slot → people → customer → notes.

Inputs that reload the form (`dispatch_action`) keep their block_id and action_id across
`views.update`, so what the person typed survives the reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.bookeo.models import Booking, PeopleCategory, Product
from bot.party import limit_problem, rated_categories, seats_needed
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.text import amount, clip, escape, plural
from bot.slack.views.modals import ModalMeta, modal, summary_blocks
from bot.slots import EventSlot, Slot, SlotChoice, TimeSlot

__all__ = [
    "FormState",
    "create_view",
    "edit_view",
    "parse_slot",
    "price_of",
    "product_options",
    "rated_categories",
    "seats_needed",
    "slot_label",
    "slot_value",
]

_EVENT = "e:"  # the option value of a fixed slot: its event id
_TIME = "t:"  # the option value of a flexible product's time: its ISO start


def slot_value(slot: Slot) -> str:
    """A slot as a Slack option value: `e:<event id>` or `t:<ISO start>`."""
    if isinstance(slot, EventSlot):
        return f"{_EVENT}{slot.event_id}"
    return f"{_TIME}{slot.start.isoformat()}"


def parse_slot(value: object) -> Slot | None:
    """The slot an option value names; None for anything else (an old or forged value)."""
    if not isinstance(value, str):
        return None
    if value.startswith(_EVENT) and len(value) > len(_EVENT):
        return EventSlot(value.removeprefix(_EVENT))
    if value.startswith(_TIME):
        try:
            start = datetime.fromisoformat(value.removeprefix(_TIME))
        except ValueError:
            return None
        return TimeSlot(start) if start.tzinfo is not None else None
    return None


def slot_label(choice: SlotChoice, tz: tzinfo) -> str:
    text = f"{choice.start.astimezone(tz):%H:%M}"
    if choice.end is not None:
        text += f"–{choice.end.astimezone(tz):%H:%M}"
    if choice.seats_left is not None:
        text += f" · {plural(choice.seats_left, 'seat')} left"
    return clip(text, 75)


@dataclass(frozen=True)
class FormState:
    products: list[Product]
    categories: dict[str, PeopleCategory]
    day: date
    tz: tzinfo
    product: Product | None = None
    slots: list[SlotChoice] = field(default_factory=list)
    slot: Slot | None = None
    people: dict[str, int] = field(default_factory=dict)
    notes: str | None = None
    party_error: str | None = None  # why Bookeo refused the party when asked for times
    locale: str = field(kw_only=True)  # LOCALE: how the price is written (`1.250,00 USD`)


def price_of(product: Product, people: dict[str, int]) -> tuple[Decimal, str] | None:
    rates = product.default_rates or []
    if not rates:
        return None
    currency = rates[0].price.currency
    total = Decimal(0)
    if sum(people.values()):
        total += sum((r.price.amount for r in rates if r.people_category_id is None), Decimal(0))
    for rate in rates:
        if rate.people_category_id is not None:
            total += rate.price.amount * people.get(rate.people_category_id, 0)
    return total, currency


MAX_OPTIONS = 100  # a static select's options (Slack refuses more)


def product_options(products: list[Product], query: str = "") -> list[Option]:
    """The products whose name holds `query` (case-insensitive), at most 100: a static
    select's options, or an external select's answer as the person types."""
    needle = query.strip().casefold()
    found = [p for p in products if needle in p.name.casefold()]
    return [Option(value=p.product_id[:150], label=clip(p.name, 75)) for p in found[:MAX_OPTIONS]]


def _product_block(state: FormState) -> InputBlock:
    chosen = state.product
    initial = Option(value=chosen.product_id, label=clip(chosen.name, 75)) if chosen else None
    element: StaticSelectElement | ExternalDataSelectElement
    if len(state.products) > MAX_OPTIONS:
        # Past 100 products a static select would hide the rest: search them as you type.
        element = ExternalDataSelectElement(
            action_id=Action.CREATE_PRODUCT,
            min_query_length=0,
            initial_option=initial,
            placeholder="Type part of a product's name",
        )
    else:
        element = StaticSelectElement(
            action_id=Action.CREATE_PRODUCT,
            options=product_options(state.products),
            initial_option=initial,
            placeholder="Choose a product",
        )
    return InputBlock(
        block_id=B.PRODUCT,
        label="Product",
        dispatch_action=True,
        hint=f"{len(state.products)} products: type to search."
        if len(state.products) > MAX_OPTIONS
        else None,
        element=element,
    )


def _time_blocks(state: FormState, *, date_action: str) -> list[Block]:
    blocks: list[Block] = [
        InputBlock(
            block_id=B.DATE,
            label="Date",
            dispatch_action=True,
            element=DatePickerElement(action_id=date_action, initial_date=state.day.isoformat()),
        )
    ]
    if state.product is None:
        return blocks
    if not state.slots:
        blocks.append(
            SectionBlock(
                block_id=B.SLOT + "_none",
                text=f":no_entry_sign: No free times for *{escape(state.product.name)}* "
                f"on {state.day:%a %d %b}. Pick another date.",
            )
        )
        return blocks
    options = [
        Option(value=slot_value(s.slot), label=slot_label(s, state.tz)) for s in state.slots[:100]
    ]
    chosen = slot_value(state.slot) if state.slot is not None else None
    initial = next((o for o in options if o.value == chosen), None)
    blocks.append(
        InputBlock(
            block_id=B.SLOT,
            label="Time",
            element=StaticSelectElement(
                action_id="value",
                options=options,
                initial_option=initial,
                placeholder="Choose a time",
            ),
        )
    )
    return blocks


def _people_blocks(state: FormState) -> list[Block]:
    if state.product is None:
        return []
    blocks: list[Block] = []
    for category in rated_categories(state.product, state.categories):
        count = state.people.get(category.id)
        blocks.append(
            InputBlock(
                block_id=f"{B.PEOPLE_PREFIX}{category.id}",
                label=clip(category.name, 2000),
                optional=True,
                dispatch_action=True,
                element=NumberInputElement(
                    action_id=Action.CREATE_PEOPLE,
                    is_decimal_allowed=False,
                    min_value="0",
                    max_value="99",
                    initial_value=str(count) if count else None,
                ),
            )
        )
    facts = []
    priced = price_of(state.product, state.people)
    if priced is not None and any(state.people.values()):  # no price before there is a party
        facts.append(f"Price: *{amount(*priced, locale=state.locale)}*")
    needed = seats_needed(state.people, state.categories)
    slot = next((s for s in state.slots if s.slot == state.slot), None)
    if slot is not None and slot.seats_left is not None:
        warn = " :warning:" if needed > slot.seats_left else ""
        facts.append(f"{plural(needed, 'seat')} of {slot.seats_left} left{warn}")
    problem = limit_problem(state.product, state.people, state.categories) or state.party_error
    if problem and any(n > 0 for n in state.people.values()):
        facts.append(f":warning: {escape(problem)}")
    if facts:
        blocks.append(
            ContextBlock(block_id="price", elements=[MarkdownTextObject(text=" · ".join(facts))])
        )
    return blocks


def create_view(state: FormState, meta: ModalMeta) -> View:
    notify = Option(value="notify", label="Email the customer a confirmation")
    blocks: list[Block] = [
        _product_block(state),
        *_time_blocks(state, date_action=Action.CREATE_DATE),
        *_people_blocks(state),
        DividerBlock(),
        InputBlock(
            block_id=B.CUSTOMER,
            label="Existing customer",
            optional=True,
            hint="Type part of a name or an email. Or fill in a new customer below.",
            element=ExternalDataSelectElement(
                action_id=Action.CREATE_CUSTOMER,
                min_query_length=2,
                placeholder="Search by name or email",
            ),
        ),
        InputBlock(
            block_id=B.FIRST_NAME,
            label="New customer: first name",
            optional=True,
            element=PlainTextInputElement(action_id="value", max_length=100),
        ),
        InputBlock(
            block_id=B.LAST_NAME,
            label="New customer: last name",
            optional=True,
            element=PlainTextInputElement(action_id="value", max_length=100),
        ),
        InputBlock(
            block_id=B.EMAIL,
            label="New customer: email",
            optional=True,
            element=PlainTextInputElement(action_id="value", max_length=200),
        ),
        InputBlock(
            block_id=B.PHONE,
            label="New customer: phone",
            optional=True,
            element=PlainTextInputElement(action_id="value", max_length=40),
        ),
        DividerBlock(),
        _notes_block(state.notes),
        InputBlock(
            block_id=B.NOTIFY,
            label="Notify",
            optional=True,
            element=CheckboxesElement(
                action_id="value", options=[notify], initial_options=[notify]
            ),
        ),
    ]
    return modal(
        callback_id=Callback.CREATE,
        title="New booking",
        submit="Create booking",
        close="Cancel",
        meta=meta,
        blocks=blocks,
    )


def edit_view(booking: Booking, state: FormState, meta: ModalMeta) -> View:
    categories = {c.id: c.name for c in state.categories.values()}
    blocks: list[Block] = [
        *summary_blocks(booking, state.tz, categories, locale=state.locale),
        DividerBlock(),
        *_time_blocks(state, date_action=Action.EDIT_DATE),
        *_people_blocks(state),
        _notes_block(state.notes),
    ]
    return modal(
        callback_id=Callback.EDIT,
        title=f"Edit {booking.booking_number}"[:24],
        submit="Save changes",
        close="Cancel",
        meta=meta,
        blocks=blocks,
    )


NOTES_LENGTH = 1500  # what the form asks for
INPUT_LENGTH = 3000  # the most a text input holds (Slack refuses a longer initial_value)


def _notes_block(notes: str | None) -> InputBlock:
    # Notes saved longer than the form asks for (elsewhere, or before) still open: the field
    # grows to hold them, up to Slack's 3,000; past that it shows the first 3,000.
    longest = min(max(NOTES_LENGTH, len(notes or "")), INPUT_LENGTH)
    hint = "Kept by the bot and shown on the booking card (Bookeo's API has no notes field)."
    if notes and len(notes) > INPUT_LENGTH:
        hint += f" Showing the first {INPUT_LENGTH:,} of {len(notes):,} characters."
    return InputBlock(
        block_id=B.NOTES,
        label="Notes",
        optional=True,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            multiline=True,
            max_length=longest,
            initial_value=notes[:INPUT_LENGTH] if notes else None,
        ),
    )
