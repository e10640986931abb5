"""Finish creates a crash left "pending": the process died between claiming a form's key and
hearing Bookeo's answer, so nobody stored the notes, wrote the audit row or told the person.

What finishing needs is kept with the claim (`CreateClaim`, from the form). After a restart
(and then periodically) each claim pending for longer than a live call can take is looked up
by its external reference: made → done, the notes stored, the audit row written, the person
told the booking number; not made, once Bookeo's processing of it must be over
(`IN_FLIGHT_FOR`) → the key is freed, the try audited as failed, the person told; Bookeo
cannot say → left for the next pass.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.bookeo import BookeoError
from bot.ops.actor import Actor
from bot.ops.bookings._services import Services
from bot.ops.forms import CreateForm
from bot.ops.idempotent import IN_FLIGHT_FOR
from bot.refs import bot_ref
from bot.store import PendingWrite

log = logging.getLogger("bot.ops.bookings")

# A live create's call ends within the client's timeout (15 s); a claim pending for longer
# was left so by a process that died.
SETTLE_PENDING_AFTER = timedelta(seconds=30)
LOOK_AROUND = timedelta(minutes=1)  # Bookeo's change times and ours differ a little
CREATE_PREFIX = "create:"

Tell = Callable[[str, str], Awaitable[None]]
"""Tell a person (by Slack user id) one sentence."""


class CreateClaim(BaseModel):
    """What finishing a create needs, kept with its claim before Bookeo is called."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    user_id: str
    notes: str = ""
    summary: str = ""
    """The product and slot, for the audit row and the message."""
    view_id: str | None = None


def claim_of(actor: Actor, form: CreateForm, *, view_id: str | None) -> CreateClaim:
    return CreateClaim(
        team_id=actor.team_id,
        user_id=actor.user_id,
        notes=form.notes,
        summary=summary(form),
        view_id=view_id,
    )


def summary(form: CreateForm) -> str:
    return f"{form.product.name} {form.slot.start.isoformat()}"


async def settle_pending(s: Services, tell: Tell, *, started: datetime | None = None) -> int:
    """Settle the creates left pending by a crash; how many were settled. `started`: when
    this process started — on a database only one process uses, a claim made before then
    was left by a dead process however recent it is (a restart settles it at once)."""
    claimed_before = s.clock.now() - SETTLE_PENDING_AFTER
    if started is not None and s.store.one_process:
        claimed_before = max(claimed_before, started)
    settled = 0
    for pending in await s.store.pending_writes(CREATE_PREFIX, claimed_before=claimed_before):
        try:
            settled += await _settle(s, pending, tell)
        except Exception:  # one claim that cannot be settled must not stop the others
            log.warning("could not settle the pending create %s", pending.key, exc_info=True)
    return settled


def _claim(pending: PendingWrite) -> CreateClaim | None:
    if pending.form is None:
        return None
    try:
        return CreateClaim.model_validate_json(pending.form)
    except ValidationError:
        log.warning("the form kept with %s cannot be read", pending.key)
        return None


async def _settle(s: Services, pending: PendingWrite, tell: Tell) -> bool:
    form_key = pending.key.removeprefix(CREATE_PREFIX)
    try:
        found = await s.bookeo.bookings.find_by_external_ref(
            bot_ref(form_key),
            changed_since=pending.claimed_at - LOOK_AROUND,
            until=s.clock.now() + LOOK_AROUND,
        )
    except BookeoError:
        log.warning("could not ask Bookeo about the pending create %s", pending.key)
        return False  # the next pass asks again
    claim = _claim(pending)
    now = s.clock.now()
    if found is None:
        if now < pending.claimed_at + IN_FLIGHT_FOR:
            return False  # the request may still land
        if not await s.store.settle_write(pending.key, state="failed", booking_number=None, at=now):
            return False  # settled meanwhile by another replica
        if claim is not None:
            await _not_made(s, claim, form_key, tell)
        return True
    number = found.booking_number
    if not await s.store.settle_write(pending.key, state="done", booking_number=number, at=now):
        return False
    if claim is not None:
        await _made(s, claim, form_key, number, tell)
    log.info("settled the pending create %s: booking %s was made", pending.key, number)
    return True


async def _actor(s: Services, claim: CreateClaim) -> Actor:
    return await s.access.actor(claim.team_id, claim.user_id)


async def _record(
    s: Services, claim: CreateClaim, form_key: str, *, outcome: str, number: str | None, detail: str
) -> None:
    """Finish the create's audit row the dead process wrote ahead of its call (or write one,
    for a claim made before rows were written ahead)."""
    row = await s.store.pending_audit(bot_ref(form_key))
    if row is not None:
        await s.store.finish_audit(row, outcome=outcome, booking_number=number, detail=detail)
        return
    actor = await _actor(s, claim)
    await s.access.audit(
        actor, action="create", booking_number=number, outcome=outcome, detail=detail
    )


async def _made(s: Services, claim: CreateClaim, form_key: str, number: str, tell: Tell) -> None:
    if claim.notes:
        await s.store.set_note(number, claim.notes, by=claim.user_id, at=s.clock.now())
        await s.store.relay.notes_changed(number, at=s.clock.now())  # its cards show none yet
    await _record(s, claim, form_key, outcome="ok", number=number, detail=claim.summary)
    await tell(
        claim.user_id,
        f":white_check_mark: Booking *{number}* was created ({claim.summary}). "
        "The bot restarted before it could tell you.",
    )


async def _not_made(s: Services, claim: CreateClaim, form_key: str, tell: Tell) -> None:
    detail = f"not made: the bot restarted while creating it ({claim.summary})"
    await _record(s, claim, form_key, outcome="failed", number=None, detail=detail)
    await tell(
        claim.user_id,
        f":x: The booking ({claim.summary}) was not made: the bot restarted while creating it "
        "and Bookeo has no such booking. Please create it again.",
    )
