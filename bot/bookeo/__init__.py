"""A typed async client of the Bookeo REST API v2 (importable on its own: no bot imports)."""

from ._client import DEFAULT_BASE_URL, BookeoAuth, BookeoClient
from ._pagination import AsyncPager, Page
from ._retry import RetryPolicy
from .errors import (
    BadRequest,
    BookeoConnectionError,
    BookeoError,
    BookeoStatusError,
    BookeoTimeoutError,
    Conflict,
    Forbidden,
    InvalidSignature,
    MalformedDelivery,
    NotFound,
    RateLimited,
    ResponseValidationError,
    ServerError,
    Unauthorized,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncPager",
    "BadRequest",
    "BookeoAuth",
    "BookeoClient",
    "BookeoConnectionError",
    "BookeoError",
    "BookeoStatusError",
    "BookeoTimeoutError",
    "Conflict",
    "Forbidden",
    "InvalidSignature",
    "MalformedDelivery",
    "NotFound",
    "Page",
    "RateLimited",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "Unauthorized",
]
