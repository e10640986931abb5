"""The sandbox's error: an HTTP status and a message, rendered as Bookeo's error JSON."""

from __future__ import annotations

import secrets


class ApiError(Exception):
    """A Bookeo-style error answer: `{"httpStatus", "message", "errorId"}` (API.md §7)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}
        self.error_id = secrets.token_hex(8).upper()

    def body(self) -> dict[str, object]:
        return {
            "httpStatus": self.status,
            "message": self.message,
            "errorId": self.error_id,
            **self.extra,
        }


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)
