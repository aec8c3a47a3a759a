"""Finding a schema by its id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from zkattest.errors import InvalidInputError
from zkattest.schema.builtin import INVESTOR_V1
from zkattest.schema.model import Schema
from zkattest.schema.types import _short

__all__ = ["SCHEMAS", "get_schema"]

#: Every known schema by id.
SCHEMAS: Final[Mapping[str, Schema]] = {INVESTOR_V1.id: INVESTOR_V1}


def get_schema(schema_id: str) -> Schema:
    """The schema called ``schema_id`` (e.g. ``"investor/v1"``)."""
    schema = SCHEMAS.get(schema_id) if isinstance(schema_id, str) else None
    if schema is None:
        known = ", ".join(sorted(SCHEMAS))
        raise InvalidInputError(f"unknown schema {_short(schema_id)}; known: {known}")
    return schema
