"""Reading Bookeo-style requests and writing Bookeo-style answers, for every `/v2` route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import ApiError, bad_request
from .paging import PageStore, page_size
from .parsing import parse_time
from .render import Json

Endpoint = Callable[[Request], Awaitable[Response]]
Row = tuple[str, str, Endpoint]  # path under /v2, HTTP method, endpoint
MAX_WINDOW = timedelta(days=31)
NO_CACHE = {
    "Cache-Control": "private, max-age=0, no-cache, no-store",
    "Pragma": "no-cache",
    "Content-Language": "en-US",
}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers={**NO_CACHE, **(headers or {})})


def created(request: Request, data: Json, path: str) -> Response:
    """201 with a Location naming the new item (`path` under /v2)."""
    return json_response(data, 201, location(request, path))


def no_content() -> Response:
    return Response(status_code=204, headers=NO_CACHE)


def error_response(error: ApiError) -> Response:
    return JSONResponse(
        error.body(), status_code=error.status, headers={**NO_CACHE, **error.headers}
    )


async def not_emulated(request: Request, exc: Exception) -> Response:
    """A route or method the sandbox does not have: Bookeo's error JSON (API.md §3.5), not
    Starlette's plain text, so a client reads it as it would read Bookeo's."""
    assert isinstance(exc, HTTPException)
    where = f"{request.method} {request.url.path}"
    message = {
        404: f"No such endpoint: {where}",
        405: f"Method not allowed: {where}",
    }.get(exc.status_code, f"{exc.detail}: {where}")
    return error_response(ApiError(exc.status_code, message, headers=dict(exc.headers or {})))


def location(request: Request, path: str) -> dict[str, str]:
    return {"Location": f"{str(request.base_url).rstrip('/')}/v2/{path}"}


async def read_body(request: Request) -> Json:
    try:
        data = await request.json()
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object")
    return data


def query_bool(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false")
    return value == "true"


def query_int(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be a whole number") from None


def query_window(
    request: Request, lo: str, hi: str, tz: tzinfo
) -> tuple[datetime, datetime] | None:
    """A `lo`/`hi` pair of query times, both or neither, at most 31 days apart."""
    start, end = request.query_params.get(lo), request.query_params.get(hi)
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise bad_request(f"{lo} and {hi} must be given together")
    a, b = parse_time(start, tz, lo), parse_time(end, tz, hi)
    if b < a:
        raise bad_request(f"{hi} is before {lo}")
    if b - a > MAX_WINDOW:
        raise bad_request(f"The {lo}/{hi} window may span at most 31 days")
    return a, b


def paged(
    request: Request, pages: PageStore, items: Callable[[], list[Json]], maximum: int
) -> Response:
    """A paged list: a token means "another page of an earlier list"."""
    token = request.query_params.get("pageNavigationToken")
    if token:
        return json_response(pages.page(token, query_int(request, "pageNumber", 1)))
    size = page_size(request.query_params.get("itemsPerPage"), maximum)
    envelope, _ = pages.first_page(items(), size)
    return json_response(envelope)
