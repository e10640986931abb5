"""Bookeo's paging envelope: the first call snapshots the result; later pages use its token."""

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

    def first_page(self, items: list[Json], page_size: int) -> tuple[Json, str | None]:
        """The envelope of page 1, and the token when there are more pages."""
        token = None
        if len(items) > page_size:
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
    if token is not None:
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
