"""Schemas by id: :class:`SchemaRegistry`, and the default one with the built-ins.

Whatever reads a schema id (a circuit file, a credential) finds the schema in
a registry. :data:`DEFAULT_SCHEMAS` holds the built-in schemas and is what
:func:`get_schema` reads; a platform with schemas of its own registers them
in a registry of its own, so they never change what every other user of the
library sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from zkattest.errors import InvalidInputError
from zkattest.schema.builtin import ACCREDITATION_V1, INVESTOR_V1
from zkattest.schema.model import Schema
from zkattest.schema.types import _short

__all__ = ["DEFAULT_SCHEMAS", "SCHEMAS", "SchemaRegistry", "get_schema"]

_BUILTIN_SCHEMAS: Final = (INVESTOR_V1, ACCREDITATION_V1)


class SchemaRegistry:
    """Credential schemas by id.

    ``SchemaRegistry()`` starts with the built-in schemas (``investor/v1``),
    ``SchemaRegistry(builtins=False)`` with none; :meth:`register` adds more.
    An id names one schema for good: registering another schema under a
    taken id is refused, registering the same schema again changes nothing.
    """

    __slots__ = ("_fixed", "_schemas")

    def __init__(self, *, builtins: bool = True) -> None:
        self._schemas: dict[str, Schema] = {}
        self._fixed = False
        for schema in _BUILTIN_SCHEMAS if builtins else ():
            self.register(schema)

    def register(self, schema: Schema) -> Schema:
        """Add ``schema`` under its id; return the registered schema.

        Raises :class:`InvalidInputError` if ``schema`` is not a
        :class:`Schema`, if its id is taken by a different schema, or if this
        is :data:`DEFAULT_SCHEMAS`.
        """
        if self._fixed:
            raise InvalidInputError(
                "DEFAULT_SCHEMAS holds the built-in schemas only; register yours in a"
                " registry of your own, SchemaRegistry()"
            )
        if not isinstance(schema, Schema):
            raise InvalidInputError(f"{_short(schema)} is not a Schema")
        known = self._schemas.setdefault(schema.id, schema)
        if known != schema:
            raise InvalidInputError(
                f"schema {schema.id} is already registered, with another definition"
            )
        return known

    def get(self, schema_id: str) -> Schema:
        """The schema called ``schema_id`` (e.g. ``"investor/v1"``).

        Raises :class:`InvalidInputError`, naming the known ids, if there is none.
        """
        schema = self._schemas.get(schema_id) if isinstance(schema_id, str) else None
        if schema is None:
            known = ", ".join(self.ids()) or "none"
            raise InvalidInputError(f"unknown schema {_short(schema_id)}; known: {known}")
        return schema

    def ids(self) -> list[str]:
        """The ids of the registered schemas, sorted."""
        return sorted(self._schemas)

    def __contains__(self, schema_id: object) -> bool:
        return isinstance(schema_id, str) and schema_id in self._schemas

    def __repr__(self) -> str:
        return f"<SchemaRegistry {', '.join(self.ids()) or '(empty)'}>"


def _fixed(registry: SchemaRegistry) -> SchemaRegistry:
    """``registry``, refusing every registration from now on."""
    registry._fixed = True
    return registry


#: The built-in schemas; fixed (a platform's own go in a :class:`SchemaRegistry`
#: of its own).
DEFAULT_SCHEMAS: Final = _fixed(SchemaRegistry())

#: The schemas of :data:`DEFAULT_SCHEMAS` by id (a read-only view).
SCHEMAS: Final[Mapping[str, Schema]] = MappingProxyType(DEFAULT_SCHEMAS._schemas)


def get_schema(schema_id: str) -> Schema:
    """The built-in schema called ``schema_id`` (e.g. ``"investor/v1"``):
    ``DEFAULT_SCHEMAS.get(schema_id)``."""
    return DEFAULT_SCHEMAS.get(schema_id)
