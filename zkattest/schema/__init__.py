"""Typed credential schemas and their encoding to BBS message scalars.

The implementation lives in the modules of this package; import from here.
"""

from __future__ import annotations

from zkattest.schema.types import (
    DATE_BITS,
    DATE_EPOCH,
    EXPIRY_ATTRIBUTE,
    INVESTOR_V1,
    ISO_3166_1_NUMERIC,
    SCHEMAS,
    TYPED_INTERFACE_ID,
    Attribute,
    AttributeType,
    BoolType,
    DateType,
    EnumType,
    JsonValue,
    Schema,
    TextType,
    UIntType,
    canonical_json,
    get_schema,
    text_to_scalar_dst,
    typed_api_id,
)

# Internal: the value error the types raise, which zkattest.circuits reports in its own words.
from zkattest.schema.types import _BadValueError as _BadValueError

__all__ = [
    "DATE_BITS",
    "DATE_EPOCH",
    "EXPIRY_ATTRIBUTE",
    "INVESTOR_V1",
    "ISO_3166_1_NUMERIC",
    "SCHEMAS",
    "TYPED_INTERFACE_ID",
    "Attribute",
    "AttributeType",
    "BoolType",
    "DateType",
    "EnumType",
    "JsonValue",
    "Schema",
    "TextType",
    "UIntType",
    "canonical_json",
    "get_schema",
    "text_to_scalar_dst",
    "typed_api_id",
]
