"""The base of every Bookeo model: camelCase on the wire, unknown fields kept, aware times."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel


class BookeoModel(BaseModel):
    """A Bookeo JSON object.

    Unknown fields are kept (`extra="allow"`) so a field Bookeo adds tomorrow never breaks
    parsing, and survives a read-modify-write round trip (PUT is a full replacement).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
    )

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body Bookeo expects: camelCase, no nulls, decimals as strings."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def _time_text(value: datetime) -> str:
    # RFC 3339 to the millisecond, as Bookeo's own clients send it (pydantic would send
    # microseconds, which Bookeo's documented format does not have).
    text = value.isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z" if value.utcoffset() == UTC.utcoffset(None) else text


# An aware point in time, sent with at most milliseconds.
Time = Annotated[AwareDatetime, PlainSerializer(_time_text, return_type=str, when_used="json")]

E = TypeVar("E", bound=StrEnum)
# `OpenEnum[PaymentMethod]`: the enum member when Bookeo sends a known value, the plain string
# when it sends one added after this code was written (reads never break on a new value).
OpenEnum = Annotated[E | str, Field(union_mode="left_to_right")]
