r"""Attribute types: how a value is checked, encoded to a BBS message scalar and decoded.

Each type maps a value to a scalar ``m`` of the BBS message vector,
deterministically and injectively::

    uint(bits)   n                    ->  m = n,                       0 <= n < 2^bits
    date         d (YYYY-MM-DD)       ->  m = d - 1900-01-01 in days,  0 <= m < 2^16
    enum         name                 ->  m = code(name),              a fixed small integer
    bool         false / true         ->  m = 0 / 1
    text         s                    ->  m = hash_to_scalar(UTF-8(s), text_dst)

with ``text_dst = api_id || "MAP_TEXT_TO_SCALAR_AS_HASH_"`` and ``api_id`` the
typed interface's identifier (:func:`~zkattest.schema.encoding.typed_api_id`).

Integers, dates and enums are the value itself, so the order of values is the
order of scalars and a range predicate ``m >= t`` is a range proof on
``m - t``; every such scalar is below ``2^48``, far below the group order
``r`` (about ``2^255``), so ``m - t mod r`` lies in ``[0, 2^64)`` exactly when
``m >= t``. Text is hashed and is never disclosed or compared by a circuit.
Details and the reasoning: ``docs/notes/encoding.md``.

Each type also declares, in :attr:`AttributeType.operators`, the circuit
operators that apply to its attributes; that declaration is the only one,
and the circuit loader refuses every other operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar, Final, TypeAlias

from zkattest.errors import InvalidInputError
from zkattest.hazmat.bbs.ciphersuites import Ciphersuite
from zkattest.schema.encoding import text_to_scalar_dst

__all__ = [
    "DATE_BITS",
    "DATE_EPOCH",
    "AttributeType",
    "BoolType",
    "DateType",
    "EnumType",
    "JsonValue",
    "TextType",
    "UIntType",
]

#: A canonical attribute value: ``int`` (uint), ``str`` (date as ISO
#: ``YYYY-MM-DD``, enum value name, text) or ``bool``.
JsonValue: TypeAlias = bool | int | str

#: Day 0 of the date encoding.
DATE_EPOCH: Final = date(1900, 1, 1)
#: Encoded dates are below ``2^DATE_BITS`` (1900-01-01 to 2079-06-06). Any two
#: such dates are less than ``2^16`` days apart, so every predicate comparing
#: dates the schema accepts fits the 16-bit date range proofs
#: (:data:`zkattest.circuits.DATE_RANGE_BITS`, which checks this).
DATE_BITS: Final = 16

# The range operators: they apply to a type exactly when its encoding keeps the order.
_RANGE_OPERATORS: Final = frozenset({">=", "<=", "between"})
_MAX_TEXT_BYTES: Final = 1024
_SHORT: Final = 40  # longest value repr echoed in an issuer-side error


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


class _BadValueError(Exception):
    """A value is not valid for a type; the caller names the attribute.

    Internal, shared with :mod:`zkattest.schema.model`, which reports it as
    :class:`~zkattest.errors.IssuanceError`, and :mod:`zkattest.circuits`,
    which reports it as :class:`~zkattest.errors.InvalidInputError`.
    """


class AttributeType:
    """The type of an attribute: how a value is checked, encoded and decoded.

    Subclasses are frozen dataclasses. ``parse`` turns an input value into the
    canonical JSON value or raises; ``to_scalar`` encodes a canonical value;
    ``from_scalar`` inverts it where the encoding is invertible.
    """

    kind: ClassVar[str]
    #: The circuit operators that apply to an attribute of this type: the one
    #: place that says so (the circuit loader refuses the others).
    operators: ClassVar[tuple[str, ...]] = ()
    #: Whether ``>=``, ``<=`` and ``between`` apply (the encoding preserves
    #: order): set from :attr:`operators` for each subclass, never declared.
    orderable: ClassVar[bool] = False

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.orderable = _RANGE_OPERATORS.issubset(cls.operators)

    @property
    def max_scalar(self) -> int | None:
        """The largest scalar of the type; ``None`` for hashed text."""
        raise NotImplementedError

    def parse(self, value: object) -> JsonValue:
        """The canonical form of ``value``; raises ``_BadValueError`` naming the problem."""
        raise NotImplementedError

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        """The BBS message scalar of a canonical value."""
        raise NotImplementedError

    def from_scalar(self, scalar: int) -> JsonValue:
        """The canonical value a scalar encodes; raises ``_BadValueError`` if none does."""
        raise NotImplementedError

    def definition(self) -> dict[str, object]:
        """The type's part of the schema definition (hashed)."""
        raise NotImplementedError

    def _check_scalar(self, scalar: int) -> int:
        top = self.max_scalar
        if type(scalar) is not int or top is None or not 0 <= scalar <= top:
            raise _BadValueError(f"{_short(scalar)} is not a {self.kind} scalar")
        return scalar


