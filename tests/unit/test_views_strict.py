"""Every pure builder, with extreme data, held against Slack's rules (bot/shell/slack_rules.py):
a day with 300 bookings and one with 93 slots, 157 products, 120 people holding roles, 40
people categories, 5,000-character notes, 500 payments, and names with emoji, `<`, `>`, `&`,
Slack control text and non-Latin scripts. Outside data must come out escaped."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bookeo.models import Payment, PaymentMethod, PeopleCategory, Product
from bot.jobs.reminders import reminder_blocks, reminder_text
from bot.lookup import MAX_RESULTS
from bot.permissions import Role
from bot.records import Subscription
from bot.relay.changes import Change
from bot.roster import SlotGroup, group_by_slot
from bot.shell.slack_rules import message_problems, mrkdwn_problems, mrkdwn_texts, view_problems
from bot.slack.commands.registry import SUBCOMMANDS
from bot.slack.views.booking_form import FormState, create_view, edit_view, product_options
from bot.slack.views.cards import CardOptions, booking_card, card_text
from bot.slack.views.home import home_view
from bot.slack.views.lists import (
    help_blocks,
    payments_view,
    pick_list,
    roles_blocks,
    roster_messages,
)
from bot.slack.views.modals import ModalMeta, cancel_view, summary_blocks
from bot.slack.views.relay import SummaryItem, subscriptions_blocks, summary_messages
from bot.slots import EventSlot, SlotChoice
from tests.unit.test_views import EN, START, TZ, make_booking

NASTY_NAMES = [
    "<!channel> Smith & <Jones>",
    "Ōkami 大神 🦊",
    "Кайак & Co",
    "<@U123|someone> <!here> <https://evil.example|click>",
    "a > b < c &amp; d",
    "مرحبا 🌊",
]
names = st.sampled_from(NASTY_NAMES) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=80
)


def payload(built: Any) -> Any:
    if isinstance(built, list):
        return [b.to_dict() if hasattr(b, "to_dict") else b for b in built]
    return built.to_dict()


def message_ok(blocks: list[Any], text: str = "t") -> dict[str, Any]:
    args = {"text": text, "blocks": payload(blocks)}
    assert message_problems(args) == [], message_problems(args)
    return args


def view_ok(view: Any) -> dict[str, Any]:
    rendered = payload(view)
    assert view_problems(rendered) == [], view_problems(rendered)
    return rendered


def escaped(rendered: Any) -> None:
    """No outside data reached mrkdwn unescaped (mentions the bot writes itself are fine)."""
    for text in mrkdwn_texts(rendered):
        assert mrkdwn_problems(text) == [], (text, mrkdwn_problems(text))


def product(i: int, name: str = "", categories: int = 1) -> Product:
    rates = [
        {"peopleCategoryId": f"C{c}", "price": {"amount": "10", "currency": "USD"}}
        for c in range(categories)
    ]
    return Product.model_validate(
        {
            "productId": f"P{i}",
            "name": name or f"Product {i}",
            "type": "fixed",
            "defaultRates": rates,
        }
    )


def slot_groups(count: int, name: str) -> list[SlotGroup]:
    return [
        SlotGroup(
            start=START + timedelta(minutes=10 * i),
            end=START + timedelta(minutes=10 * i + 60),
            product_id=f"P{i}",
            product_name=f"{name} {i}",
            bookings=[make_booking(str(i), name, name, 2)],
            seats_left=3,
        )
        for i in range(count)
    ]


# -- crashes the strict fake found ---------------------------------------------------------


def test_roles_with_120_people_split_into_sections() -> None:
    assigned = [(f"U{i:010d}", Role.STAFF) for i in range(120)]
    blocks = roles_blocks(assigned, ("UADMIN",))
    rendered = message_ok(blocks, "Roles")
    shown = str(rendered)
    assert all(f"<@{user}>" in shown for user, _ in assigned) and "<@UADMIN>" in shown
    assert sum(b["type"] == "section" for b in rendered["blocks"]) >= 2


def test_roles_beyond_one_message_say_how_many_more() -> None:
    assigned = [(f"U{i:010d}", Role.VIEWER) for i in range(6000)]
    rendered = message_ok(roles_blocks(assigned, ()), "Roles")
    assert "more people" in str(rendered["blocks"][-1])


def test_home_with_93_slots_today_fits_and_says_how_many_more() -> None:
    for today in (93, 95, 98, 300):
        days = [("Today", slot_groups(today, "Kayak")), ("Tomorrow", [])]
        rendered = view_ok(home_view(role=Role.STAFF, days=days, tz=TZ, on_sandbox=True))
        assert len(rendered["blocks"]) <= 100
        assert "more slot" in str(rendered["blocks"][-1])
    small = home_view(
        role=Role.STAFF, days=[("Today", slot_groups(3, "K"))], tz=TZ, on_sandbox=False
    )
    assert "more slot" not in str(view_ok(small))


def test_the_create_modal_searches_157_products() -> None:
    products = [product(i) for i in range(157)]
    state = FormState(
        products=products, categories={"C0": _category(0)}, day=START.date(), tz=TZ, locale=EN
    )
    rendered = view_ok(create_view(state, ModalMeta()))
    [select] = [b["element"] for b in rendered["blocks"] if b.get("block_id") == "product"]
    assert select["type"] == "external_select" and select["min_query_length"] == 0
    # What the options listener answers: every product can be found.
    assert [o.value for o in product_options(products, "Product 156")] == ["P156"]
    assert len(product_options(products, "")) == 100
    assert len(product_options(products, "product 1")) == 1 + 10 + 57  # 1, 10–19, 100–156
    few = FormState(products=products[:100], categories={}, day=START.date(), tz=TZ, locale=EN)
    [static] = [b["element"] for b in view_ok(create_view(few, ModalMeta()))["blocks"][:1]]
    assert static["type"] == "static_select" and len(static["options"]) == 100


def test_the_subscription_list_is_not_cut() -> None:
    subs = [
        Subscription(
            id=i,
            team_id="T1",
            channel_id=f"C{i:08d}",
            kinds=frozenset({"new", "canceled", "changed"}),
            product_id="P1",
            product_name="Sunset Kayak & Paddle <Deluxe>",
            within_hours=48,
            quiet="22:00-07:00",
            broadcast=False,
            paused_reason=None,
        )
        for i in range(120)
    ]
    rendered = message_ok(subscriptions_blocks(subs, scope="in this workspace"))
    escaped(rendered)
    shown = str(rendered)
    assert all(f"`#{s.id}`" in shown for s in subs)


def test_a_reminder_for_301_bookings_keeps_text_short() -> None:
    bookings = [
        make_booking(str(1000 + i), NASTY_NAMES[i % 6], "Kayak & Co", 3) for i in range(301)
    ]
    group = SlotGroup(START, START + timedelta(hours=1), "P1", "Kayak & <Co>", bookings, 2)
    now = START - timedelta(minutes=30)
    text = reminder_text(group, now, TZ)
    assert len(text) < 300 and "\n" not in text
    rendered = message_ok(
        reminder_blocks(group, now, TZ, {"Cadults": "Adults & kids"}, locale=EN), text
    )
    escaped(rendered)
    shown = str(rendered)
    listed = sum(f"`{b.booking_number}`" in shown for b in bookings)
    assert listed == 301 or "more booking" in shown


def test_long_notes_open_in_the_edit_modal() -> None:
    booking = make_booking("1234", "Ada", "Kayak", 2)
    for notes in ("n" * 1400, "n" * 2500, "n" * 5000):
        state = FormState(
            products=[product(1)], categories={}, day=START.date(), tz=TZ, notes=notes, locale=EN
        )
        view_ok(edit_view(booking, state, ModalMeta(booking="1234")))


# -- escaping ------------------------------------------------------------------------------


def test_category_and_product_names_are_escaped_in_cards_and_text() -> None:
    booking = make_booking("1", "Ann", "Kayak & <Co>", 2)
    options = CardOptions(tz=TZ, categories={"Cadults": "Adults & <kids>"}, locale=EN)
    escaped(message_ok(booking_card(booking, options), card_text(booking, options)))
    assert mrkdwn_problems(card_text(booking, options)) == []
    escaped(payload(summary_blocks(booking, TZ, {"Cadults": "A & B"}, locale=EN)))


# -- every builder, any data ---------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(name=names, notes=st.text(max_size=5000), people=st.integers(0, 500))
def test_cards_and_modals_with_any_names(name: str, notes: str, people: int) -> None:
    booking = make_booking("1234", name, name, people, cancelationAgent=name)
    categories = {"Cadults": name}
    options = CardOptions(
        tz=TZ, categories=categories, show_contacts=True, notes=notes or None, locale=EN
    )
    escaped(message_ok(booking_card(booking, options), card_text(booking, options)))
    meta = ModalMeta(booking="1234", channel="C1")
    escaped(view_ok(cancel_view(booking, meta, tz=TZ, categories=categories, locale=EN)))
    state = FormState(
        products=[product(1, name)], categories={}, day=START.date(), tz=TZ, locale=EN
    )
    escaped(view_ok(edit_view(booking, replace_notes(state, notes), meta)))


def replace_notes(state: FormState, notes: str) -> FormState:
    from dataclasses import replace

    return replace(state, notes=notes or None)


@settings(max_examples=10, deadline=None)
@given(name=names, count=st.sampled_from([1, 40, 299, 300]))
def test_a_day_of_300_bookings(name: str, count: int) -> None:
    bookings = [
        make_booking(str(1000 + i), name, f"{name} {i % 9}", 1 + i % 4).model_copy(
            update={"start_time": START + timedelta(minutes=15 * (i % 60))}
        )
        for i in range(count)
    ]
    groups = group_by_slot(bookings, [], {}, {})
    for message in roster_messages(groups, title=f"Today {name}", tz=TZ, categories={}, locale=EN):
        escaped(message_ok(message))
    # A look-up answers at most MAX_RESULTS matches; the pick list shows them all.
    escaped(message_ok(pick_list(bookings[:MAX_RESULTS], query=name, tz=TZ, truncated=True)))
    # The relay's own words for a change; the outside data is the bookings'.
    new = Change("created", "New booking")
    paid = Change("paid", "Paid 10.50 USD", amount=Decimal("10.50"), currency="USD")
    items = [SummaryItem(b, [new] if i % 2 else [paid]) for i, b in enumerate(bookings)]
    for text in summary_messages(items, TZ, locale=EN, categories={}):
        escaped(message_ok([], text))
    days = [("Today", groups), ("Tomorrow", groups)]
    escaped(view_ok(home_view(role=Role.ADMIN, days=days, tz=TZ, on_sandbox=False)))


@settings(max_examples=10, deadline=None)
@given(name=names)
def test_157_products_and_40_categories(name: str) -> None:
    categories = {f"C{c}": _category(c, name) for c in range(40)}
    products = [product(i, f"{name} {i}", categories=40) for i in range(157)]
    choices = [SlotChoice(EventSlot(f"E{i}"), START, START, 5) for i in range(150)]
    state = FormState(
        products=products,
        categories=categories,
        day=date(2026, 11, 25),
        tz=TZ,
        product=products[0],
        slots=choices,
        people={"C0": 2},
        locale=EN,
    )
    view_ok(create_view(state, ModalMeta(key="k" * 32)))
    for query in ("", name, name[:3]):
        options = [o.to_dict() for o in product_options(products, query)]
        assert len(options) <= 100 and all(len(o["text"]["text"]) <= 75 for o in options)


def test_500_payments_and_120_people_and_help() -> None:
    booking = make_booking("1234", NASTY_NAMES[0], NASTY_NAMES[1], 2)
    payments = [
        Payment.model_validate(
            {
                "id": str(i),
                "amount": {"amount": "-5" if i % 2 else "10", "currency": "USD"},
                "paymentMethod": PaymentMethod.OTHER,
                "paymentMethodOther": NASTY_NAMES[i % 6],
                "agent": NASTY_NAMES[(i + 1) % 6],
                "reason": NASTY_NAMES[(i + 2) % 6],
                "receivedTime": (START + timedelta(minutes=i)).isoformat(),
            }
        )
        for i in range(500)
    ]
    escaped(message_ok(payments_view(booking, payments, tz=TZ, locale=EN)))
    message_ok(help_blocks(Role.ADMIN, SUBCOMMANDS))
    message_ok(roles_blocks([(f"U{i:09d}", Role.CASHIER) for i in range(120)], ("UADMIN",)))


def _category(c: int, name: str = "Adults") -> PeopleCategory:
    return PeopleCategory(id=f"C{c}", name=f"{name} {c}"[:60] or "x")


async def test_unknown_product_lists_are_escaped() -> None:
    from bot.catalog import AmbiguousProduct, UnknownProduct
    from bot.ops.errors import UserFacingError
    from bot.ops.products import product_named

    known = [product(1, "Kayak & <Co>"), product(2, "<!channel> tour")]

    class Catalog:
        def __init__(self, error: Exception) -> None:
            self.error = error

        async def match(self, text: str) -> Product:
            raise self.error

    for error in (UnknownProduct("<b>", known), AmbiguousProduct("a & b", known)):
        with pytest.raises(UserFacingError) as refused:
            await product_named(Catalog(error), "x")  # type: ignore[arg-type]
        assert mrkdwn_problems(refused.value.message) == [], refused.value.message
