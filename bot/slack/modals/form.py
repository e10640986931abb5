"""Reading the create and edit forms back (pure): their state, validated into typed forms."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot.bookeo.models import Product
from bot.lookup import international
from bot.ops.forms import CreateForm, NewCustomerForm
from bot.party import limit_problem, rated_categories, seats_needed
from bot.slack.ids import Block as B
from bot.slack.modals.common import field
from bot.slack.views.booking_form import FormState, parse_slot
from bot.slots import Slot, SlotChoice

_EMAIL = re.compile(r"\A[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def read_state(view: dict[str, Any], state: FormState) -> FormState:
    """Update `state` with what the form currently holds."""
    product_id = field(view, B.PRODUCT)
    product = next((p for p in state.products if p.product_id == product_id), state.product)
    raw_day = field(view, B.DATE)
    try:
        day = date.fromisoformat(raw_day) if raw_day else state.day
    except ValueError:
        day = state.day
    people: dict[str, int] = {}
    for block_id in (view.get("state") or {}).get("values") or {}:
        if block_id.startswith(B.PEOPLE_PREFIX):
            raw = field(view, block_id)
            if raw not in (None, ""):
                try:
                    people[block_id.removeprefix(B.PEOPLE_PREFIX)] = max(int(str(raw)), 0)
                except ValueError:
                    people[block_id.removeprefix(B.PEOPLE_PREFIX)] = -1
    return replace(
        state,
        product=product,
        day=day,
        people=people or state.people,
        slot=parse_slot(field(view, B.SLOT)) or state.slot,
        notes=field(view, B.NOTES) if field(view, B.NOTES) is not None else state.notes,
    )


@dataclass(frozen=True)
class Chosen:
    product: Product
    slot: SlotChoice
    people: dict[str, int]
    notes: str


def validate_booking(
    state: FormState, *, today: date, now: datetime, keep: Slot | None = None
) -> tuple[Chosen | None, dict[str, str]]:
    """The form's choice, or errors keyed by block. `keep`: the slot an edited booking holds
    already, which it may keep even once it has started (or its day has passed)."""
    errors: dict[str, str] = {}
    if state.product is None:
        return None, {B.PRODUCT: "Choose a product."}
    slot = next((s for s in state.slots if s.slot == state.slot), None)
    own = slot is not None and keep is not None and slot.slot == keep
    if state.day < today and not own:
        errors[B.DATE] = "That date is in the past."
    if slot is None:
        errors[B.SLOT if state.slots else B.DATE] = (
            "Choose a time." if state.slots else "No free time on that date."
        )
    categories = rated_categories(state.product, state.categories)
    first_block = f"{B.PEOPLE_PREFIX}{categories[0].id}" if categories else B.PRODUCT
    if any(n < 0 for n in state.people.values()):
        errors[first_block] = "Use whole numbers of people."
    people = {c: n for c, n in state.people.items() if n > 0}
    if not people:
        errors[first_block] = "Add at least one person."
    elif slot is not None and slot.seats_left is not None:
        needed = seats_needed(people, state.categories)
        if needed > slot.seats_left:
            errors[first_block] = f"That party needs {needed} seats; only {slot.seats_left} left."
    problem = limit_problem(state.product, people, state.categories) or state.party_error
    if people and problem and first_block not in errors:
        errors[first_block] = problem[:150]
    if slot is not None and slot.start <= now and B.DATE not in errors and not own:
        errors[B.SLOT] = "That time has already started."
    if errors or slot is None:
        return None, errors
    return Chosen(state.product, slot, people, (state.notes or "").strip()), {}


def read_new_customer(
    view: dict[str, Any], *, region: str
) -> tuple[NewCustomerForm | None, dict[str, str]]:
    """The new-customer fields, if any were filled; errors keyed by block. A phone number is
    kept in its international form (`0400 123 456` in AU: `+61 400 123 456`), so it reads
    the same on every card and Bookeo can call it from anywhere."""
    first = (field(view, B.FIRST_NAME) or "").strip()
    last = (field(view, B.LAST_NAME) or "").strip()
    email = (field(view, B.EMAIL) or "").strip()
    phone = (field(view, B.PHONE) or "").strip()
    if not (first or last or email or phone):
        return None, {}
    errors: dict[str, str] = {}
    if not first:
        errors[B.FIRST_NAME] = "A new customer needs a first name."
    if not last:
        errors[B.LAST_NAME] = "A new customer needs a last name."
    if email and not _EMAIL.match(email):
        errors[B.EMAIL] = "That is not an email address."
    if phone and len(re.sub(r"\D", "", phone)) < 6:
        errors[B.PHONE] = "That phone number is too short."
    phone = international(phone, region) if phone else phone
    return NewCustomerForm(first, last, email or None, phone or None), errors


def read_create(
    view: dict[str, Any],
    state: FormState,
    *,
    key: str,
    today: date,
    now: datetime,
    region: str,
) -> tuple[CreateForm | None, dict[str, str]]:
    """The create form as a `CreateForm` (under `key`), or errors keyed by block id."""
    chosen, errors = validate_booking(state, today=today, now=now)
    customer_id = field(view, B.CUSTOMER)
    customer_id = None if customer_id in (None, "retry") else customer_id
    new_customer, customer_errors = read_new_customer(view, region=region)
    errors.update(customer_errors)
    if customer_id and new_customer:
        errors[B.CUSTOMER] = "Pick an existing customer or fill in a new one, not both."
    elif not customer_id and not new_customer:
        errors[B.CUSTOMER] = "Pick a customer, or fill in a new one below."
    if errors or chosen is None:
        return None, errors
    form = CreateForm(
        key=key,
        product=chosen.product,
        slot=chosen.slot,
        people=chosen.people,
        notes=chosen.notes,
        customer_id=customer_id,
        new_customer=new_customer,
        notify_customer="notify" in (field(view, B.NOTIFY) or []),
    )
    return form, {}
