"""Who a booking is for, by people category: which categories a product prices, and how many
seats a party takes."""

from __future__ import annotations

from bot.bookeo.models import Booking, PeopleCategory, Product


def rated_categories(
    product: Product, categories: dict[str, PeopleCategory]
) -> list[PeopleCategory]:
    """The categories a product prices (all of them when it is priced per booking)."""
    rates = {r.people_category_id for r in product.default_rates or []}
    if not rates or None in rates:
        chosen = [c for c in categories.values() if c.id == "Cadults"] or list(categories.values())[
            :1
        ]
        return chosen + [c for c in categories.values() if c.id in rates and c not in chosen]
    return [c for c in categories.values() if c.id in rates]


def seats_needed(people: dict[str, int], categories: dict[str, PeopleCategory]) -> int:
    return sum(n * (categories[c].num_seats if c in categories else 1) for c, n in people.items())


def booking_seats(booking: Booking, categories: dict[str, PeopleCategory]) -> int:
    """The seats a booking takes: its headcount, as a slot, a digest or a reminder counts it
    (a "Family (2+2)" is four)."""
    return seats_needed(
        {n.people_category_id: n.number for n in booking.participants.numbers}, categories
    )


def limit_problem(
    product: Product, people: dict[str, int], categories: dict[str, PeopleCategory]
) -> str | None:
    """What the product's own booking limits (Bookeo's `bookingLimits`) say against this
    party, in the words a form shows under the party (None: within them). Checked before
    Bookeo is asked, so a party too big is a field error, not a refused request."""
    total = sum(n for n in people.values() if n > 0)
    for limit in product.booking_limits:
        if limit.people_category_id is None:
            count, what = total, "people"
        else:
            count = people.get(limit.people_category_id, 0)
            category = categories.get(limit.people_category_id)
            what = category.name if category is not None else limit.people_category_id
        if count > limit.max:
            return f"At most {limit.max} {what} per booking for this product."
        if 0 < total and count < limit.min and limit.people_category_id is not None:
            return f"At least {limit.min} {what} per booking for this product."
    return None
