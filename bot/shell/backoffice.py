"""`:backoffice …`: changes made "in Bookeo's back office" (the sandbox's), to watch them
reach #bookings through the relay like any change a member of staff makes in Bookeo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from bot.sandbox import Sandbox
from bot.sandbox.errors import ApiError
from bot.sandbox.render import BACK_OFFICE_AGENT
from bot.sandbox.state import BusinessState

USAGE = "Usage: :backoffice new [product] | cancel N [reason] | pay N AMOUNT [method] | move N"


class BackOffice:
    def __init__(self, say: Callable[[str], None]) -> None:
        self._say = say

    def run(self, sandbox: Sandbox | None, words: list[str]) -> None:
        if sandbox is None:
            self._say("The back office is the sandbox's: run without Bookeo keys to use it.")
            return
        state = sandbox.state
        verb, rest = (words[0], words[1:]) if words else ("", [])
        try:
            if verb == "cancel" and rest:
                self._cancel(state, rest[0], " ".join(rest[1:]) or None)
            elif verb == "pay" and len(rest) >= 2:
                self._pay(state, rest[0], rest[1], rest[2] if len(rest) > 2 else "cash")
            elif verb == "move" and rest:
                self._move(state, rest[0])
            elif verb == "new":
                self._new(state, " ".join(rest).lower())
            else:
                self._say(USAGE)
        except ApiError as error:
            self._say(f"(back office refused: {error.message})")
        except StopIteration:
            self._say("(back office: nothing suitable found)")

    def _cancel(self, state: BusinessState, number: str, reason: str | None) -> None:
        state.cancel_booking(number, agent=BACK_OFFICE_AGENT, reason=reason)
        self._say(f"(back office: booking {number} canceled)")

    def _pay(self, state: BusinessState, number: str, amount: str, method: str) -> None:
        state.add_payment(
            number,
            {
                "amount": {"amount": str(Decimal(amount)), "currency": state.currency},
                "paymentMethod": method,
                "reason": "Payment at the desk",
            },
            agent=BACK_OFFICE_AGENT,
        )
        self._say(f"(back office: {amount} {state.currency} paid on booking {number})")

    def _move(self, state: BusinessState, number: str) -> None:
        """To the next slot of the same product with room for the whole party."""
        booking = state.get_booking(number)
        later = next(
            e
            for e in sorted(state.events.values(), key=lambda e: e.start)
            if e.product_id == booking.product_id
            and e.start > booking.start
            and state.seats_available(e) >= sum(booking.numbers.values())
        )
        numbers = [{"peopleCategoryId": c, "number": n} for c, n in booking.numbers.items()]
        state.update_booking(
            number,
            {"eventId": later.event_id, "participants": {"numbers": numbers}},
            agent=BACK_OFFICE_AGENT,
            backend=True,
        )
        self._say(f"(back office: booking {number} moved to {later.start:%a %d %b %H:%M})")

    def _new(self, state: BusinessState, product_words: str) -> None:
        """Two adults on the next single-session slot of a product whose name matches."""
        now = datetime.now(UTC)
        event = next(
            e
            for e in sorted(state.events.values(), key=lambda e: e.start)
            if e.start > now
            and not e.sessions
            and state.seats_available(e) >= 2
            and product_words in state.products[e.product_id].name.lower()
        )
        customer = next(iter(state.customers))
        made = state.create_booking(
            {
                "productId": event.product_id,
                "eventId": event.event_id,
                "customerId": customer,
                "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 2}]},
            },
            agent=BACK_OFFICE_AGENT,
            backend=True,
            source="backend",
        )
        self._say(f"(back office: booking {made.number} made)")
