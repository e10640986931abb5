"""Bookeo's paging envelope: the first call snapshots the result; later pages use its token.

`info.pageNavigationToken` is on every page but the last (API.md §3.3: "present only when there
is more than one page"): a client that stops when the token disappears, as clients of real
Bookeo do, stops on the last page instead of asking for one past it.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Any

from .errors import bad_request

Json = dict[str, Any]
DEFAULT_PAGE_SIZE = 50


class PageStore:
    """Result snapshots by token, oldest evicted first (Bookeo's tokens expire too)."""

    def __init__(self, *, max_results: int = 2000) -> None:
        self._results: OrderedDict[str, tuple[list[Json], int]] = OrderedDict()
        self._max = max_results

    def first_page(
        self, items: list[Json], page_size: int, *, keep: bool = False
    ) -> tuple[Json, str | None]:
        """The envelope of page 1, and the token when there are more pages. `keep`: snapshot
        the result under a token even when it fits on one page (a matching-slots search's
        `Location` names its result set, which stays navigable)."""
        token = None
        if len(items) > page_size or keep:
            token = secrets.token_urlsafe(18)
            self._results[token] = (items, page_size)
            while len(self._results) > self._max:
                self._results.popitem(last=False)
        return _envelope(items, page_size, 1, token), token

    def page(self, token: str, number: int) -> Json:
        found = self._results.get(token)
        if found is None:
            raise bad_request("Invalid or expired pageNavigationToken")
        items, page_size = found
        total_pages = max(1, -(-len(items) // page_size))
        if not 1 <= number <= total_pages:
            raise bad_request(f"pageNumber must be between 1 and {total_pages}")
        self._results.move_to_end(token)
        return _envelope(items, page_size, number, token)


def _envelope(items: list[Json], page_size: int, number: int, token: str | None) -> Json:
    total_pages = max(1, -(-len(items) // page_size))
    info: Json = {"totalItems": len(items), "totalPages": total_pages, "currentPage": number}
    if token is not None and number < total_pages:
        info["pageNavigationToken"] = token
    start = (number - 1) * page_size
    return {"info": info, "data": items[start : start + page_size]}


def page_size(raw: str | None, maximum: int) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise bad_request("itemsPerPage must be a whole number") from None
    if not 1 <= size <= maximum:
        raise bad_request(f"itemsPerPage must be between 1 and {maximum}")
    return size
