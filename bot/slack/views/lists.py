"""Several things at once: schedules by slot, pick-lists, payments, a customer, help, roles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.bookeo.models import Booking, Customer, Payment
from bot.money import paid_text, standing
from bot.permissions import Role
from bot.roster import SlotGroup
from bot.slack.ids import Action
from bot.slack.text import amount, chunk_lines, clip, escape, money, plural, when
from bot.slack.views.cards import customer_line, party
from bot.wording import course_when, method_label

MAX_BLOCKS = 50
SECTION_LIMIT = 3000


def roster_messages(
    groups: list[SlotGroup],
    *,
    title: str,
    tz: tzinfo,
    categories: dict[str, str],
    locale: str,
    max_messages: int = 4,
    notes: dict[str, str] | None = None,
) -> list[list[Block]]:
    """The schedule as one or more messages of at most 50 blocks, slots in time order; each
    booking's notes (special requests) under its line when `notes` are given, its amounts
    in the business's `locale`."""
    header: list[Block] = [HeaderBlock(text=clip(title, 150))]
    if not groups:
        return [[*header, SectionBlock(text="No bookings.")]]
    total = sum(len(g.bookings) for g in groups)
    people = sum(g.people for g in groups)
    header.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{plural(len(groups), 'slot')} · "
                    f"{plural(total, 'booking')} · {plural(people, 'person', 'people')}"
                )
            ]
        )
    )
    sections: list[Block] = []
    for group in groups:
        sections.extend(_slot_sections(group, tz, categories, notes or {}, locale=locale))
    messages: list[list[Block]] = []
    current = header
    for block in sections:
        if len(current) >= MAX_BLOCKS:
            messages.append(current)
            current = []
        current.append(block)
    messages.append(current)
    if len(messages) > max_messages:
        kept = messages[:max_messages]
        kept[-1] = [
            *kept[-1][: MAX_BLOCKS - 1],
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="…and more. Narrow it down with a product: `/bookeo today kayak`."
                    )
                ]
            ),
        ]
        return kept
    return messages


def _slot_sections(
    group: SlotGroup,
    tz: tzinfo,
    categories: dict[str, str],
    notes: dict[str, str],
    *,
    locale: str,
) -> list[Block]:
    head = f"*{slot_when(group, tz)}* · {escape(group.product_name)}"
    facts = [plural(group.people, "person", "people")]
    if group.seats_left is not None:
        facts.append(f"{plural(group.seats_left, 'seat')} left")
    if group.unpaid:
        facts.append(f":warning: {group.unpaid} unpaid")
    lines = [f"{head}\n{' · '.join(facts)}"]
    for booking in group.bookings:
        line = booking_line(booking, categories, locale=locale)
        note = notes.get(booking.booking_number)
        if note:
            line += "\n      :memo: _" + escape(clip(" ".join(note.split()), 300)) + "_"
        lines.append(line)
    sections: list[Block] = []
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > SECTION_LIMIT:
            sections.append(SectionBlock(text=text))
            text = ""
        text = f"{text}\n{line}" if text else line
    sections.append(SectionBlock(text=text))
    return sections


def slot_when(group: SlotGroup, tz: tzinfo) -> str:
    """A slot's time, or a course's sessions."""
    return (
        course_when(group.start, group.end, tz)
        if group.course
        else when(group.start, group.end, tz)
    )


def _booking_when(booking: Booking, tz: tzinfo, courses: frozenset[str]) -> str:
    if booking.product_id in courses:
        return course_when(booking.start_time, booking.end_time, tz)
    return when(booking.start_time, booking.end_time, tz)


def booking_line(booking: Booking, categories: dict[str, str], *, locale: str) -> str:
    name = escape(booking.customer.full_name) if booking.customer else "customer not loaded"
    paid = money_word(booking, locale=locale)
    who = escape(party(booking, categories))
    return clip(f"• `{booking.booking_number}` {name} — {who} — {paid}", 600)


