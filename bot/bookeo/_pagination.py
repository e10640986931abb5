"""`AsyncPager`: Bookeo's list envelopes behind `await` (first page) and `async for` (all items).

Bookeo pages with an opaque `pageNavigationToken` plus a 1-based `pageNumber` (API.md §3.3);
the token is on the first page of a list longer than one page, and may or may not be on the
last (both are read the same way).
A list whose time window is longer than Bookeo allows is split by the resource into several
windows; the pager walks them in order and drops items it has already yielded (windows share
their boundary instant, and Bookeo's windows are inclusive).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .models import PageInfo

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items and Bookeo's paging info."""

    items: list[T]
    info: PageInfo

    @property
    def has_next(self) -> bool:
        return self.info.page_navigation_token is not None and (
            self.info.current_page < self.info.total_pages
        )


FetchFirst = Callable[[], Awaitable[Page[T]]]
FetchNext = Callable[[str, int], Awaitable[Page[T]]]


class AsyncPager(Generic[T]):
    """`page = await pager` for the first page; `async for item in pager` for every item."""

    def __init__(
        self,
        *,
        first_pages: Sequence[FetchFirst[T]],
        next_page: FetchNext[T],
        key: Callable[[T], str] | None = None,
    ) -> None:
        if not first_pages:
            raise ValueError("a pager needs at least one request")
        self._first_pages = list(first_pages)
        self._next_page = next_page
        self._key = key

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._first_pages[0]().__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page of every window, in order."""
        for fetch_first in self._first_pages:
            page = await fetch_first()
            yield page
            token = page.info.page_navigation_token
            if token is None:
                continue
            # Walk by number up to totalPages (as read on the first page), whether the last
            # page drops the token (as real Bookeo's does: its clients stop when it goes) or
            # keeps it: a server that keeps sending one can never make this loop forever, and
            # one that drops it early does not cut the list short. A page that brings a new
            # token is read on with that one.
            for number in range(page.info.current_page + 1, page.info.total_pages + 1):
                later = await self._next_page(token, number)
                yield later
                token = later.info.page_navigation_token or token

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        seen: set[str] = set()
        async for page in self.pages():
            for item in page.items:
                if self._key is not None:
                    key = self._key(item)
                    if key in seen:
                        continue
                    seen.add(key)
                yield item

    async def to_list(self, *, limit: int | None = None) -> list[T]:
        """Collect every item (or the first `limit`)."""
        items: list[T] = []
        async with aclosing(self.__aiter__()) as iterator:
            async for item in iterator:
                items.append(item)
                if limit is not None and len(items) >= limit:
                    break
        return items
