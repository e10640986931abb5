"""The booking card: everything about one booking, and the buttons to act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.bookeo.models import Booking, Customer, Price
from bot.money import paid_text, standing
from bot.refs import is_bot_ref
from bot.slack.ids import Action
from bot.slack.text import clip, escape, money, when
from bot.wording import course_when, source_label
from bot.wording import party as party  # re-exported: views name it with the card

BOOKEO_URL = "https://signin.bookeo.com/"


@dataclass(frozen=True)
class CardOptions:
    tz: tzinfo
    categories: dict[str, str] = field(default_factory=dict)  # people category id → name
    show_contacts: bool = False  # email / phone: only to staff, only ephemerally by default
    shareable: bool = False  # an ephemeral result: offer "Share in channel"
    actions: bool = True
    cancel_reason: str | None = None
    notes: str | None = None  # the bot's notes on the booking (not contact data: shown to all)
    courses: frozenset[str] = frozenset()  # ids of fixedCourse products: shown as sessions
    # Who made the booking, its last change and its cancellation from Slack (mrkdwn, e.g.
    # "<@U1> (Slack)", from the audit rows: bot.relay.actors.attributed): shown instead of
    # the API key Bookeo names for every change the bot makes.
    booked_by: str | None = None
    changed_by: str | None = None
    canceled_by: str | None = None
    # How the business writes amounts (LOCALE, a Babel locale): `1.250,00 USD` in de_DE.
    # Required, so no card forgets it and falls back to en_US marks.
    locale: str = field(kw_only=True)


def booking_when(booking: Booking, options: CardOptions) -> str:
    """When a booking is: its time, or a course's sessions."""
    if booking.product_id in options.courses:
        return course_when(booking.start_time, booking.end_time, options.tz)
    return when(booking.start_time, booking.end_time, options.tz)


def customer_line(customer: Customer | None, *, show_contacts: bool) -> str:
    if customer is None:
        return "—"
    text = escape(customer.full_name)
    if show_contacts:
        contacts = [escape(customer.email_address or "")] + [
            escape(p.number) for p in customer.phone_numbers or []
        ]
        contacts = [c for c in contacts if c]
        if contacts:
            text += "\n" + " · ".join(contacts)
    return text


def _agent(agent: str | None, slack_user: str | None) -> str | None:
    """Who Bookeo says made a change, or the Slack user when the bot made it for them."""
    if slack_user and (agent is None or agent.startswith("API")):
        return slack_user
    return escape(agent) if agent else None


def booking_card(booking: Booking, options: CardOptions) -> list[Block]:
    """A card within Block Kit's limits (4 blocks, ≤10 fields, ≤2000 chars each)."""
    product = escape(booking.product_name or booking.product_id)
    title = f"*Booking {escape(booking.booking_number)}* · {product}"
    if booking.canceled:
        status = "Canceled"
        if booking.cancelation_time:
            status += f" {booking.cancelation_time.astimezone(options.tz):%d %b %H:%M}"
        if agent := _agent(booking.cancelation_agent, options.canceled_by):
            status += f" by {agent}"
        if options.cancel_reason:
            status += f"\nReason: {escape(clip(options.cancel_reason, 300))}"
        headline = f"~{title}~\n:no_entry: *{status}*"
    else:
        headline = title
    price = booking.price
    fields = [
        _field("When", booking_when(booking, options)),
        _field("Party", escape(party(booking, options.categories))),
        _field("Customer", customer_line(booking.customer, show_contacts=options.show_contacts)),
        _field("Price", money(price.total_gross, locale=options.locale) if price else "—"),
        _field("Paid", paid_field(price, locale=options.locale) if price else "—"),
        balance_field(booking, locale=options.locale),
    ]
    if source := source_label(booking.source):
        fields.append(_field("Source", escape(source)))
    if booking.external_ref and not is_bot_ref(booking.external_ref):
        fields.append(_field("Reference", escape(booking.external_ref)))
    if options.notes:
        fields.append(_field("Notes", escape(clip(options.notes, 1500))))
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"card_{booking.booking_number}", text=MarkdownTextObject(text=headline)
        ),
        SectionBlock(fields=fields),
    ]
    history = []
    if booking.creation_time:
        created = f"Booked {booking.creation_time.astimezone(options.tz):%d %b %H:%M}"
        if agent := _agent(booking.creation_agent, options.booked_by):
            created += f" by {agent}"
        history.append(created)
    if booking.last_change_time and not booking.canceled:
        changed = f"changed {booking.last_change_time.astimezone(options.tz):%d %b %H:%M}"
        if agent := _agent(booking.last_change_agent, options.changed_by):
            changed += f" by {agent}"
        history.append(changed)
    if history:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(history), 2000))])
        )
    if options.actions:
        blocks.append(
            ActionsBlock(
                block_id=f"actions_{booking.booking_number}",
                elements=card_buttons(booking, options),
            )
        )
    return blocks


def paid_field(price: Price, *, locale: str) -> str:
    paid = price.total_paid
    return paid_text(paid.amount, paid.currency, locale=locale)


def balance_field(booking: Booking, *, locale: str) -> MarkdownTextObject:
    """`Balance due 35.00 USD`, `✓ paid`, or `Credit due 75.00 USD` when more was paid than
    the price (or anything was paid on a canceled booking: it is owed back)."""
    if booking.price is None:
        return _field("Balance due", "—")
    owed = standing(booking.price, canceled=booking.canceled)
    if owed.settled and not booking.canceled:
        return _field(owed.label, ":white_check_mark: paid")
    return _field(owed.label, owed.text(locale=locale))


def card_buttons(booking: Booking, options: CardOptions) -> list[ButtonElement]:
    number = booking.booking_number
    buttons = []
    if not booking.canceled:
        buttons += [
            ButtonElement(text="Edit", action_id=Action.EDIT, value=number),
            ButtonElement(text="Cancel", action_id=Action.CANCEL, value=number, style="danger"),
            ButtonElement(text="Record payment", action_id=Action.PAY, value=number),
        ]
    buttons += [
        ButtonElement(text="Customer", action_id=Action.CUSTOMER, value=number),
        ButtonElement(text="Open in Bookeo", action_id=Action.OPEN, url=BOOKEO_URL, value=number),
    ]
    if options.shareable:
        buttons.append(ButtonElement(text="Share in channel", action_id=Action.SHARE, value=number))
    return buttons


def card_text(booking: Booking, options: CardOptions) -> str:
    """The notification text for a card (what a phone shows)."""
    state = "canceled" if booking.canceled else booking_when(booking, options)
    product = escape(booking.product_name or "")
    return clip(f"Booking {escape(booking.booking_number)} · {product} · {state}", 300)


def _field(label: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(f"*{label}*\n{value}", 2000))
