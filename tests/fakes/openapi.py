"""Check HTTP traffic against `tests/data/bookeo/openapi.yaml` with openapi-core.

The spec is a copy of `shared/bookeo/openapi.yaml` (a test checks they agree when the
shared folder is present), so a fresh clone can run the suite on its own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.request.validators import (
    V31WebhookRequestBodyValidator,
    V31WebhookRequestParametersValidator,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).parents[1] / "data" / "bookeo" / "openapi.yaml"
SPEC_HOST = "https://api.bookeo.com"


@functools.cache
def spec() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC_PATH))


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass
class _WebhookRequest:
    name: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass
class _Response:
    status_code: int
    data: bytes | None
    content_type: str
    headers: Headers


def _params(request: httpx.Request) -> RequestParameters:
    return RequestParameters(
        query=ImmutableMultiDict(parse_qsl(request.url.query.decode(), keep_blank_values=True)),
        header=Headers(list(request.headers.items())),
    )


def _as_openapi(request: httpx.Request) -> _Request:
    # Requests go to the spec's server so that paths match `/v2/...` whatever host was used.
    return _Request(
        host_url=SPEC_HOST,
        path=request.url.path,
        method=request.method.lower(),
        body=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
        parameters=_params(request),
    )


def validate_exchange(request: httpx.Request, response: httpx.Response) -> None:
    """Raise when the response does not fit the spec for that operation and status.

    Requests are not validated: the spec lists read-only fields (bookingNumber, title…) as
    required, which OpenAPI means for responses only, but openapi-core applies to requests.
    """
    openapi_request = _as_openapi(request)
    spec().validate_response(
        openapi_request,
        _Response(
            status_code=response.status_code,
            data=response.content or None,
            content_type=response.headers.get("content-type", "application/json"),
            headers=Headers(list(response.headers.items())),
        ),
    )


def validate_webhook_delivery(headers: dict[str, str], body: bytes) -> None:
    """Raise when a webhook delivery's headers or body do not fit `bookeoNotification`.

    Only parameters and body: the spec's global API-key security is for calls to Bookeo,
    and openapi-core would otherwise demand it of Bookeo's own deliveries.
    """
    request = _WebhookRequest(
        name="bookeoNotification",
        method="post",
        body=body,
        content_type=headers.get("content-type", "application/json"),
        parameters=RequestParameters(header=Headers(list(headers.items()))),
    )
    for validator in (V31WebhookRequestParametersValidator, V31WebhookRequestBodyValidator):
        validator(spec().spec).validate(request)


class ValidatingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; every exchange is checked against the spec, and recorded."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        validate_exchange(request, response)
        self.exchanges.append((request, response))
        return response

    def paths(self) -> list[str]:
        return [f"{req.method} {req.url.path}" for req, _ in self.exchanges]


def every_response_checked(transport: ValidatingTransport) -> dict[str, Any]:
    """A summary for assertions: how many exchanges, by status."""
    by_status: dict[int, int] = {}
    for _, response in transport.exchanges:
        by_status[response.status_code] = by_status.get(response.status_code, 0) + 1
    return {"total": len(transport.exchanges), "by_status": by_status}
