"""Bad input from every side — slash-command text, interactivity payloads with missing or
wrong-typed fields, and webhook bodies — through the real endpoints: no HTTP 5xx, no
unhandled exception, and every slash command answered with words."""

from __future__ import annotations

import json
import logging
import time
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import BotApp
from bot.bookeo.webhooks import compute_signature
from bot.sandbox import Sandbox
from bot.slack.commands.registry import SUBCOMMANDS
from bot.slack.ids import Action
from tests.conftest import ADMIN, VIEWER
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import interaction, signed_headers, slash_command

pytestmark = pytest.mark.asyncio
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202e",
        "🙂" * 50,
        "<!channel>",
        "<@U123|x>",
        "'; DROP TABLE inbox; --",
        "{{7*7}}",
        "${jndi:ldap://x}",
        "../../etc/passwd",
        "a" * 5000,
        "\n\n\t",
        "#1001",
        "１００１",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=300))
# Every subcommand the parser knows (new ones are fuzzed too), and a bare booking number.
WORDS = st.sampled_from([*(c.name for c in SUBCOMMANDS), "1001"])


def asgi(bot: BotApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.asgi), base_url="http://bot")


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


@EXAMPLES
@given(word=WORDS, rest=TEXT, user=st.sampled_from([ADMIN, VIEWER]))
async def test_any_slash_command_text_gets_an_answer(
    bot: BotApp,
    fake_slack: FakeSlackAPI,
    caplog: pytest.LogCaptureFixture,
    word: str,
    rest: str,
    user: str,
) -> None:
    caplog.clear()  # one example's log lines are not the next one's
    caplog.set_level(logging.WARNING)
    token = uuid.uuid4().hex[:10]
    body = slash_command(f"{word} {rest}", user=user, response_url=fake_slack.response_url(token))
    opened = len(fake_slack.of("views.open"))
    async with asgi(bot) as http:
        answer = await http.post("/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200
    await bot.deps.background.drain()
    # Answered: in the HTTP answer, through the response_url, or with a modal.
    said = (
        answer.content
        or fake_slack.responses.get(token)
        or len(fake_slack.of("views.open")) > opened
    )
    assert said, f"/bookeo {word} {rest!r} got no answer"
    assert unhandled(caplog) == []


PAYLOAD = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "block_actions",
                "view_submission",
                "view_closed",
                "shortcut",
                "message_action",
                "garbage",
            ]
        )
    },
    optional={
        "user": st.one_of(
            st.none(),
            st.text(max_size=5),
            st.fixed_dictionaries({"id": st.one_of(st.just(ADMIN), st.integers(), st.none())}),
        ),
        "team": st.one_of(st.none(), st.fixed_dictionaries({"id": st.just("T1")})),
        "actions": st.lists(
            st.fixed_dictionaries(
                {"action_id": st.sampled_from([*(a.value for a in Action), "nope"])},
                optional={
                    "value": st.one_of(TEXT, st.integers(), st.none()),
                    "block_id": st.text(max_size=10),
                },
            ),
            max_size=2,
        ),
        "view": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"callback_id": st.text(max_size=20)},
                optional={"private_metadata": TEXT, "state": st.just({"values": {}})},
            ),
        ),
        "trigger_id": st.text(max_size=10),
        "response_url": st.just("http://127.0.0.1:9/never"),
        "container": st.one_of(st.none(), st.just({"type": "message"})),
    },
)


@EXAMPLES
@given(payload=PAYLOAD)
async def test_malformed_interactivity_payloads_never_break_the_bot(
    bot: BotApp, caplog: pytest.LogCaptureFixture, payload: dict
) -> None:
    caplog.clear()  # one example's log lines are not the next one's
    caplog.set_level(logging.WARNING)
    body = interaction(payload)
    async with asgi(bot) as http:
        answer = await http.post("/slack/events", content=body, headers=signed_headers(body))
    await bot.deps.background.drain()
    assert answer.status_code < 500, answer.text
    assert unhandled(caplog) == []