def money_word(booking: Booking, *, locale: str) -> str:
    """`paid`, `due 35.00 USD` or `credit due 75.00 USD`, for a line about a booking."""
    if booking.price is None:
        return f"due {money(None, locale=locale)}"
    owed = standing(booking.price, canceled=booking.canceled)
    if owed.settled:
        return owed.text(locale=locale)
    word = "credit due" if owed.label == "Credit due" else "due"
    return f"{word} {owed.text(locale=locale)}"


def pick_list(
    bookings: list[Booking],
    *,
    query: str,
    tz: tzinfo,
    truncated: bool = False,
    courses: frozenset[str] = frozenset(),
    total: int | None = None,
    offset: int = 0,
    more: str | None = None,
) -> list[Block]:
    """Several matches: one line each with a Show button (a course with its sessions).
    `total` (of which these are the ones from `offset`) says how many more there are; `more`
    is the value of the Show more button that shows them (`Action.MORE`)."""
    total = len(bookings) + offset if total is None else total
    shown = f" (showing {offset + 1}–{offset + len(bookings)})" if total > len(bookings) else ""
    blocks: list[Block] = [
        SectionBlock(text=f"{plural(total, 'booking')} match *{escape(clip(query, 80))}*{shown}:")
    ]
    for booking in bookings:
        blocks.append(_pick_line(booking, tz, courses))
    remaining = total - offset - len(bookings)
    if remaining > 0 and more is not None:
        blocks.append(
            SectionBlock(
                text=f"{plural(remaining, 'more booking')}.",
                accessory=ButtonElement(text="Show more", action_id=Action.MORE, value=more),
            )
        )
    elif remaining > 0 or truncated:
        count = f"{plural(remaining, 'more booking')}. " if remaining > 0 else ""
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{count}Showing the first matches; add more of the name "
                        "or an email to narrow it."
                    )
                ]
            )
        )
    return blocks


def _pick_line(booking: Booking, tz: tzinfo, courses: frozenset[str]) -> SectionBlock:
    name = escape(booking.customer.full_name) if booking.customer else ""
    state = " (canceled)" if booking.canceled else ""
    return SectionBlock(
        text=clip(
            f"`{booking.booking_number}` {_booking_when(booking, tz, courses)}"
            f" · {escape(booking.product_name or '')} · {name}{state}",
            SECTION_LIMIT,
        ),
        accessory=ButtonElement(text="Show", action_id=Action.SHOW, value=booking.booking_number),
    )


def payments_view(
    booking: Booking,
    payments: list[Payment],
    *,
    tz: tzinfo,
    locale: str,
    recorded_by: Mapping[str, str] | None = None,
) -> list[Block]:
    """A booking's payments and refunds; `recorded_by` (payment id → Slack user) names who
    recorded those made from Slack, which Bookeo signs with the bot's API key."""
    recorded_by = recorded_by or {}
    title = f"Payments for booking {booking.booking_number}"
    blocks: list[Block] = [HeaderBlock(text=clip(title, 150))]
    if not payments:
        blocks.append(SectionBlock(text="No payments recorded yet."))
    lines = []
    for payment in sorted(payments, key=_received_at):
        received_at = payment.received_time or payment.creation_time
        at = f"{received_at.astimezone(tz):%d %b %H:%M}" if received_at else "—"
        method = escape(method_label(payment.payment_method, payment.payment_method_other))
        if payment.id in recorded_by:
            who = f"<@{recorded_by[payment.id]}> (Slack)"
        else:
            who = escape(payment.agent) if payment.agent else "Customer (online)"
        reason = f" · {escape(payment.reason)}" if payment.reason else ""
        kind = "Refund" if payment.amount.amount < 0 else "Payment"
        shown = amount(abs(payment.amount.amount), payment.amount.currency, locale=locale)
        lines.append(f"• {at} · {kind} of *{shown}* · {method} · by {who}{reason}")
    for chunk in _chunks(lines):
        blocks.append(SectionBlock(text=chunk))
    price = booking.price
    if price is not None:
        received = sum((p.amount.amount for p in payments), Decimal(0))
        owed = standing(price, canceled=booking.canceled)
        blocks.append(
            SectionBlock(
                fields=[
                    MarkdownTextObject(text=f"*Price*\n{money(price.total_gross, locale=locale)}"),
                    MarkdownTextObject(
                        text="*Received*\n"
                        + paid_text(received, price.total_gross.currency, locale=locale)
                    ),
                    MarkdownTextObject(text=f"*{owed.label}*\n{owed.text(locale=locale)}"),
                ]
            )
        )
    return blocks[:MAX_BLOCKS]


