"""The base of every Bookeo model: camelCase on the wire, unknown fields kept, aware times."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
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


E = TypeVar("E", bound=StrEnum)
# `OpenEnum[PaymentMethod]`: the enum member when Bookeo sends a known value, the plain string
# when it sends one added after this code was written (reads never break on a new value).
OpenEnum = Annotated[E | str, Field(union_mode="left_to_right")]
