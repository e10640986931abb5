"""The relay end to end: back-office changes in the sandbox → signed webhooks → the bot's
intake → the inbox → one living card per booking in the fake Slack."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.app import BotApp
from bot.bookeo.webhooks import compute_signature
from bot.relay.registration import ensure_webhooks
from bot.sandbox import Sandbox
from bot.store.relay import Pending
from tests.conftest import ADMIN, STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import slash_command
from tests.slack.conftest import post, texts

pytestmark = pytest.mark.asyncio
CHANNEL = "CBOOKINGS"


async def command(
    bot: BotApp, slack: FakeSlackAPI, text: str, *, user: str = ADMIN, token: str = "c"
) -> dict:
    answered = len(slack.responses[token])  # wait for this command's answer, not an earlier one
    await post(
        bot, slash_command(text, user=user, channel=CHANNEL, response_url=slack.response_url(token))
    )
    return (await slack.wait_for(f"respond:{token}", answered + 1))[-1]


async def office(sandbox: Sandbox, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox") as http:
        response = await http.post(f"/_sandbox{path}", json=body)
    assert response.status_code in (200, 201), response.text
    await sandbox.drain_webhooks()
    return response.json()


async def book(sandbox: Sandbox, event: Any) -> str:
    """One adult on `event`, booked in Bookeo's back office (which fires the webhook)."""
    made = await office(
        sandbox,
        "/bookings",
        {
            "productId": event.product_id,
            "eventId": event.event_id,
            "customerId": next(iter(sandbox.state.customers)),
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
        },
    )
    return str(made["bookingNumber"])


def in_channel(slack: FakeSlackAPI, method: str, *, thread: bool | None = None) -> list[dict]:
    calls = [c for c in slack.of(method) if c.get("channel") == CHANNEL]
    if thread is not None:
        calls = [c for c in calls if bool(c.get("thread_ts")) is thread]
    return calls


async def settle(bot: BotApp) -> None:
    for _ in range(100):
        if (await bot.store.relay.backlog()).get("pending", 0) == 0:
            await asyncio.sleep(0.05)
            if (await bot.store.relay.backlog()).get("pending", 0) == 0:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the inbox did not drain")


def next_event(sandbox: Sandbox, product_name: str, *, after: datetime, seats: int = 3):
    return next(
        e
        for e in sorted(sandbox.state.events.values(), key=lambda e: e.start)
        if sandbox.state.products[e.product_id].name == product_name
        and e.start > after
        and sandbox.state.seats_available(e) >= seats
    )