@dataclass(frozen=True)
class UIntType(AttributeType):
    """An unsigned integer in ``[0, 2^bits)``, encoded as itself."""

    kind: ClassVar[str] = "uint"
    operators: ClassVar[tuple[str, ...]] = (">=", "<=", "between", "==", "!=", "in", "not_in")
    bits: int

    def __post_init__(self) -> None:
        if type(self.bits) is not int or not 1 <= self.bits <= 64:
            raise InvalidInputError("uint bits must be an integer from 1 to 64")

    @property
    def max_scalar(self) -> int:
        return (1 << self.bits) - 1

    def parse(self, value: object) -> int:
        if type(value) is not int:
            raise _BadValueError(f"must be an integer, not {type(value).__name__}")
        if value < 0:
            raise _BadValueError(f"must not be negative (got {value})")
        if value > self.max_scalar:
            raise _BadValueError(f"must be less than 2^{self.bits} (got {value})")
        return value

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        return self.parse(value)

    def from_scalar(self, scalar: int) -> int:
        return self._check_scalar(scalar)

    def definition(self) -> dict[str, object]:
        return {"kind": self.kind, "bits": self.bits}


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclass(frozen=True)
class DateType(AttributeType):
    """A calendar date, encoded as the number of days since :data:`DATE_EPOCH`.

    Input: an ISO ``YYYY-MM-DD`` string or a :class:`datetime.date` (not a
    ``datetime``, whose time zone would make the day ambiguous). Dates from
    1900-01-01 to 2079-06-06 (``2^16 - 1`` days later) are accepted.
    """

    kind: ClassVar[str] = "date"
    operators: ClassVar[tuple[str, ...]] = (">=", "<=", "between", "==", "!=", "in", "not_in")

    @property
    def max_scalar(self) -> int:
        return (1 << DATE_BITS) - 1

    @property
    def max_date(self) -> date:
        """The last encodable date."""
        return DATE_EPOCH + timedelta(days=self.max_scalar)

    def parse_date(self, value: object) -> date:
        """``value`` as a date in the encodable range; raises ``_BadValueError``."""
        if isinstance(value, datetime):
            raise _BadValueError("must be a date, not a datetime")
        if isinstance(value, date):
            day = value
        elif isinstance(value, str):
            match = _ISO_DATE.fullmatch(value)
            if match is None:
                raise _BadValueError(f"must be an ISO date YYYY-MM-DD (got {_short(value)})")
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise _BadValueError(f"{value} is not a calendar date") from None
        else:
            raise _BadValueError(f"must be an ISO date string, not {type(value).__name__}")
        if not DATE_EPOCH <= day <= self.max_date:
            raise _BadValueError(f"{day.isoformat()} is outside {DATE_EPOCH} .. {self.max_date}")
        return day

    def date_to_scalar(self, day: date) -> int:
        """Days since the epoch of a date in range (raises ``_BadValueError`` otherwise)."""
        return (self.parse_date(day) - DATE_EPOCH).days

    def parse(self, value: object) -> str:
        return self.parse_date(value).isoformat()

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        return self.date_to_scalar(self.parse_date(value))

    def from_scalar(self, scalar: int) -> str:
        return (DATE_EPOCH + timedelta(days=self._check_scalar(scalar))).isoformat()

    def definition(self) -> dict[str, object]:
        return {"kind": self.kind, "epoch": DATE_EPOCH.isoformat(), "bits": DATE_BITS}


