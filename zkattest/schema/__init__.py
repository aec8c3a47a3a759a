"""Typed credential schemas and their encoding to BBS message scalars.

A schema is an ordered list of typed attributes; the position of an attribute
is its BBS message index, and its type says how a value becomes that message's
scalar. The package, by responsibility:

- :mod:`~zkattest.schema.types`: the attribute types (``uint``, ``date``,
  ``enum``, ``bool``, ``text``): checking, encoding and decoding a value, and
  the circuit operators each type supports;
- :mod:`~zkattest.schema.model`: :class:`Attribute` and :class:`Schema`, with
  issuer input validation, the hashed definition and the credential header;
- :mod:`~zkattest.schema.encoding`: the typed BBS Interface's ``api_id``
  and the canonical JSON that schemas and circuits are hashed in;
- :mod:`~zkattest.schema.builtin`: the ``investor/v1`` schema and the
  ISO 3166-1 table;
- :mod:`~zkattest.schema.registry`: :class:`SchemaRegistry`, schemas by id,
  and :data:`DEFAULT_SCHEMAS`, the built-in ones, which :func:`get_schema`
  reads.

Import from here: the package re-exports every public name of its modules.
Details and the reasoning: ``docs/notes/encoding.md``.
"""

from __future__ import annotations

from zkattest.schema.builtin import ACCREDITATION_V1, INVESTOR_V1, ISO_3166_1_NUMERIC
from zkattest.schema.encoding import (
    TYPED_INTERFACE_ID,
    canonical_json,
    text_to_scalar_dst,
    typed_api_id,
)
from zkattest.schema.model import EXPIRY_ATTRIBUTE, Attribute, Schema
from zkattest.schema.registry import DEFAULT_SCHEMAS, SCHEMAS, SchemaRegistry, get_schema
from zkattest.schema.types import (
    DATE_BITS,
    DATE_EPOCH,
    AttributeType,
    BoolType,
    DateType,
    EnumType,
    JsonValue,
    TextType,
    UIntType,
)

# Internal: the value error the types raise, which zkattest.circuits reports in its own words.
from zkattest.schema.types import _BadValueError as _BadValueError

__all__ = [
    "ACCREDITATION_V1",
    "DATE_BITS",
    "DATE_EPOCH",
    "DEFAULT_SCHEMAS",
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
    "SchemaRegistry",
    "TextType",
    "UIntType",
    "canonical_json",
    "get_schema",
    "text_to_scalar_dst",
    "typed_api_id",
]