async def test_one_booking_one_card_four_edits(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    reply = await command(bot, fake_slack, "subscribe")
    assert "Subscribed" in reply["text"]
    confirmations = len(in_channel(fake_slack, "chat.postMessage"))
    event = next_event(sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(hours=2))
    customer = next(iter(sandbox.state.customers.values()))

    started = time.perf_counter()
    made = await office(
        sandbox,
        "/bookings",
        {
            "productId": event.product_id,
            "eventId": event.event_id,
            "customerId": customer.id,
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 2}]},
        },
    )
    number = made["bookingNumber"]
    await fake_slack.wait_for("chat.postMessage", len(fake_slack.of("chat.postMessage")) + 1)
    assert (
        time.perf_counter() - started < 1.0
    )  # a back-office change reaches the channel within 1 s

    later = next_event(sandbox, "Sunset Kayak Tour", after=event.start)
    await office(sandbox, f"/bookings/{number}/move", {"eventId": later.event_id})
    await settle(bot)
    # Add a participant through the API, as another app would.
    from bot.bookeo.models import Participants, PeopleNumber

    fresh = await bot.bookeo.bookings.get(number)
    bigger = fresh.to_update().model_copy(
        update={
            "participants": Participants(
                numbers=[PeopleNumber(people_category_id="Cadults", number=3)]
            )
        }
    )
    await bot.bookeo.bookings.update(number, bigger)
    await sandbox.drain_webhooks()
    await settle(bot)
    await office(
        sandbox, f"/bookings/{number}/payments", {"amount": "20.00", "paymentMethod": "cash"}
    )
    await settle(bot)
    await office(sandbox, f"/bookings/{number}/cancel", {"reason": "Storm"})
    await settle(bot)

    cards = in_channel(fake_slack, "chat.postMessage", thread=False)[confirmations:]
    assert len(cards) == 1 and f"Booking {number}" in texts(cards[0])
    ts = next(
        c
        for c in fake_slack.calls
        if c.method == "chat.postMessage"
        and c.args.get("channel") == CHANNEL
        and f"Booking {number}" in texts(c.args)
    )
    updates = in_channel(fake_slack, "chat.update")
    assert len(updates) == 4
    lines = [c["text"] for c in in_channel(fake_slack, "chat.postMessage", thread=True)]
    assert len(lines) == 4, lines
    assert "Moved from" in lines[0] and "Back office" in lines[0]
    assert "Party 2 Adults → 3 Adults" in lines[1] and "API: bookeo-bot" in lines[1]
    assert "Paid 20.00 USD" in lines[2]
    assert "Canceled" in lines[3]
    assert in_channel(fake_slack, "chat.postMessage", thread=True)[3]["reply_broadcast"] is True
    assert "Canceled" in texts(updates[-1])
    assert customer.email not in texts(fake_slack.of("chat.postMessage")) + texts(updates)
    assert ts is not None


async def test_filters_route_only_what_a_channel_asked_for(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, 'subscribe canceled product:"Wine Tasting"')
    wine = next_event(
        sandbox, "Wine Tasting Evening", after=datetime.now(UTC) + timedelta(hours=2), seats=1
    )
    kayak = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(hours=2), seats=1
    )
    customer = next(iter(sandbox.state.customers))
    numbers = []
    for event in (wine, kayak):
        made = await office(
            sandbox,
            "/bookings",
            {
                "productId": event.product_id,
                "eventId": event.event_id,
                "customerId": customer,
                "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
            },
        )
        numbers.append(made["bookingNumber"])
    await settle(bot)
    assert len(in_channel(fake_slack, "chat.postMessage")) == 1  # the subscribe confirmation only
    for number in numbers:
        await office(sandbox, f"/bookings/{number}/cancel", {})
    await settle(bot)
    posted = in_channel(fake_slack, "chat.postMessage")[1:]
    assert len(posted) == 1 and f"Booking {numbers[0]}" in texts(posted[0])


async def test_deliveries_arriving_together_are_stored_together_and_once(
    bot: BotApp, sandbox: Sandbox
) -> None:
    """Group commit: 40 deliveries, each sent twice at the same moment (Bookeo retrying while
    the first is still in flight): every one answered, each stored exactly once, and fewer
    transactions than requests."""
    url = bot.intake.url_for("bookings", "updated")
    body = json.dumps(
        {"itemId": "1001", "item": sandbox.state.booking_json(sandbox.state.bookings["1001"])}
    ).encode()

    def headers(message_id: str) -> dict[str, str]:
        ts = str(int(time.time() * 1000))
        sig = compute_signature(
            sandbox.secret_key, timestamp_ms=ts, message_id=message_id, url=url, body=body
        )
        return {
            "X-Bookeo-Timestamp": ts,
            "X-Bookeo-MessageId": message_id,
            "X-Bookeo-Signature": sig,
            "Content-Type": "application/json",
        }

    ids = [f"together-{i}" for i in range(40)]
    before = bot.intake.inbox.transactions
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        answers = await asyncio.gather(
            *(
                http.post("/bookeo/webhooks/bookings/updated", content=body, headers=headers(m))
                for m in ids + ids
            )
        )
    assert [a.status_code for a in answers] == [200] * 80
    fresh = [m for m, a in zip(ids + ids, answers, strict=True) if not a.json()["duplicate"]]
    assert sorted(fresh) == sorted(ids)  # each message id stored once, by whichever came first
    backlog = await bot.store.relay.backlog()
    assert backlog.get("pending", 0) + backlog.get("done", 0) == 40
    assert bot.intake.inbox.transactions - before < 80


