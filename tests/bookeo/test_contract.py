"""The client against the sandbox, endpoint by endpoint.

Every exchange goes through `ValidatingTransport`, so each request and each sandbox
response is also checked against openapi.yaml: a test here fails if either side drifts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.bookeo import BadRequest, BookeoClient, Conflict, NotFound
from bot.bookeo.models import (
    MatchingSlotsSearch,
    Money,
    NewBooking,
    NewCustomer,
    NewPayment,
    Participants,
    PaymentMethod,
    PeopleNumber,
    PhoneNumber,
    Product,
    ProductType,
    WebhookDomain,
    WebhookType,
)
from bot.sandbox import Sandbox
from tests.fakes.openapi import ValidatingTransport

pytestmark = pytest.mark.asyncio


def now() -> datetime:
    return datetime.now(UTC)


def adults(n: int) -> Participants:
    return Participants(numbers=[PeopleNumber(people_category_id="Cadults", number=n)])


async def product(client: BookeoClient, kind: ProductType, name: str | None = None) -> Product:
    products = await client.settings.products(type=kind).to_list()
    assert products, f"the sandbox has no {kind} product"
    return next((p for p in products if name is None or p.name == name), products[0])


async def bookable_slot(client: BookeoClient, product_id: str, seats: int = 1):
    slots = client.availability.slots(
        start=now() + timedelta(hours=2), end=now() + timedelta(days=20), product_id=product_id
    )
    async for slot in slots:
        if slot.num_seats_available >= seats:
            return slot
    raise AssertionError("no slot with free seats")


async def test_settings_endpoints(client: BookeoClient, sandbox: Sandbox) -> None:
    products = await client.settings.products().to_list()
    assert {p.type for p in products} == {"fixed", "fixedCourse", "flexibleTime"}
    assert len(products) >= 5
    kayak = next(p for p in products if p.name == "Sunset Kayak Tour")
    assert {r.people_category_id: r.price.amount for r in kayak.default_rates or []} == {
        "Cadults": Decimal("85.00"),
        "Cchildren": Decimal("55.00"),
    }
    courses = await client.settings.products(type=ProductType.FIXED_COURSE).to_list()
    assert [p.type for p in courses] == ["fixedCourse"]

    categories = await client.settings.people_categories()
    assert {c.id: c.num_seats for c in categories}["NFAMLY"] == 4

    business = await client.settings.business()
    assert business.name == sandbox.state.name
    assert business.website_url == "https://sandbox.example.com"

    info = await client.settings.api_key_info()
    assert info.account_id == "SANDBOX-0001"
    assert "bookings_rw_all" in info.permissions


async def test_list_bookings_walks_every_page(
    client: BookeoClient, sandbox: Sandbox, validating: ValidatingTransport
) -> None:
    start, end = now() - timedelta(days=7), now() + timedelta(days=20)
    expected = {
        b.number
        for b in sandbox.state.bookings.values()
        if start <= b.start <= end and not b.canceled
    }
    assert len(expected) > 60

    first = await client.bookings.list(start=start, end=end, items_per_page=25)
    assert len(first.items) == 25
    assert first.info.total_items == len(expected)
    assert first.info.page_navigation_token is not None

    found = [
        b.booking_number
        async for b in client.bookings.list(start=start, end=end, items_per_page=25)
    ]
    assert len(found) == len(set(found))
    assert set(found) == expected
    tokens = [r.url.params.get("pageNavigationToken") for r, _ in validating.exchanges]
    assert sum(t is not None for t in tokens) == -(-len(expected) // 25) - 1


async def test_long_windows_are_split_into_31_day_requests(
    client: BookeoClient, sandbox: Sandbox, validating: ValidatingTransport
) -> None:
    start, end = now() - timedelta(days=8), now() + timedelta(days=31)
    found = [b.booking_number async for b in client.bookings.list(start=start, end=end)]
    expected = {
        b.number
        for b in sandbox.state.bookings.values()
        if start <= b.start <= end and not b.canceled
    }
    assert set(found) == expected and len(found) == len(expected)
    windows = [
        (r.url.params["startTime"], r.url.params["endTime"])
        for r, _ in validating.exchanges
        if "startTime" in r.url.params
    ]
    assert len(windows) == 2
    for lo, hi in windows:
        assert datetime.fromisoformat(hi) - datetime.fromisoformat(lo) <= timedelta(days=31)


async def test_filters_last_updated_product_and_canceled(
    client: BookeoClient, sandbox: Sandbox
) -> None:
    kayak = await product(client, ProductType.FIXED, "Sunset Kayak Tour")
    window = {"start": now() - timedelta(days=7), "end": now() + timedelta(days=7)}
    only_kayak = await client.bookings.list(**window, product_id=kayak.product_id).to_list()
    assert only_kayak and {b.product_id for b in only_kayak} == {kayak.product_id}

    with_canceled = await client.bookings.list(**window, include_canceled=True).to_list()
    without = await client.bookings.list(**window).to_list()
    assert any(b.canceled for b in with_canceled)
    assert not any(b.canceled for b in without)

    target = without[0]
    await client.bookings.cancel(target.booking_number, reason="changed")
    changed = await client.bookings.list(
        last_updated_start=now() - timedelta(minutes=1),
        last_updated_end=now() + timedelta(minutes=1),
        include_canceled=True,
    ).to_list()
    assert [b.booking_number for b in changed] == [target.booking_number]


async def test_get_booking_with_expansions(client: BookeoClient, sandbox: Sandbox) -> None:
    number = next(iter(sandbox.state.bookings))
    plain = await client.bookings.get(number)
    assert plain.customer is None and plain.participants.details is None
    full = await client.bookings.get(number, expand_customer=True, expand_participants=True)
    assert full.customer is not None and full.customer.id == plain.customer_id
    assert full.participants.details is not None
    assert len(full.participants.details) == full.participants.total
    customer = await client.bookings.customer(number)
    assert customer.id == plain.customer_id


async def test_create_fixed_booking_with_new_customer_and_initial_payment(
    client: BookeoClient, sandbox: Sandbox
) -> None:
    kayak = await product(client, ProductType.FIXED, "Sunset Kayak Tour")
    slot = await bookable_slot(client, kayak.product_id, seats=3)
    booking = await client.bookings.create(
        NewBooking(
            product_id=kayak.product_id,
            event_id=slot.event_id,
            participants=Participants(
                numbers=[
                    PeopleNumber(people_category_id="Cadults", number=2),
                    PeopleNumber(people_category_id="Cchildren", number=1),
                ]
            ),
            customer=NewCustomer(
                first_name="Ada",
                last_name="Lovelace",
                email_address="ada@example.com",
                phone_numbers=[PhoneNumber(number="+1 555 0199")],
            ),
            external_ref="slack-1",
            initial_payments=[
                NewPayment(
                    amount=Money(amount=Decimal("50"), currency="USD"),
                    payment_method=PaymentMethod.CHEQUE,
                    reason="Deposit",
                )
            ],
        ),
        notify_customer=False,
        notify_users=False,
    )
    assert booking.price is not None
    assert booking.price.total_gross.amount == Decimal("225.00")  # 2 × 85 + 55
    assert booking.price.total_paid.amount == Decimal("50.00")
    assert booking.price.balance_due.amount == Decimal("175.00")
    assert booking.start_time == slot.start_time
    customer = await client.customers.get(booking.customer_id or "")
    assert (customer.first_name, customer.email_address) == ("Ada", "ada@example.com")
    slots_after = await client.availability.slots(
        start=slot.start_time, end=slot.start_time, product_id=kayak.product_id
    )
    assert slots_after.items[0].num_seats_available == slot.num_seats_available - 3
    payments = await client.bookings.payments(booking.booking_number).to_list()
    assert [p.payment_method for p in payments] == ["checque"]


async def test_update_is_a_full_replacement_that_moves_and_resizes(
    client: BookeoClient, sandbox: Sandbox
) -> None:
    kayak = await product(client, ProductType.FIXED, "Sunset Kayak Tour")
    first = await bookable_slot(client, kayak.product_id, seats=2)
    customer_id = next(iter(sandbox.state.customers))
    booking = await client.bookings.create(
        NewBooking(
            product_id=kayak.product_id,
            event_id=first.event_id,
            customer_id=customer_id,
            participants=adults(1),
        )
    )
    later_slots = client.availability.slots(
        start=first.start_time + timedelta(hours=1),
        end=first.start_time + timedelta(days=10),
        product_id=kayak.product_id,
    )
    later = [s async for s in later_slots if s.num_seats_available >= 2][0]  # noqa: RUF015
    fresh = await client.bookings.get(booking.booking_number)
    change = fresh.to_update().model_copy(
        update={"event_id": later.event_id, "participants": adults(2)}
    )
    updated = await client.bookings.update(booking.booking_number, change, notify_customer=False)
    assert updated.event_id == later.event_id
    assert updated.participants.total == 2
    assert updated.price is not None and updated.price.total_gross.amount == Decimal("170.00")
    assert updated.last_change_time is not None


async def test_flexible_time_booking_via_matching_slots(client: BookeoClient) -> None:
    charter = await product(client, ProductType.FLEXIBLE_TIME)
    search = MatchingSlotsSearch(
        product_id=charter.product_id,
        start_time=now() + timedelta(days=1),
        end_time=now() + timedelta(days=4),
        people_numbers=[PeopleNumber(people_category_id="Cadults", number=4)],
    )
    slots = await client.availability.matching_slots(search).to_list()
    assert slots and all(s.price and s.price.amount == Decimal("600.00") for s in slots)
    chosen = slots[0]
    booking = await client.bookings.create(
        NewBooking(
            product_id=charter.product_id,
            start_time=chosen.start_time,
            customer_id="CU00010001SBX",
            participants=adults(4),
        )
    )
    assert booking.end_time == chosen.start_time + timedelta(hours=3)
    again = await client.availability.matching_slots(search).to_list()
    assert chosen.start_time not in {s.start_time for s in again}
    with pytest.raises(Conflict):
        await client.bookings.create(
            NewBooking(
                product_id=charter.product_id,
                start_time=chosen.start_time,
                customer_id="CU00010001SBX",
                participants=adults(2),
            )
        )


async def test_matching_slots_pages_through_the_token_path(
    client: BookeoClient, validating: ValidatingTransport
) -> None:
    walk = await product(client, ProductType.FIXED, "Harbour Walking Tour")
    search = MatchingSlotsSearch(
        product_id=walk.product_id,
        start_time=now() + timedelta(hours=1),
        end_time=now() + timedelta(days=20),
        people_numbers=[PeopleNumber(people_category_id="Cadults", number=1)],
    )
    every = await client.availability.matching_slots(search, items_per_page=7).to_list()
    assert len(every) > 14
    assert len({s.event_id for s in every}) == len(every)
    assert any(
        r.method == "GET" and r.url.path.startswith("/v2/availability/matchingslots/")
        for r, _ in validating.exchanges
    )


async def test_course_slots_carry_their_schedule(client: BookeoClient) -> None:
    course = await product(client, ProductType.FIXED_COURSE)
    slot = await bookable_slot(client, course.product_id)
    assert slot.course_schedule is not None
    assert [e.event_number for e in slot.course_schedule.events] == [1, 2, 3, 4]


async def test_cancel_keeps_the_booking_and_frees_seats(client: BookeoClient) -> None:
    kayak = await product(client, ProductType.FIXED, "Sunset Kayak Tour")
    slot = await bookable_slot(client, kayak.product_id, seats=2)
    booking = await client.bookings.create(
        NewBooking(
            product_id=kayak.product_id,
            event_id=slot.event_id,
            customer_id="CU00010001SBX",
            participants=adults(2),
        )
    )
    await client.bookings.cancel(
        booking.booking_number,
        notify_customer=False,
        apply_cancellation_policy=False,
        cancel_remaining_series=False,
        reason="Weather",
    )
    canceled = await client.bookings.get(booking.booking_number)
    assert canceled.canceled and canceled.cancelation_time is not None
    after = await client.availability.slots(
        start=slot.start_time, end=slot.start_time, product_id=kayak.product_id
    )
    assert after.items[0].num_seats_available == slot.num_seats_available
    with pytest.raises(Conflict, match="already canceled"):
        await client.bookings.cancel(booking.booking_number)


async def test_payments_add_list_and_refund(client: BookeoClient, sandbox: Sandbox) -> None:
    number = next(
        b.number for b in sandbox.state.bookings.values() if not b.canceled and b.gross > 0
    )
    before = await client.bookings.get(number)
    assert before.price is not None
    paid = await client.bookings.add_payment(
        number,
        NewPayment(
            amount=Money(amount=Decimal("12.50"), currency="USD"),
            payment_method=PaymentMethod.CASH,
            reason="Top-up",
            comment="front desk",
            received_time=now(),
        ),
    )
    assert paid is not None and paid.amount.amount == Decimal("12.50")
    refund = await client.bookings.add_payment(
        number,
        NewPayment(
            amount=Money(amount=Decimal("-2.50"), currency="USD"),
            payment_method=PaymentMethod.OTHER,
            payment_method_other="Voucher desk",
            reason="Refund",
        ),
    )
    assert refund is not None and refund.amount.amount == Decimal("-2.50")
    after = await client.bookings.get(number)
    assert after.price is not None
    assert after.price.total_paid.amount == before.price.total_paid.amount + Decimal("10.00")
    listed = await client.bookings.payments(number).to_list()
    assert {p.id for p in listed} >= {paid.id, refund.id}
    assert (await client.payments.get(paid.id)).reason == "Top-up"
    received = await client.payments.list(
        start=now() - timedelta(minutes=5), end=now() + timedelta(minutes=5)
    ).to_list()
    # Seeded payments may fall in the window too (the seed is anchored on local midnight).
    assert {paid.id, refund.id} <= {p.id for p in received}
    with pytest.raises(BadRequest, match="currency"):
        await client.bookings.add_payment(
            number,
            NewPayment(
                amount=Money(amount=Decimal("1"), currency="EUR"),
                payment_method=PaymentMethod.CASH,
                reason="x",
            ),
        )


async def test_customers_search_create_update_delete(
    client: BookeoClient, sandbox: Sandbox
) -> None:
    some = next(iter(sandbox.state.customers.values()))
    by_name = await client.customers.search(some.last_name).to_list()
    assert some.id in {c.id for c in by_name}
    by_email = await client.customers.search(some.email or "", field="emailAddress").to_list()
    assert [c.id for c in by_email] == [some.id]
    everyone = await client.customers.list(items_per_page=20).to_list()
    assert len(everyone) == len(sandbox.state.customers) >= 50

    created = await client.customers.create(
        NewCustomer(first_name="Grace", last_name="Hopper", email_address="grace@example.com")
    )
    assert created.id and created.creation_time is not None
    changed = await client.customers.update(
        created.id, created.model_copy(update={"last_name": "Murray Hopper"})
    )
    assert changed.last_name == "Murray Hopper"
    await client.customers.delete(created.id)
    with pytest.raises(NotFound):
        await client.customers.get(created.id)

    history = await client.customers.bookings(
        some.id,
        begin_date=datetime.now(sandbox.tz).date() - timedelta(days=30),
        end_date=datetime.now(sandbox.tz).date() + timedelta(days=60),
    ).to_list()
    assert {b.booking_number for b in history} == {
        b.number for b in sandbox.state.bookings.values() if b.customer_id == some.id
    }


async def test_holds_reserve_seats_until_released(client: BookeoClient) -> None:
    wine = await product(client, ProductType.FIXED, "Wine Tasting Evening")
    slot = await bookable_slot(client, wine.product_id, seats=2)
    request = NewBooking(product_id=wine.product_id, event_id=slot.event_id, participants=adults(2))
    hold = await client.holds.create(request, hold_duration_seconds=120)
    assert hold.price.total_gross.amount == Decimal("130.00")
    assert (await client.holds.get(hold.id)).id == hold.id
    during = await client.availability.slots(
        start=slot.start_time, end=slot.start_time, product_id=wine.product_id
    )
    assert during.items[0].num_seats_available == slot.num_seats_available - 2
    booking = await client.bookings.create(
        request.model_copy(update={"customer_id": "CU00010001SBX"}), previous_hold_id=hold.id
    )
    assert booking.participants.total == 2
    with pytest.raises(NotFound):
        await client.holds.get(hold.id)
    after = await client.availability.slots(
        start=slot.start_time, end=slot.start_time, product_id=wine.product_id
    )
    assert after.items[0].num_seats_available == slot.num_seats_available - 2


async def test_webhook_registration_lifecycle(client: BookeoClient) -> None:
    url = "https://bot.example.com/bookeo/webhooks/bookings/created"
    hook = await client.webhooks.create(
        url=url, domain=WebhookDomain.BOOKINGS, type=WebhookType.CREATED
    )
    assert (await client.webhooks.get(hook.id)).url == url
    replacement = await client.webhooks.create(
        url=url + "?v=2", domain=WebhookDomain.BOOKINGS, type=WebhookType.CREATED
    )
    listed = await client.webhooks.list()
    assert [w.id for w in listed] == [replacement.id]  # one per (domain, type)
    with pytest.raises(BadRequest, match="https"):
        await client.webhooks.create(
            url="http://insecure.example.com/x",
            domain=WebhookDomain.BOOKINGS,
            type=WebhookType.UPDATED,
        )
    await client.webhooks.delete(replacement.id)
    assert await client.webhooks.list() == []
