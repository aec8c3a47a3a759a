"""Attributes and schemas: a schema is an ordered list of typed attributes.

The position of an attribute is its BBS message index. The credential header
(:attr:`Schema.header`) names the schema and its hash; it is disclosed with
every proof and holds no personal data.

Issuer input is validated strictly: an unknown or missing attribute, a value
of the wrong type, a negative or oversized amount, an impossible or
out-of-range date, or dates in an impossible order raise
:class:`~zkattest.errors.IssuanceError` naming the attribute.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Final

from zkattest.errors import InvalidInputError, IssuanceError
from zkattest.hazmat.bbs.ciphersuites import Ciphersuite
from zkattest.schema.encoding import canonical_json
from zkattest.schema.types import AttributeType, JsonValue, _BadValueError

__all__ = ["EXPIRY_ATTRIBUTE", "Attribute", "Schema"]

#: Every circuit must show that this attribute is ``>= today``.
EXPIRY_ATTRIBUTE: Final = "expiry_date"

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SCHEMA_ID = re.compile(r"([a-z][a-z0-9_-]*)/v([1-9][0-9]*)")


@dataclass(frozen=True)
class Attribute:
    """A named, typed attribute of a schema."""

    name: str
    type: AttributeType
    description: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or _NAME.fullmatch(self.name) is None:
            raise InvalidInputError(f"attribute name {self.name!r} must match [a-z][a-z0-9_]*")
        if not isinstance(self.type, AttributeType):
            raise InvalidInputError(f"attribute {self.name}: type must be an AttributeType")

    def normalize(self, value: object) -> JsonValue:
        """The canonical JSON value of ``value``; :class:`IssuanceError` if invalid."""
        try:
            return self.type.parse(value)
        except _BadValueError as exc:
            raise IssuanceError(f"{self.name}: {exc}") from None

    def encode(self, value: object, suite: Ciphersuite) -> int:
        """The BBS message scalar of ``value``; :class:`IssuanceError` if invalid."""
        if not isinstance(suite, Ciphersuite):
            raise InvalidInputError("suite must be BLS12_381_SHA_256 or BLS12_381_SHAKE_256")
        return self.type.to_scalar(self.normalize(value), suite)

    def decode_scalar(self, scalar: int) -> JsonValue:
        """The canonical value a scalar encodes (not for text).

        Raises :class:`InvalidInputError` if no value of the type encodes to it.
        """
        try:
            return self.type.from_scalar(scalar)
        except _BadValueError as exc:
            raise InvalidInputError(f"{self.name}: {exc}") from None

    def definition(self) -> dict[str, object]:
        """The attribute's part of the schema definition (hashed; no description)."""
        return {"name": self.name, "type": self.type.definition()}


@dataclass(frozen=True)
class Schema:
    """A versioned credential schema: ordered typed attributes.

    ``attributes[i]`` is BBS message ``i``. ``date_order`` lists pairs
    ``(a, b)`` of orderable attributes that a credential must have with
    ``a <= b`` (e.g. issuance before expiry). Build once; immutable.
    """

    id: str
    version: int
    attributes: tuple[Attribute, ...]
    description: str = ""
    date_order: tuple[tuple[str, str], ...] = ()
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        match = _SCHEMA_ID.fullmatch(self.id) if isinstance(self.id, str) else None
        if match is None or type(self.version) is not int or int(match[2]) != self.version:
            raise InvalidInputError(f"schema id {self.id!r} must be <family>/v<version>")
        if not self.attributes:
            raise InvalidInputError(f"schema {self.id} has no attributes")
        index = {attribute.name: i for i, attribute in enumerate(self.attributes)}
        if len(index) != len(self.attributes):
            raise InvalidInputError(f"schema {self.id} names an attribute twice")
        object.__setattr__(self, "_index", index)
        for a, b in self.date_order:
            kinds = {self.attributes[index[n]].type.kind for n in (a, b) if n in index}
            if len(kinds) != 1 or not kinds <= {"uint", "date"} or a not in index or b not in index:
                raise InvalidInputError(f"schema {self.id}: cannot order {a!r} before {b!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """The attribute names in message order."""
        return tuple(attribute.name for attribute in self.attributes)

    def index(self, name: str) -> int:
        """The BBS message index (0-based) of attribute ``name``."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise InvalidInputError(f"schema {self.id} has no attribute {name!r}") from None

    def attribute(self, name: str) -> Attribute:
        """The attribute called ``name``."""
        return self.attributes[self.index(name)]

    def normalize(self, attributes: Mapping[str, object]) -> dict[str, JsonValue]:
        """Validate issuer input: the canonical value of every attribute, in schema order.

        Raises :class:`IssuanceError` for a non-mapping, unknown or missing
        attributes (all listed), a bad value (naming the attribute) or dates
        out of order. Nothing is defaulted: every attribute must be given.
        """
        if not isinstance(attributes, Mapping):
            raise IssuanceError("attributes must be a mapping of attribute name to value")
        unknown = sorted(
            repr(k) if not isinstance(k, str) else k for k in attributes if k not in self._index
        )
        missing = [name for name in self.names if name not in attributes]
        problems = []
        if unknown:
            problems.append(f"unknown attribute(s) {', '.join(unknown)}")
        if missing:
            problems.append(f"missing attribute(s) {', '.join(missing)}")
        if problems:
            raise IssuanceError(f"schema {self.id}: {'; '.join(problems)}")
        values = {a.name: a.normalize(attributes[a.name]) for a in self.attributes}
        for a, b in self.date_order:
            if _order_key(values[a]) > _order_key(values[b]):
                raise IssuanceError(f"{a} ({values[a]}) must not be after {b} ({values[b]})")
        return values

    def encode(self, attributes: Mapping[str, object], suite: Ciphersuite) -> list[int]:
        """The BBS message scalars of a credential, in schema order.

        Validated as :meth:`normalize`.
        """
        if not isinstance(suite, Ciphersuite):
            raise InvalidInputError("suite must be BLS12_381_SHA_256 or BLS12_381_SHAKE_256")
        values = self.normalize(attributes)
        return [a.type.to_scalar(values[a.name], suite) for a in self.attributes]

    def definition(self) -> dict[str, object]:
        """The hashed definition: id, version, attribute names and types, date order.

        Descriptions are documentation and are not part of it.
        """
        return {
            "format": "zkattest/schema/v1",
            "id": self.id,
            "version": self.version,
            "attributes": [attribute.definition() for attribute in self.attributes],
            "date_order": [list(pair) for pair in self.date_order],
        }

    def canonical_json(self) -> bytes:
        """``canonical_json(self.definition())``."""
        return canonical_json(self.definition())

    @cached_property
    def schema_hash(self) -> bytes:
        """SHA-256 of :meth:`canonical_json` (32 bytes)."""
        return hashlib.sha256(self.canonical_json()).digest()

    @cached_property
    def header(self) -> bytes:
        """The BBS ``header`` of credentials of this schema.

        ``"zkattest/credential/v1;schema=" || id || ";sha256=" || hex(schema_hash)``,
        ASCII. It is signed and disclosed with every proof, so a verifier
        learns which schema (and exact encoding tables) a credential uses and
        nothing about its holder.
        """
        return f"zkattest/credential/v1;schema={self.id};sha256={self.schema_hash.hex()}".encode(
            "ascii"
        )


def _order_key(value: JsonValue) -> int:
    # Canonical values of orderable types: an int (uint) or an ISO date string.
    return date.fromisoformat(value).toordinal() if isinstance(value, str) else int(value)
