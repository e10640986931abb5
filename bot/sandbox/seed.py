"""A believable business, the same every time for the same seed and day.

Six products of the three types, people categories (including a custom "Family" that
takes four seats), slots from a week ago to a month ahead, 60 customers and a few hundred
bookings: some paid in full, some with a deposit, some unpaid, some canceled.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from .records import BookingRecord, Category, Customer, Event, PaymentRecord, Product
from .render import BACK_OFFICE_AGENT
from .state import BusinessState

PAST_DAYS = 7
FUTURE_DAYS = 30
FIRST_NAMES = (
    "Olivia Liam Emma Noah Ava Elijah Sophia Mateo Isabella Lucas Mia Levi Amelia Ezra Harper "
    "Aiden Evelyn Kai Aria Leo Chloe Omar Priya Yuki Sven Ines Tomasz Amara Kofi Zara"
).split()
LAST_NAMES = (
    "Smith Garcia Chen Okafor Müller Rossi Tanaka Kowalski Silva Nguyen Haddad Johansson "
    "O'Brien Patel Dubois Novak Ivanova Mensah Lopez Kim Andersen Costa Fischer Ahmed"
).split()


@dataclass(frozen=True)
class Schedule:
    """When a fixed product runs: weekdays (0 = Monday) and start times."""

    weekdays: tuple[int, ...]
    times: tuple[time, ...]


def _product_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXY0123456789"
    return "".join(rng.choice(alphabet) for _ in range(20))


def build_state(
    *,
    seed: int,
    today: date,
    tz: tzinfo,
    now: Callable[[], datetime],
    currency: str = "USD",
) -> BusinessState:
    """Seed a sandbox business around `today` (a date in the business's time zone)."""
    rng = random.Random(seed)
    state = BusinessState(
        name="Harbourside Adventures (sandbox)",
        tz=tz,
        currency=currency,
        now=now,
        account_id=f"SANDBOX-{seed:04d}",
    )
    for category in (
        Category("Cadults", "Adults", 1),
        Category("Cchildren", "Children", 1),
        Category("Cinfants", "Infants", 0),
        Category("NFAMLY", "Family (2+2)", 4),
    ):
        state.categories[category.id] = category

    d = Decimal
    products: list[tuple[Product, Schedule | None]] = [
        (
            Product(
                _product_id(rng),
                "KAYAK",
                "Sunset Kayak Tour",
                "<p>Paddle the harbour at golden hour.</p>",
                "fixed",
                timedelta(hours=2),
                {"Cadults": d(85), "Cchildren": d(55)},
                max_people=8,
                capacity=12,
            ),
            Schedule((0, 1, 2, 3, 4, 5, 6), (time(17, 30),)),
        ),
        (
            Product(
                _product_id(rng),
                "WALK",
                "Harbour Walking Tour",
                "<p>Ninety minutes of stories along the old docks.</p>",
                "fixed",
                timedelta(minutes=90),
                {"Cadults": d(35), "Cchildren": d(20), "Cinfants": d(0), "NFAMLY": d(100)},
                max_people=12,
                capacity=20,
            ),
            Schedule((0, 1, 2, 3, 4, 5, 6), (time(10, 0), time(14, 0))),
        ),
        (
            Product(
                _product_id(rng),
                "WINE",
                "Wine Tasting Evening",
                "<p>Six local wines, adults only.</p>",
                "fixed",
                timedelta(hours=2),
                {"Cadults": d(65)},
                max_people=6,
                capacity=16,
            ),
            Schedule((3, 4, 5), (time(19, 0),)),
        ),
        (
            Product(
                _product_id(rng),
                "BIKE",
                "Family Bike Tour",
                "<p>An easy ride for all ages.</p>",
                "fixed",
                timedelta(hours=3),
                {"Cadults": d(45), "Cchildren": d(30), "NFAMLY": d(140)},
                max_people=10,
                capacity=24,
            ),
            Schedule((5, 6), (time(9, 30),)),
        ),
        (
            Product(
                _product_id(rng),
                "POTTERY",
                "Pottery for Beginners (4 weeks)",
                "<p>Four Monday evenings at the wheel.</p>",
                "fixedCourse",
                timedelta(hours=2),
                {"Cadults": d(240)},
                max_people=2,
                capacity=8,
                course_sessions=4,
            ),
            Schedule((0,), (time(18, 30),)),
        ),
        (
            Product(
                _product_id(rng),
                "CHARTER",
                "Private Sailing Charter",
                "<p>The boat and a skipper, just for your group.</p>",
                "flexibleTime",
                timedelta(hours=3),
                {None: d(600)},
                max_people=8,
            ),
            None,
        ),
    ]
    for product, _ in products:
        state.products[product.product_id] = product

    first_day = today - timedelta(days=PAST_DAYS)
    for offset in range(PAST_DAYS + FUTURE_DAYS + 1):
        day = first_day + timedelta(days=offset)
        for product, schedule in products:
            if schedule is None or day.weekday() not in schedule.weekdays:
                continue
            for start_time in schedule.times:
                start = datetime.combine(day, start_time, tzinfo=tz)
                event_id = f"{product.product_id[:12]}{start_time:%H%M}_{day.isoformat()}"
                sessions = [
                    (start + timedelta(weeks=w), start + timedelta(weeks=w) + product.duration)
                    for w in range(product.course_sessions)
                ]
                state.events[event_id] = Event(
                    event_id=event_id,
                    product_id=product.product_id,
                    start=start,
                    end=start + product.duration,
                    capacity=product.capacity,
                    sessions=sessions,
                )

    anchor = datetime.combine(today, time(0, 0), tzinfo=tz)
    for index in range(60):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}.{last}".lower().replace("'", "").replace("ü", "u")
        customer = Customer(
            id=f"CU{index + 1:04d}{seed % 10000:04d}SBX",
            first_name=first,
            last_name=last,
            email=f"{slug}{index + 1}@example.com",
            # 555-01xx numbers are reserved for fiction.
            phone=f"+1 555 01{index % 100:02d}" if rng.random() < 0.85 else None,
            creation_time=anchor
            - timedelta(days=rng.randint(30, 900), minutes=rng.randint(0, 1439)),
        )
        state.customers[customer.id] = customer
    customer_ids = sorted(state.customers)

    drafts: list[BookingRecord] = []
    for event in sorted(state.events.values(), key=lambda e: e.start):
        product = state.products[event.product_id]
        target = int(event.capacity * rng.uniform(0.15, 0.8))
        used = 0
        while used < target:
            numbers = _party(rng, product)
            seats = state.seats_for(numbers)
            if used + seats > event.capacity:
                break
            used += seats
            drafts.append(
                _draft(
                    state,
                    rng,
                    product,
                    event.event_id,
                    event.start,
                    event.sessions[-1][1] if event.sessions else event.end,
                    numbers,
                    customer_ids,
                    anchor,
                )
            )
    charter = products[-1][0]
    for offset in range(PAST_DAYS + FUTURE_DAYS + 1):
        day = first_day + timedelta(days=offset)
        for hour in (9, 14):
            if rng.random() < 0.45:
                start = datetime.combine(day, time(hour, 0), tzinfo=tz)
                numbers = {"Cadults": rng.randint(2, 8)}
                drafts.append(
                    _draft(
                        state,
                        rng,
                        charter,
                        None,
                        start,
                        start + charter.duration,
                        numbers,
                        customer_ids,
                        anchor,
                    )
                )

    drafts.sort(key=lambda b: (b.creation_time, b.start, b.product_id))
    for draft in drafts:
        draft.number = state.next_booking_number()
        state.bookings[draft.number] = draft
        _seed_payments_and_cancel(state, rng, draft, anchor)
    return state