def customer_view(
    customer: Customer,
    bookings: list[Booking],
    *,
    tz: tzinfo,
    show_contacts: bool,
    courses: frozenset[str] = frozenset(),
    total: int | None = None,
    offset: int = 0,
    more: str | None = None,
) -> list[Block]:
    """A customer and a page of their bookings (`total` of them from 30 days ago to a year
    ahead; `more`: the Show more button's value)."""
    facts = []
    if customer.num_bookings is not None:
        facts.append(plural(customer.num_bookings, "booking"))
    if customer.num_cancelations:
        facts.append(plural(customer.num_cancelations, "cancellation"))
    if customer.member:
        facts.append("member")
    blocks: list[Block] = [
        SectionBlock(
            text=f"*{customer_line(customer, show_contacts=show_contacts)}*"
            + (f"\n{' · '.join(facts)}" if facts else "")
        ),
        DividerBlock(),
    ]
    if not bookings:
        blocks.append(SectionBlock(text="No bookings in the last 30 days or ahead."))
        return blocks
    total = len(bookings) + offset if total is None else total
    shown = f", showing {offset + 1}–{offset + len(bookings)}" if total > len(bookings) else ""
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{plural(total, 'booking')} from 30 days ago to a year ahead{shown}:"
                )
            ]
        )
    )
    page = pick_list(
        bookings,
        query=customer.full_name,
        tz=tz,
        courses=courses,
        total=total,
        offset=offset,
        more=more,
    )
    blocks.extend(page[1:])
    return blocks[:MAX_BLOCKS]


class Described(Protocol):
    """A subcommand as `/bookeo help` shows it (the registry's entries are)."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def example(self) -> str: ...


def help_blocks(role: Role, subcommands: Sequence[Described]) -> list[Block]:
    lines = [f"• `/bookeo {s.usage}` — {s.summary}" for s in subcommands]
    examples = " · ".join(f"`{s.example}`" for s in subcommands[:4])
    return [
        SectionBlock(text="*Bookeo from Slack*\n" + "\n".join(lines)),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Examples: {examples}\nYour role: *{role.value}*")]
        ),
    ]


def roles_blocks(
    assigned: list[tuple[str, Role]], bootstrap_admins: tuple[str, ...]
) -> list[Block]:
    """Who holds which role: as many sections as the list needs (a section holds 3,000
    characters, about 110 people), at most a message's 50 blocks. A BOT_ADMINS user is admin
    whatever was granted them: say what is true."""
    lines = [f"• <@{user}> — admin (BOT_ADMINS)" for user in bootstrap_admins]
    lines += [
        f"• <@{user}> — {role.value}" for user, role in assigned if user not in bootstrap_admins
    ]
    chunks = chunk_lines(["*Roles*", *lines] if lines else ["*Roles*", "No roles granted yet."])
    shown = chunks[: MAX_BLOCKS - 2]
    blocks: list[Block] = [SectionBlock(text=chunk) for chunk in shown]
    hidden = len(lines) + 1 - sum(chunk.count("\n") + 1 for chunk in shown)
    footer = (
        "Everyone else is a viewer (look-ups only). "
        "Staff create, edit and cancel; cashiers also take payments; admins manage roles."
    )
    if hidden > 0:
        footer = f"…and {plural(hidden, 'more person', 'more people')}. " + footer
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def _received_at(payment: Payment) -> datetime:
    return payment.received_time or payment.creation_time or datetime.min.replace(tzinfo=UTC)


def _chunks(lines: list[str]) -> list[str]:
    chunks: list[str] = []
    text = ""
    for line in lines:
        line = clip(line, SECTION_LIMIT)
        if text and len(text) + len(line) + 1 > SECTION_LIMIT:
            chunks.append(text)
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        chunks.append(text)
    return chunks