async def test_forged_stale_and_replayed_deliveries(bot: BotApp, sandbox: Sandbox) -> None:
    url = bot.intake.url_for("bookings", "created")
    body = json.dumps(
        {"itemId": "1001", "item": sandbox.state.booking_json(sandbox.state.bookings["1001"])}
    ).encode()

    def headers(
        *, secret: str = sandbox.secret_key, stamp: int | None = None, message_id: str | None = None
    ):
        ts = str(stamp if stamp is not None else int(time.time() * 1000))
        mid = message_id or str(uuid.uuid4())
        sig = compute_signature(secret, timestamp_ms=ts, message_id=mid, url=url, body=body)
        return {
            "X-Bookeo-Timestamp": ts,
            "X-Bookeo-MessageId": mid,
            "X-Bookeo-Signature": sig,
            "Content-Type": "application/json",
        }

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        path = "/bookeo/webhooks/bookings/created"
        forged = await http.post(path, content=body, headers=headers(secret="not-the-secret"))
        stale = await http.post(
            path, content=body, headers=headers(stamp=int(time.time() * 1000) - 121_000)
        )
        unsigned = await http.post(path, content=body, headers={"Content-Type": "application/json"})
        tampered = await http.post(path, content=body + b" ", headers=headers())
        assert [r.status_code for r in (forged, stale, unsigned, tampered)] == [401, 401, 401, 401]
        good = headers(message_id="msg-1")
        first = await http.post(path, content=body, headers=good)
        again = await http.post(path, content=body, headers=good)
        assert (first.status_code, first.json()["duplicate"]) == (200, False)
        assert (again.status_code, again.json()["duplicate"]) == (200, True)
        malformed_body = b'{"item": "nope"}'
        ts = str(int(time.time() * 1000))
        sig = compute_signature(
            sandbox.secret_key, timestamp_ms=ts, message_id="msg-bad", url=url, body=malformed_body
        )
        malformed = await http.post(
            path,
            content=malformed_body,
            headers={
                "X-Bookeo-Timestamp": ts,
                "X-Bookeo-MessageId": "msg-bad",
                "X-Bookeo-Signature": sig,
            },
        )
        assert malformed.status_code == 200  # kept as a dead letter; Bookeo must not block us
    backlog = await bot.store.relay.backlog()
    assert backlog.get("dead") == 1
    assert backlog.get("pending", 0) + backlog.get("done", 0) == 1  # msg-1 once, nothing forged
    assert bot.intake.counts["rejected"] == 4
    [(message_id, kind, reason)] = await bot.store.relay.dead_letters()
    assert (message_id, kind) == ("msg-bad", "bookings/created") and "itemId" in reason