def _party(rng: random.Random, product: Product) -> dict[str, int]:
    if "NFAMLY" in product.rates and rng.random() < 0.15:
        return {"NFAMLY": 1}
    adults = rng.randint(1, min(4, product.max_people))
    numbers = {"Cadults": adults}
    if "Cchildren" in product.rates and rng.random() < 0.35:
        numbers["Cchildren"] = rng.randint(1, 2)
    return numbers


def _draft(
    state: BusinessState,
    rng: random.Random,
    product: Product,
    event_id: str | None,
    start: datetime,
    end: datetime,
    numbers: dict[str, int],
    customer_ids: list[str],
    anchor: datetime,
) -> BookingRecord:
    lead = timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 1439))
    created = min(start - lead, anchor - timedelta(minutes=rng.randint(1, 600)))
    customer_id = rng.choice(customer_ids)  # drawn in the order the seed always drew them
    agent = rng.choice(("Customer (online)", "Customer (online)", BACK_OFFICE_AGENT))
    drawn = rng.choice(("website", "website", "website", "backend", "phone"))
    # Where a booking came from agrees with who made it: a customer books on the website;
    # staff in the back office, from a call or at the desk.
    source = (
        ("phone" if drawn == "phone" else "backend") if agent == BACK_OFFICE_AGENT else "website"
    )
    return BookingRecord(
        number="",
        product_id=product.product_id,
        event_id=event_id,
        start=start,
        end=end,
        customer_id=customer_id,
        numbers=numbers,
        gross=state.price(product, numbers),
        creation_time=created,
        creation_agent=agent,
        source=source,
    )


def _seed_payments_and_cancel(
    state: BusinessState, rng: random.Random, booking: BookingRecord, anchor: datetime
) -> None:
    roll = rng.random()
    past = booking.start < anchor
    paid_in_full = roll < (0.8 if past else 0.5)
    deposit = not paid_in_full and roll < (0.9 if past else 0.72)
    amount = (
        booking.gross if paid_in_full else (booking.gross * Decimal("0.3")).quantize(Decimal(1))
    )
    if (paid_in_full or deposit) and amount > 0:
        online = rng.random() < 0.6
        state.payments[f"PA{len(state.payments) + 1:06d}S{booking.number}"] = PaymentRecord(
            id=f"PA{len(state.payments) + 1:06d}S{booking.number}",
            booking_number=booking.number,
            customer_id=booking.customer_id,
            amount=amount,
            method="creditCard" if online else rng.choice(("cash", "bankTransfer", "checque")),
            reason="Full payment" if paid_in_full else "Deposit",
            received_time=booking.creation_time + timedelta(minutes=2),
            creation_time=booking.creation_time + timedelta(minutes=2),
            agent=None if online else BACK_OFFICE_AGENT,
        )
    if rng.random() < 0.08:
        booking.canceled = True
        when = booking.creation_time + (min(booking.start, anchor) - booking.creation_time) / 2
        booking.cancelation_time = when
        booking.cancelation_agent = rng.choice(("Customer (online)", BACK_OFFICE_AGENT))
        booking.cancelation_reason = rng.choice(("Change of plans", "Weather", "Illness"))