@dataclass(frozen=True)
class EnumType(AttributeType):
    """One of a fixed set of names, each encoded as its fixed integer code.

    ``name`` names the set in messages and in the schema definition; codes
    are unique non-negative integers below ``2^16``. Enum values are
    compared for equality and set membership only.
    """

    kind: ClassVar[str] = "enum"
    operators: ClassVar[tuple[str, ...]] = ("==", "!=", "in", "not_in")
    name: str
    values: tuple[tuple[str, int], ...]
    _codes: dict[str, int] = field(init=False, repr=False, compare=False)
    _names: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = dict(self.values)
        names = {code: name for name, code in self.values}
        if not self.values or len(codes) != len(self.values) or len(names) != len(self.values):
            raise InvalidInputError(f"enum {self.name}: names and codes must be unique")
        for value_name, code in self.values:
            if not isinstance(value_name, str) or not value_name:
                raise InvalidInputError(f"enum {self.name}: value names must be strings")
            if type(code) is not int or not 0 <= code < 1 << 16:
                raise InvalidInputError(f"enum {self.name}: codes must be in [0, 2^16)")
        object.__setattr__(self, "_codes", codes)
        object.__setattr__(self, "_names", names)

    @property
    def max_scalar(self) -> int:
        return max(self._names)

    def code(self, value: object) -> int:
        """The code of a value name (raises ``_BadValueError`` for an unknown name)."""
        return self._codes[self.parse(value)]

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise _BadValueError(f"must be a string ({self.name}), not {type(value).__name__}")
        if value not in self._codes:
            if len(self.values) <= 12:
                allowed = ", ".join(name for name, _ in self.values)
                raise _BadValueError(f"must be one of {allowed} (got {_short(value)})")
            raise _BadValueError(f"{_short(value)} is not a known {self.name} value")
        return value

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        return self.code(value)

    def from_scalar(self, scalar: int) -> str:
        if type(scalar) is not int or scalar not in self._names:
            raise _BadValueError(f"{_short(scalar)} is not a {self.name} code")
        return self._names[scalar]

    def definition(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "values": dict(self.values)}


@dataclass(frozen=True)
class BoolType(AttributeType):
    """``false`` or ``true``, encoded as 0 or 1."""

    kind: ClassVar[str] = "bool"
    operators: ClassVar[tuple[str, ...]] = ("==", "!=")

    @property
    def max_scalar(self) -> int:
        return 1

    def parse(self, value: object) -> bool:
        if type(value) is not bool:
            raise _BadValueError(f"must be true or false, not {type(value).__name__}")
        return value

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        return int(self.parse(value))

    def from_scalar(self, scalar: int) -> bool:
        return self._check_scalar(scalar) == 1

    def definition(self) -> dict[str, object]:
        return {"kind": self.kind}


@dataclass(frozen=True)
class TextType(AttributeType):
    """Free text, hashed to a scalar; never disclosed or compared by a circuit.

    A non-empty string of at most ``max_bytes`` UTF-8 bytes, hashed exactly as
    given (no Unicode normalisation, no trimming: the issuer decides the
    canonical spelling).
    """

    kind: ClassVar[str] = "text"
    max_bytes: int = _MAX_TEXT_BYTES

    @property
    def max_scalar(self) -> None:
        return None

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise _BadValueError(f"must be a string, not {type(value).__name__}")
        if not value:
            raise _BadValueError("must not be empty")
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise _BadValueError("is not valid Unicode text") from None
        if size > self.max_bytes:
            raise _BadValueError(f"must be at most {self.max_bytes} UTF-8 bytes (got {size})")
        return value

    def to_scalar(self, value: JsonValue, suite: Ciphersuite) -> int:
        text = self.parse(value)
        return suite.hash_to_scalar(text.encode("utf-8"), text_to_scalar_dst(suite))

    def from_scalar(self, scalar: int) -> str:
        raise _BadValueError("text is hashed and cannot be decoded")

    def definition(self) -> dict[str, object]:
        return {"kind": self.kind, "max_bytes": self.max_bytes}