async def test_status_shows_the_relay(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    reply = await command(bot, fake_slack, "status", user=STAFF)
    shown = texts(reply)
    assert "Last delivery from Bookeo" in shown
    for kind in ("bookings/created", "bookings/updated", "bookings/deleted", "payments/created"):
        assert f"`{kind}`" in shown
    assert "blocked" not in shown


async def test_blocked_webhooks_are_repaired(bot: BotApp, sandbox: Sandbox) -> None:
    hook = next(
        w for w in sandbox.state.webhooks.values() if (w.domain, w.type) == ("bookings", "updated")
    )
    hook.blocked_time, hook.blocked_reason = datetime.now(UTC), "5 consecutive deliveries failed"
    notes = await ensure_webhooks(bot.bookeo, bot.intake.url_for)
    assert notes and "bookings/updated" in notes[0] and "re-created" in notes[0]
    current = [
        w for w in sandbox.state.webhooks.values() if (w.domain, w.type) == ("bookings", "updated")
    ]
    assert len(current) == 1 and current[0].blocked_time is None
    assert await ensure_webhooks(bot.bookeo, bot.intake.url_for) == []  # nothing left to do


async def test_a_channel_the_bot_cannot_post_in_is_paused_once(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    fake_slack.stage("chat.postMessage", ok=False, error="not_in_channel", times=1)
    customer = next(iter(sandbox.state.customers))
    for hours in (3, 30):
        event = next_event(
            sandbox,
            "Harbour Walking Tour",
            after=datetime.now(UTC) + timedelta(hours=hours),
            seats=1,
        )
        await office(
            sandbox,
            "/bookings",
            {
                "productId": event.product_id,
                "eventId": event.event_id,
                "customerId": customer,
                "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
            },
        )
        await settle(bot)
    [sub] = await bot.store.relay.subscriptions()
    assert sub.paused_reason == "not_in_channel"
    dms = [c for c in fake_slack.of("chat.postMessage") if c.get("channel") == ADMIN]
    assert len(dms) == 1 and "paused" in dms[0]["text"]
    assert (await bot.store.relay.backlog()).get("pending", 0) == 0  # nothing stuck


async def test_subscribing_where_the_bot_is_not(bot: BotApp, fake_slack: FakeSlackAPI) -> None:
    fake_slack.stage("chat.postMessage", ok=False, error="not_in_channel")
    reply = await command(bot, fake_slack, "subscribe")
    assert "/invite @Bookeo" in reply["text"]
    assert await bot.store.relay.subscriptions() == []
    denied = await command(bot, fake_slack, "subscribe", user=STAFF, token="staff")
    assert "admin" in denied["text"]


async def test_lost_deliveries_are_resynced_once(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    test_started = datetime.now(UTC)
    await command(bot, fake_slack, "subscribe")
    customer = next(iter(sandbox.state.customers))
    event = next_event(
        sandbox, "Harbour Walking Tour", after=datetime.now(UTC) + timedelta(hours=2), seats=2
    )
    made = await office(
        sandbox,
        "/bookings",
        {
            "productId": event.product_id,
            "eventId": event.event_id,
            "customerId": customer,
            "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
        },
    )
    number = made["bookingNumber"]
    await settle(bot)
    sandbox.faults.update({"drop_next_webhooks": 1})
    await office(sandbox, f"/bookings/{number}/cancel", {"reason": "lost in transit"})
    await settle(bot)
    assert len(in_channel(fake_slack, "chat.update")) == 0  # Bookeo dropped the cancellation
    # The next delivery of that webhook says one was lost; the bot resynchronises.
    other = next(
        b
        for b in sandbox.state.bookings.values()
        if not b.canceled and b.number != number and b.start > datetime.now(UTC)
    )
    await office(sandbox, f"/bookings/{other.number}/cancel", {})
    assert bot.intake.counts["previous_lost"] == 1
    await bot.deps.background.drain()
    await settle(bot)
    updates = [u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]
    assert len(updates) == 1 and "canceled" in updates[0]["text"]

    def notes() -> list[str]:
        posts = in_channel(fake_slack, "chat.postMessage")
        return [c["text"] for c in posts if "Resynced" in c["text"]]

    for _ in range(100):  # the note closes the delivery pass, after its paced posts
        if notes():
            break
        await asyncio.sleep(0.05)
    assert notes() == [
        ":arrows_counterclockwise: Resynced 1 booking change that Bookeo had not delivered."
    ]
    # Reconciling again finds nothing new: no second update, no second note.
    before = len(fake_slack.calls)
    # (From the test's start: the seed's own bookings may have been created in the last hours.)
    assert await bot.relay.resync(since=test_started) == 0
    await settle(bot)
    assert len(fake_slack.calls) == before


async def test_the_back_office_is_served_by_the_bot_on_the_sandbox(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(hours=2), seats=1
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot"
    ) as http:
        made = await http.post(
            "/sandbox/_sandbox/bookings",
            json={
                "productId": event.product_id,
                "eventId": event.event_id,
                "customerId": next(iter(sandbox.state.customers)),
                "participants": {"numbers": [{"peopleCategoryId": "Cadults", "number": 1}]},
            },
        )
        assert made.status_code == 201
        await sandbox.drain_webhooks()
        await settle(bot)
        number = made.json()["bookingNumber"]
        assert (
            await http.post(f"/sandbox/_sandbox/bookings/{number}/cancel", json={})
        ).status_code == 200
    await sandbox.drain_webhooks()
    await settle(bot)
    assert any(
        f"Booking {number}" in texts(c)
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
    )
    assert any("canceled" in u["text"] for u in in_channel(fake_slack, "chat.update"))


async def test_a_blocked_webhook_is_repaired_and_people_are_told(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="oc")
    hook = next(
        w for w in sandbox.state.webhooks.values() if (w.domain, w.type) == ("bookings", "created")
    )
    hook.blocked_time, hook.blocked_reason = datetime.now(UTC), "5 consecutive deliveries failed"
    notes = await bot.relay.ensure_webhooks()  # what the start-up and periodic checks run
    assert notes
    told = {
        c["channel"] for c in fake_slack.of("chat.postMessage") if "blocked" in c.get("text", "")
    }
    assert told == {ADMIN, STAFF}
    assert not any(w.blocked_time for w in sandbox.state.webhooks.values())


async def test_one_person_out_of_reach_does_not_keep_the_others_from_hearing_of_a_block(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox
) -> None:
    await command(bot, fake_slack, "subscribe")
    await command(bot, fake_slack, f"oncall <@{STAFF}|sam>", token="oc")
    await bot.deps.background.drain()
    hook = next(
        w for w in sandbox.state.webhooks.values() if (w.domain, w.type) == ("bookings", "updated")
    )
    hook.blocked_time, hook.blocked_reason = datetime.now(UTC), "5 consecutive deliveries failed"
    listed = sandbox.calls["GET /bookings"]
    fake_slack.stage("chat.postMessage", ok=False, error="user_not_found")  # the admin, first
    [note] = await bot.relay.ensure_webhooks()
    assert note.startswith("Bookeo had blocked the bookings/updated webhook")
    told = [c["channel"] for c in fake_slack.of("chat.postMessage") if note in c.get("text", "")]
    assert told == [ADMIN, STAFF]  # the admin could not be reached; the on-call person was
    await bot.deps.background.drain()
    assert sandbox.calls["GET /bookings"] > listed  # and what was lost is fetched again


@pytest.mark.parametrize("reached_slack", [True, False])
async def test_a_card_interrupted_by_a_crash_is_found_not_reposted(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, reached_slack: bool
) -> None:
    await command(bot, fake_slack, "subscribe")
    event = next_event(
        sandbox, "Sunset Kayak Tour", after=datetime.now(UTC) + timedelta(hours=30), seats=1
    )
    number = await book(sandbox, event)
    await settle(bot)
    [card] = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {number}" in c["text"]
    ]
    key = card["metadata"]["event_payload"]["key"]
    # As if the process died after Slack took the post (or before it did) but before the
    # card's ts was saved: only the pending note remains.
    pending_key = key if reached_slack else f"{number}:never-posted"
    await bot.store.relay.set_card(number, CHANNEL, Pending(pending_key), at=datetime.now(UTC))
    await office(sandbox, f"/bookings/{number}/cancel", {})
    await settle(bot)
    cards = [
        c
        for c in in_channel(fake_slack, "chat.postMessage", thread=False)
        if f"Booking {number}" in c["text"]
    ]
    if reached_slack:
        assert len(cards) == 1  # found by its key: updated, not posted again
        [update] = [u for u in in_channel(fake_slack, "chat.update") if number in u["text"]]
        assert update["ts"] == card["ts_assigned"]
    else:
        assert len(cards) == 2  # it never reached Slack, so it is posted now
