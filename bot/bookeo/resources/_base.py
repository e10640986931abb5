"""What every resource shares: the client, id checks, time formatting, window splitting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel

from bot.bookeo._pagination import AsyncPager, Page
from bot.bookeo.errors import ResponseValidationError

if TYPE_CHECKING:
    from bot.bookeo._client import BookeoClient

MAX_WINDOW = timedelta(days=31)
M = TypeVar("M", bound=BaseModel)


class Resource:
    def __init__(self, client: BookeoClient) -> None:
        self._client = client

    async def _created(
        self, response: httpx.Response, model: type[M], read: Callable[[str], Awaitable[M]]
    ) -> M:
        """What a POST made: its JSON body or, since the 2015 models declare no body for
        creates (201 + `Location` only), the object the `Location` names, read back."""
        if response.content.strip():
            return self._client.parse(response, model)
        made = id_from_location(response)
        if made is None:
            raise ResponseValidationError(
                method=response.request.method,
                path=response.request.url.path,
                detail="no body and no Location header",
            )
        return await read(made)


def path_id(value: str, name: str) -> str:
    """An id for a URL path; empty ids are refused before anything is sent."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return quote(value.strip(), safe="")


def format_time(value: datetime) -> str:
    """RFC 3339 with the value's own offset; naive datetimes are refused (which zone?)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{value!r} has no time zone; Bookeo needs an aware datetime")
    return value.isoformat(timespec="seconds")


def format_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return format_time(value)
    return value.isoformat()


def windows(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Split [start, end] into consecutive windows Bookeo accepts: at most 31 days each, both
    as elapsed time and as calendar days in the window's own zone (across a DST change the
    two differ by an hour, and Bookeo refuses the longer one)."""
    if _utc(end) < _utc(start):
        raise ValueError(f"the window ends ({end.isoformat()}) before it starts")
    cursor = start
    while True:
        # Python adds a timedelta to an aware datetime in wall-clock time: that is the
        # calendar limit; the elapsed limit is the same sum done in UTC.
        elapsed = (_utc(cursor) + MAX_WINDOW).astimezone(cursor.tzinfo)
        stop = min(cursor + MAX_WINDOW, elapsed, end, key=_utc)
        yield cursor, stop
        if _utc(stop) >= _utc(end):
            return
        cursor = stop


def _utc(value: datetime) -> datetime:
    # Aware datetimes sharing a tzinfo compare and subtract by wall clock; UTC is exact.
    return value.astimezone(UTC)


def id_from_location(response: httpx.Response) -> str | None:
    """The last path segment of a `Location` header (the id of what was created)."""
    location = response.headers.get("Location")
    if not location:
        return None
    segment = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return segment or None


QueryParams = dict[str, str | int | bool | None]


def paged(
    client: BookeoClient,
    path: str,
    item_model: type[M],
    requests: list[QueryParams],
    *,
    key: Callable[[M], str] | None = None,
) -> AsyncPager[M]:
    """A pager over GET `path`: one first request per window, later pages by token."""

    def first(params: QueryParams) -> Callable[[], Awaitable[Page[M]]]:
        return lambda: client.get_page(path, item_model, params)

    async def next_page(token: str, number: int) -> Page[M]:
        return await client.get_page(
            path, item_model, {"pageNavigationToken": token, "pageNumber": number}
        )

    return AsyncPager(first_pages=[first(p) for p in requests], next_page=next_page, key=key)


def check_page_size(items_per_page: int, maximum: int) -> None:
    if not 1 <= items_per_page <= maximum:
        raise ValueError(f"items_per_page must be 1..{maximum}, got {items_per_page}")


def check_pair(lo: object | None, hi: object | None, lo_name: str, hi_name: str) -> bool:
    """True when both ends of a window are given; a half-given window is refused."""
    if (lo is None) != (hi is None):
        raise ValueError(f"give both {lo_name} and {hi_name}, or neither")
    return lo is not None
