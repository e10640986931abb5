"""`POST /availability/matchingslots`: the slots that can take a given party."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from .errors import bad_request
from .parsing import parse_time
from .render import Json, money
from .state import BusinessState

MAX_WINDOW = timedelta(days=31)


def flexible_event_id(product_id: str, start: datetime) -> str:
    """Event ids of flexibleTime slots encode their start (`…_YYYYMMDDHHMM`)."""
    return f"{product_id[:12]}_{start:%Y%m%d%H%M}"


def matching_slots(state: BusinessState, body: Json) -> list[Json]:
    product_id = body.get("productId")
    product = state.products.get(product_id) if isinstance(product_id, str) else None
    if product is None:
        raise bad_request(f"Unknown productId {product_id!r}")
    for name in ("startTime", "endTime"):
        if not isinstance(body.get(name), str):
            raise bad_request(f"{name} is required")
    start = parse_time(body["startTime"], state.tz, "startTime")
    end = parse_time(body["endTime"], state.tz, "endTime")
    if end < start or end - start > MAX_WINDOW:
        raise bad_request("The startTime/endTime window must be 0 to 31 days long")
    numbers = state.numbers_from({"numbers": body.get("peopleNumbers")}, product)
    seats = state.seats_for(numbers)
    price = money(state.price(product, numbers), state.currency)
    now = state.now()
    results: list[Json] = []
    if product.type == "flexibleTime":
        first_hour, closing = product.opening
        day = start.astimezone(state.tz).date()
        while datetime.combine(day, time(0), tzinfo=state.tz) <= end:
            for hour in range(first_hour, closing):
                slot_start = datetime.combine(day, time(hour), tzinfo=state.tz)
                slot_end = slot_start + product.duration
                if slot_end.astimezone(state.tz).hour > closing or slot_end.date() != day:
                    continue
                if not start <= slot_start <= end or slot_start <= now:
                    continue
                if state.flexible_busy(product.product_id, slot_start, slot_end):
                    continue
                results.append(
                    {
                        "eventId": flexible_event_id(product.product_id, slot_start),
                        "startTime": state.local(slot_start),
                        "endTime": state.local(slot_end),
                        "price": price,
                    }
                )
            day += timedelta(days=1)
        return results
    events = sorted(
        (
            e
            for e in state.events.values()
            if e.product_id == product.product_id and start <= e.start <= end and e.start > now
        ),
        key=lambda e: e.start,
    )
    for event in events:
        if state.seats_available(event) >= seats:
            slot = state.slot_json(event)
            slot.pop("numSeatsAvailable")
            slot["price"] = price
            results.append(slot)
    return results
