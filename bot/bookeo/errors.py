"""Everything the Bookeo client raises.

    BookeoError
    ├── BookeoConnectionError          the request did not get an answer
    │   └── BookeoTimeoutError
    ├── BookeoStatusError              Bookeo answered with a non-2xx status
    │   ├── BadRequest                 400
    │   ├── Unauthorized               401
    │   ├── Forbidden                  403 (bad keys, or a permission the key lacks)
    │   ├── NotFound                   404
    │   ├── Conflict                   409
    │   ├── RateLimited                429, with `retry_after` seconds when Bookeo said
    │   └── ServerError                5xx
    ├── ResponseValidationError        a 2xx body did not fit our model
    ├── InvalidSignature               a webhook delivery failed verification
    └── MalformedDelivery              a verified delivery whose body is not the expected shape

Messages carry the method, the path and Bookeo's own `message` and error id — never the
query string or the headers, where credentials could be.
"""

from __future__ import annotations

import httpx


class BookeoError(Exception):
    """Base of every error raised by `bot.bookeo`."""


class BookeoConnectionError(BookeoError):
    """No answer from Bookeo (DNS, refused or reset connection, protocol error)."""

    def __init__(self, message: str, *, method: str, path: str, may_have_reached: bool) -> None:
        super().__init__(f"{method} {path}: {message}")
        self.method = method
        self.path = path
        # True when the request may have been processed (the answer, not the request, was lost):
        # a create must then not be retried blindly.
        self.may_have_reached = may_have_reached


class BookeoTimeoutError(BookeoConnectionError):
    """Bookeo did not answer in time."""


class BookeoStatusError(BookeoError):
    """Bookeo answered with a non-2xx status."""

    status_code: int

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        message: str,
        error_id: str | None,
        response: httpx.Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.message = message
        self.error_id = error_id
        self.response = response
        suffix = f" (Bookeo error id {error_id})" if error_id else ""
        super().__init__(f"{status_code} {method} {path}: {message}{suffix}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.method} {self.path} → {self.status_code})"


class BadRequest(BookeoStatusError):
    """400: Bookeo refused the input (its message says why)."""


class Unauthorized(BookeoStatusError):
    """401: the keys were not accepted."""


class Forbidden(BookeoStatusError):
    """403: bad keys, or the key lacks the permission this call needs."""


class NotFound(BookeoStatusError):
    """404: no such booking, customer, hold or webhook."""


class Conflict(BookeoStatusError):
    """409: the change conflicts with the current state."""


class RateLimited(BookeoStatusError):
    """429: too many requests; `retry_after` is the wait Bookeo asked for, if it said."""

    def __init__(self, *, retry_after: float | None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)  # type: ignore[arg-type]


class ServerError(BookeoStatusError):
    """5xx: Bookeo failed."""


class ResponseValidationError(BookeoError):
    """A 2xx response whose body did not have the shape we expect."""

    def __init__(self, *, method: str, path: str, detail: str) -> None:
        super().__init__(f"{method} {path}: unexpected response from Bookeo: {detail}")
        self.method = method
        self.path = path


class InvalidSignature(BookeoError):
    """A webhook delivery that is not provably from Bookeo, or is too old, or is a replay."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedDelivery(BookeoError):
    """A verified webhook delivery whose body is not the shape we expect (kept, not processed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_BY_STATUS: dict[int, type[BookeoStatusError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


def status_error_class(status_code: int) -> type[BookeoStatusError]:
    """The exception class for an HTTP status (429 and 5xx handled by the caller)."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, BookeoStatusError)
