"""Shared by create and edit: load bookable times, read the form back, validate it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.bookeo.models import Booking, MatchingSlotsSearch, PeopleNumber, Product
from bot.roster import day_window
from bot.slack.deps import Deps
from bot.slack.ids import Block as B
from bot.slack.modals.common import field
from bot.slack.views.booking_form import FormState, SlotChoice, rated_categories, seats_needed

_EMAIL = re.compile(r"\A[^@\s]+@[^@\s]+\.[^@\s]+\Z")


async def load_slots(
    deps: Deps,
    product: Product,
    day: date,
    people: dict[str, int],
    *,
    booking: Booking | None = None,
) -> list[SlotChoice]:
    """Times on `day` that can take a booking (for an edit: also the booking's own time)."""
    start, end = day_window(day, 1, deps.tz)
    now = deps.clock.now()
    if end <= now:
        return []
    own_seats = 0
    if booking is not None:
        categories = await deps.catalog.categories()
        own_seats = seats_needed(
            {n.people_category_id: n.number for n in booking.participants.numbers}, categories
        )
    choices: list[SlotChoice] = []
    if product.type == "flexibleTime":
        party = [PeopleNumber(people_category_id=c, number=n) for c, n in people.items() if n]
        if not party:
            first = rated_categories(product, await deps.catalog.categories())[0]
            party = [PeopleNumber(people_category_id=first.id, number=1)]
        search = MatchingSlotsSearch(
            product_id=product.product_id,
            start_time=max(start, now),
            end_time=end,
            people_numbers=party,
        )
        async for match in deps.bookeo.availability.matching_slots(search):
            choices.append(
                SlotChoice(
                    f"t:{match.start_time.isoformat()}", match.start_time, match.end_time, None
                )
            )
        if booking is not None and booking.start_time and start <= booking.start_time <= end:
            own = SlotChoice(
                f"t:{booking.start_time.isoformat()}", booking.start_time, booking.end_time, None
            )
            if own.value not in {c.value for c in choices}:
                choices.append(own)
    else:
        async for slot in deps.bookeo.availability.slots(
            start=start, end=end, product_id=product.product_id
        ):
            mine = booking is not None and slot.event_id == booking.event_id
            seats = slot.num_seats_available + (own_seats if mine else 0)
            if (slot.start_time > now and seats > 0) or mine:
                choices.append(
                    SlotChoice(f"e:{slot.event_id}", slot.start_time, slot.end_time, seats)
                )
    return sorted(choices, key=lambda c: c.start)


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
        slot_value=field(view, B.SLOT) or state.slot_value,
        notes=field(view, B.NOTES) if field(view, B.NOTES) is not None else state.notes,
    )


@dataclass(frozen=True)
class Chosen:
    product: Product
    slot: SlotChoice
    people: dict[str, int]
    notes: str


def validate_booking(
    state: FormState, *, today: date, now: datetime
) -> tuple[Chosen | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if state.product is None:
        return None, {B.PRODUCT: "Choose a product."}
    if state.day < today:
        errors[B.DATE] = "That date is in the past."
    slot = next((s for s in state.slots if s.value == state.slot_value), None)
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
    limit = max(
        (lim.max for lim in state.product.booking_limits if lim.people_category_id is None),
        default=None,
    )
    if limit is not None and sum(people.values()) > limit and first_block not in errors:
        errors[first_block] = f"At most {limit} people per booking for this product."
    if slot is not None and slot.start <= now and B.DATE not in errors:
        errors[B.SLOT] = "That time has already started."
    if errors or slot is None:
        return None, errors
    return Chosen(state.product, slot, people, (state.notes or "").strip()), {}


def read_new_customer(view: dict[str, Any]) -> tuple[dict[str, str] | None, dict[str, str]]:
    """The new-customer fields, if any were filled; errors keyed by block."""
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
    return {"first": first, "last": last, "email": email, "phone": phone}, errors


def day_after(day: date, days: int = 1) -> date:
    return day + timedelta(days=days)
