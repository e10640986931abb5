"""Forged, altered, stale and replayed requests, for Slack and for Bookeo: every one refused,
none processed. The counts are printed with the test output (pytest -s)."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter

import httpx
import pytest

from bot.app import BotApp
from bot.bookeo.webhooks import compute_signature
from bot.sandbox import Sandbox
from tests.conftest import ADMIN
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command

pytestmark = pytest.mark.asyncio
EACH = 25  # requests of each kind


def asgi(bot: BotApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot")


async def test_slack_requests_that_are_not_slack_are_refused(
    bot: BotApp, fake_slack: FakeSlackAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: Counter[tuple[str, int]] = Counter()
    now = int(time.time())
    async with asgi(bot) as http:
        for i in range(EACH):
            body = slash_command(
                f"subscribe product:x{i}",
                user=ADMIN,
                channel=f"CSIG{i}",
                response_url=fake_slack.response_url(f"sig{i}"),
            )
            attempts = {
                "forged": signed_headers(body, secret="someone-elses-secret"),
                "altered": signed_headers(body),
                "stale": signed_headers(body, timestamp=now - 6 * 60),
                # A captured request sent again after Slack's 5-minute window.
                "replayed": signed_headers(body, timestamp=now - 301),
                "unsigned": {"content-type": "application/x-www-form-urlencoded"},
            }
            for kind, headers in attempts.items():
                sent = body.replace("subscribe", "unsubscribe") if kind == "altered" else body
                answer = await http.post("/slack/events", content=sent, headers=headers)
                answers[(kind, answer.status_code)] += 1
    await bot.deps.background.drain()
    with capsys.disabled():
        print(f"\nSlack: {sum(answers.values())} bad requests: {dict(sorted(answers.items()))}")
    assert set(answers) == {
        (k, 401) for k in ("forged", "altered", "stale", "replayed", "unsigned")
    }
    assert all(n == EACH for n in answers.values())
    assert await bot.store.relay.subscriptions() == []  # none processed
    assert fake_slack.of("chat.postMessage") == [] and fake_slack.responses == {}
    assert await bot.store.audit_log() == []


async def test_bookeo_deliveries_that_are_not_bookeo_are_refused(
    bot: BotApp, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "/bookeo/webhooks/bookings/updated"
    url = bot.intake.url_for("bookings", "updated")
    item = sandbox.state.booking_json(sandbox.state.bookings["1001"])

    def signed(
        body: bytes,
        *,
        secret: str = sandbox.secret_key,
        age_ms: int = 0,
        message_id: str | None = None,
        sign_url: str = url,
    ) -> dict[str, str]:
        stamp = str(int(time.time() * 1000) - age_ms)
        mid = message_id or uuid.uuid4().hex
        return {
            "Content-Type": "application/json",
            "X-Bookeo-Timestamp": stamp,
            "X-Bookeo-MessageId": mid,
            "X-Bookeo-Signature": compute_signature(
                secret, timestamp_ms=stamp, message_id=mid, url=sign_url, body=body
            ),
        }

    before = await bot.store.relay.backlog()
    answers: Counter[tuple[str, int]] = Counter()
    async with asgi(bot) as http:
        for i in range(EACH):
            body = json.dumps(
                {"itemId": "1001", "item": {**item, "title": f"attempt {i}"}}
            ).encode()
            attempts = {
                "forged": (body, signed(body, secret="not-the-secret-key")),
                "altered": (body.replace(b"attempt", b"ALTERED"), signed(body)),
                "stale": (body, signed(body, age_ms=121_000)),
                "other-url": (body, signed(body, sign_url="https://evil.example/hook")),
                "unsigned": (body, {"Content-Type": "application/json"}),
                # Timestamps int() refuses: a 401 like any bad signature, never a 500.
                "superscript-time": (body, {**signed(body), "X-Bookeo-Timestamp": "²³".encode()}),
                "huge-time": (body, {**signed(body), "X-Bookeo-Timestamp": "9" * 5000}),
            }
            for kind, (sent, headers) in attempts.items():
                answer = await http.post(path, content=sent, headers=headers)
                answers[(kind, answer.status_code)] += 1
        # Replayed: a genuine delivery sent again (same message id) is answered, once stored.
        genuine = json.dumps({"itemId": "1001", "item": item}).encode()
        headers = signed(genuine, message_id="genuine-1")
        replies = [await http.post(path, content=genuine, headers=headers) for _ in range(EACH)]
    with capsys.disabled():
        print(
            f"\nBookeo: {sum(answers.values())} bad deliveries: {dict(sorted(answers.items()))};"
            f" {EACH} replays of one genuine delivery"
        )
    kinds = ("forged", "altered", "stale", "other-url", "unsigned", "superscript-time", "huge-time")
    assert answers == Counter({(k, 401): EACH for k in kinds})
    assert [r.status_code for r in replies] == [200] * EACH
    assert [r.json()["duplicate"] for r in replies] == [False] + [True] * (EACH - 1)
    after = await bot.store.relay.backlog()
    assert sum(after.values()) - sum(before.values()) == 1  # only the genuine one, once
    assert bot.intake.counts["rejected"] == len(kinds) * EACH