BODY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["itemId", "item", "timestamp", "bookingNumber", "startTime", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


ROUTES = [
    "bookings/created",
    "bookings/updated",
    "payments/created",
    "bookings/nonsense",
    "customers/created",
]


@EXAMPLES
@given(data=BODY, raw=st.binary(max_size=200), as_json=st.booleans(), route=st.sampled_from(ROUTES))
async def test_any_signed_webhook_body_is_stored_or_explained(
    bot: BotApp,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
    data: object,
    raw: bytes,
    as_json: bool,
    route: str,
) -> None:
    caplog.clear()  # one example's log lines are not the next one's
    caplog.set_level(logging.WARNING)
    body = json.dumps(data).encode() if as_json else raw
    domain, type_ = route.split("/")
    stamp, mid = str(int(time.time() * 1000)), uuid.uuid4().hex
    signature = compute_signature(
        sandbox.secret_key,
        timestamp_ms=stamp,
        message_id=mid,
        url=bot.intake.url_for(domain, type_),
        body=body,
    )
    headers = {
        "X-Bookeo-Timestamp": stamp,
        "X-Bookeo-MessageId": mid,
        "X-Bookeo-Signature": signature,
        "Content-Type": "application/json",
    }
    async with asgi(bot) as http:
        answer = await http.post(f"/bookeo/webhooks/{route}", content=body, headers=headers)
    assert answer.status_code in (200, 202, 400, 404), answer.text
    await bot.delivery.drain()
    dead = await bot.store.relay.dead_letters(limit=100)
    assert all(reason for _id, _kind, reason in dead)  # every rejection explained
    assert unhandled(caplog) == []


def signed_bytes(body: bytes, content_type: str) -> dict[str, str]:
    """Slack's signature over raw bytes (which need not be UTF-8)."""
    import hashlib
    import hmac

    from tests.conftest import SIGNING_SECRET

    stamp = str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": f"v0={digest}",
        "content-type": content_type,
    }


FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
SLASH = b"command=%2Fbookeo&text=1001&team_id=T1&user_id=U1&channel_id=C1&trigger_id=t"
SIGNED_BUT_MALFORMED = {
    "invalid UTF-8 in a form body": (SLASH + b"&user_name=\xff\xfe\xfa", FORM_TYPE),
    "invalid UTF-8 in a payload": (b"payload=%7B%22type%22%3A%22\xff%22%7D", FORM_TYPE),
    "a form body sent as JSON": (SLASH, JSON_TYPE),
    "a JSON body sent as a form": (b'{"type": "event_callback"}', FORM_TYPE),
    "an event_callback whose event is a string": (
        json.dumps({"type": "event_callback", "team_id": "T1", "event": "app_mention"}).encode(),
        JSON_TYPE,
    ),
    "an event_callback whose event is a list": (
        json.dumps({"type": "event_callback", "team_id": "T1", "event": [1]}).encode(),
        JSON_TYPE,
    ),
    "a JSON list body": (b"[]", JSON_TYPE),
    "a JSON string body": (b'"x"', JSON_TYPE),
    "JSON that is not JSON": (b"{", JSON_TYPE),
}


@pytest.mark.parametrize("case", SIGNED_BUT_MALFORMED, ids=list(SIGNED_BUT_MALFORMED))
async def test_signed_but_malformed_bodies_are_a_400(
    bot: BotApp, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.WARNING)
    body, content_type = SIGNED_BUT_MALFORMED[case]
    async with asgi(bot) as http:
        answer = await http.post(
            "/slack/events", content=body, headers=signed_bytes(body, content_type)
        )
    await bot.deps.background.drain()
    assert answer.status_code < 500, answer.text
    assert unhandled(caplog) == []


BUTTONS = [
    Action.SHOW,
    Action.EDIT,
    Action.CANCEL,
    Action.PAY,
    Action.CUSTOMER,
    Action.SHARE,
    Action.ONCALL_ACK,
]


@pytest.mark.parametrize("action", BUTTONS)
async def test_a_button_with_an_empty_value_says_what_is_wrong(
    bot: BotApp, fake_slack: FakeSlackAPI, caplog: pytest.LogCaptureFixture, action: str
) -> None:
    from tests.fakes.slack_requests import block_action

    caplog.set_level(logging.WARNING)
    body = block_action(action, "", user=ADMIN, response_url=fake_slack.response_url("b"))
    async with asgi(bot) as http:
        answer = await http.post("/slack/events", content=body, headers=signed_headers(body))
    await bot.deps.background.drain()
    assert answer.status_code < 500, answer.text
    seen = json.dumps([c.args for c in fake_slack.calls], ensure_ascii=False) + answer.text
    assert "unexpected error" not in seen.lower(), seen
    assert "Something went wrong" not in seen, seen
    assert unhandled(caplog) == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_a_create_date_at_the_end_of_time_is_a_clear_message(
    bot: BotApp,
    fake_slack: FakeSlackAPI,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
    day: str,
) -> None:
    from bot.slack.ids import Block as B
    from tests.fakes.slack_requests import date_value, dispatch_action
    from tests.reliability.test_bookeo_faults import create_form, create_values
    from tests.slack.test_modals import submit

    caplog.set_level(logging.WARNING)
    values = create_values(sandbox)
    form = await create_form(bot, fake_slack, values)
    chosen = {B.PRODUCT: values[B.PRODUCT], B.DATE: date_value(day)}
    async with asgi(bot) as http:
        body = dispatch_action(form, chosen, user=ADMIN, action_id=Action.CREATE_DATE)
        moved = await http.post("/slack/events", content=body, headers=signed_headers(body))
    assert moved.status_code < 500, moved.text
    await bot.deps.background.drain()
    ack = await submit(bot, form, {**values, B.DATE: date_value(day)}, user=ADMIN)
    await bot.deps.background.drain()
    assert ack.get("response_action") == "errors", ack
    assert unhandled(caplog) == []
