"""Logging set-up, in one place: readable lines locally, JSON lines in the container image."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# The id of the request (or inbox delivery) being handled, so every line a piece of work logs —
# in Bolt's listener tasks too, which copy the context — can be found together.
_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Tag the log lines of one piece of work; a fresh id when the caller has none."""
    value = (request_id or uuid.uuid4().hex[:12])[:64]
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


MAX_MESSAGE = 2000  # characters of one record's message; the rest is counted, not written
MAX_EXCEPTION = 8000  # characters of its traceback
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}")


def cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more chars)"


def safe_message(record: logging.LogRecord) -> str:
    """The record's message as one line: capped, control characters escaped (a newline in a
    logged value cannot start a forged line), email addresses left out."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string in a library's call: log what we have
        message = f"{record.msg!r} % {record.args!r}"
    message = _EMAIL.sub("<email>", cap(message, MAX_MESSAGE))
    return _CONTROL.sub(_escape, message)


class ConsoleFormatter(logging.Formatter):
    """The readable format: one line per record; a traceback's lines are indented under it,
    so nothing in them reads as a record of its own."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s", "%H:%M:%S"
        )

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = safe_message(record)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        text = _EMAIL.sub("<email>", cap(super().formatException(ei), MAX_EXCEPTION))
        return "\n".join("    | " + _CONTROL.sub(_escape, line) for line in text.splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("    | " + line for line in stack_info.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            exception = cap(self.formatException(record.exc_info), MAX_EXCEPTION)
            data["exception"] = _EMAIL.sub("<email>", exception)
        return json.dumps(data, default=lambda value: cap(str(value), MAX_MESSAGE))


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()


# Libraries that log the data passing through them: SQL parameters (customer emails and
# phone numbers), request URLs (a customer search by email). They stay at WARNING even when
# LOG_LEVEL=DEBUG, so contact details never reach the logs.
CHATTY = (
    "aiosqlite",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "httpx",
    "httpcore",
    "psycopg",
    "slack_sdk",  # request bodies: cards shown to staff carry contact details
    # Bolt logs whole request bodies (typed emails and phones, typeahead results) at DEBUG,
    # and the body of a request with a bad signature at INFO.
    "slack_bolt",
    "bot.bolt",
)


def quiet_libraries() -> None:
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
