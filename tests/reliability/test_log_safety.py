"""What reaches the log is capped, one line per record, and carries no contact data at any
level: a newline in a logged value cannot forge a line, a huge body cannot fill the disk, and
emails and phones a person typed (or a typeahead found) are not written, even at DEBUG."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest

from bot.app import BotApp
from bot.logs import MAX_MESSAGE, configure_logging
from bot.sandbox import Sandbox
from bot.slack.ids import Action
from tests.conftest import STAFF
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SLACK, signed_headers, slash_command

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["console", "json"])
def captured(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The bot's own log set-up at DEBUG, writing into a buffer."""
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", request.param)
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_newline_in_a_logged_value_does_not_forge_a_line(captured: io.StringIO) -> None:
    forged = "x\n12:00:00 ERROR   [-] bot.web: forged\r\u2028y"
    logging.getLogger("bot.test").warning("got %s", forged)
    try:
        raise ValueError(forged)
    except ValueError:
        logging.getLogger("bot.test").exception("failed on %s", forged)
    lines = captured.getvalue().splitlines()
    assert not any(line.startswith("12:00:00 ERROR") for line in lines), lines
    assert sum("forged" in line for line in lines) >= 2  # still there, escaped


async def test_each_record_is_capped(captured: io.StringIO) -> None:
    logging.getLogger("bot.test").info("body %s", "a" * 10_000_000)
    assert len(captured.getvalue()) < MAX_MESSAGE + 500


async def test_no_contact_data_at_debug(
    bot: BotApp, fake_slack: FakeSlackAPI, sandbox: Sandbox, captured: io.StringIO
) -> None:
    customer = next(c for c in sandbox.state.customers.values() if c.email and c.phone)
    typed = [customer.email, customer.phone]
    transport = httpx.ASGITransport(app=bot.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        for text in (f"customer {customer.email}", f"find {customer.phone}"):
            body = slash_command(text, user=STAFF, response_url=fake_slack.response_url("c"))
            await http.post("/slack/events", content=body, headers=signed_headers(body))
        # The same body with a bad signature (Bolt logs such bodies whole at INFO).
        body = slash_command(f"find {customer.email}", user=STAFF, response_url="http://x")
        await http.post("/slack/events", content=body, headers=signed_headers(body, secret="wrong"))
        # The typeahead of the create form: what is typed and what it finds.
        view = {"id": "V1", "type": "modal", "callback_id": "booking_create_modal"}
        suggestion = SLACK.block_suggestion(
            view,
            user=STAFF,
            action_id=Action.CREATE_CUSTOMER,
            block_id="customer",
            query=customer.last_name,
        )
        found = await http.post(
            "/slack/events", content=suggestion, headers=signed_headers(suggestion)
        )
        assert customer.email in found.text  # shown to staff, never logged
    await bot.deps.background.drain()
    logged = captured.getvalue()
    assert logged  # DEBUG lines were written
    assert [t for t in typed if t and t in logged] == [], uuid.uuid4()
