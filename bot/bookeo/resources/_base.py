"""What every resource shares: the client, id checks, time formatting, window splitting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel

from bot.bookeo._pagination import AsyncPager, Page

if TYPE_CHECKING:
    from bot.bookeo._client import BookeoClient

MAX_WINDOW = timedelta(days=31)
M = TypeVar("M", bound=BaseModel)


class Resource:
    def __init__(self, client: BookeoClient) -> None:
        self._client = client


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
    """Split [start, end] into consecutive windows Bookeo accepts (at most 31 days each)."""
    if end < start:
        raise ValueError(f"the window ends ({end.isoformat()}) before it starts")
    cursor = start
    while True:
        stop = min(cursor + MAX_WINDOW, end)
        yield cursor, stop
        if stop >= end:
            return
        cursor = stop


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
