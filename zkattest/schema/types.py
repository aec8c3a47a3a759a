r"""Typed credential schemas and their encoding to BBS message scalars.

A schema is an ordered list of typed attributes; the position of an attribute
is its BBS message index. Each type maps a value to a scalar ``m`` of the BBS
message vector, deterministically and injectively::

    uint(bits)   n                    ->  m = n,                       0 <= n < 2^bits
    date         d (YYYY-MM-DD)       ->  m = d - 1900-01-01 in days,  0 <= m < 2^16
    enum         name                 ->  m = code(name),              a fixed small integer
    bool         false / true         ->  m = 0 / 1
    text         s                    ->  m = hash_to_scalar(UTF-8(s), text_dst)

with ``text_dst = api_id || "MAP_TEXT_TO_SCALAR_AS_HASH_"`` and ``api_id`` the
typed interface's identifier (:func:`typed_api_id`).

Integers, dates and enums are the value itself, so the order of values is the
order of scalars and a range predicate ``m >= t`` is a range proof on
``m - t``; every such scalar is below ``2^48``, far below the group order
``r`` (about ``2^255``), so ``m - t mod r`` lies in ``[0, 2^64)`` exactly when
``m >= t``. Text is hashed and is never disclosed or compared by a circuit.
Details and the reasoning: ``docs/notes/encoding.md``.

These typed messages form a BBS Interface in the sense of
draft-irtf-cfrg-bbs-signatures-09 §6 ("Defining New Interfaces"), with its own
``api_id`` (:func:`typed_api_id`): the generators come from the draft's
``create_generators`` under that ``api_id``, the messages from the typed map
above. The credential header (:attr:`Schema.header`) names the schema and its
hash; it is disclosed with every proof and holds no personal data.

Issuer input is validated strictly: an unknown or missing attribute, a value
of the wrong type, a negative or oversized amount, an impossible or
out-of-range date, or dates in an impossible order raise
:class:`~zkattest.errors.IssuanceError` naming the attribute.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import ClassVar, Final, TypeAlias

from zkattest.errors import InvalidInputError, IssuanceError
from zkattest.hazmat.bbs.ciphersuites import Ciphersuite

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
#: Every circuit must show that this attribute is ``>= today``.
EXPIRY_ATTRIBUTE: Final = "expiry_date"

#: What follows ``ciphersuite_id`` in :func:`typed_api_id`: the draft's
#: ``CREATE_GENERATORS_ID`` ``"H2G_"`` and our ``MAP_TO_SCALAR_ID``.
TYPED_INTERFACE_ID: Final = b"H2G_" + b"ZKATTEST-TYPED-V1_"

_MAX_TEXT_BYTES: Final = 1024
_SHORT: Final = 40  # longest value repr echoed in an issuer-side error


def typed_api_id(suite: Ciphersuite) -> bytes:
    """The ``api_id`` of zkattest's typed BBS Interface for ``suite``.

    ``api_id = ciphersuite_id || "H2G_" || "ZKATTEST-TYPED-V1_"``, the format
    draft-irtf-cfrg-bbs-signatures-09 §6 recommends,
    ``ciphersuite_id || CREATE_GENERATORS_ID || MAP_TO_SCALAR_ID || ADD_INFO``:
    ``"H2G_"`` is the draft's ``create_generators`` (§4.1.1), and
    ``"ZKATTEST-TYPED-V1_"`` identifies the typed map of this module, with an
    empty ``ADD_INFO``. Read instead as an empty ``MAP_TO_SCALAR_ID`` followed
    by ``ADD_INFO = "ZKATTEST-TYPED-V1_"``, it still meets the rule for
    ``ADD_INFO`` (ASCII 0x21-0x7e, ending with its only underscore). It
    differs from the draft's BBS Signatures Interface (``"H2G_HM2S_"``), so
    typed credentials have their own generators and a signature made under
    one interface never verifies under the other.
    """
    if not isinstance(suite, Ciphersuite):
        raise InvalidInputError("suite must be BLS12_381_SHA_256 or BLS12_381_SHAKE_256")
    return suite.ciphersuite_id + TYPED_INTERFACE_ID


def text_to_scalar_dst(suite: Ciphersuite) -> bytes:
    """``api_id || "MAP_TEXT_TO_SCALAR_AS_HASH_"``: the DST that hashes text attributes."""
    return typed_api_id(suite) + b"MAP_TEXT_TO_SCALAR_AS_HASH_"


def canonical_json(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, no floats.

    The form hashed for schemas (:attr:`Schema.schema_hash`) and circuits.
    """
    _reject_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _reject_floats(value: object) -> None:
    if isinstance(value, float):
        raise InvalidInputError("canonical JSON has no floating-point numbers")
    if isinstance(value, Mapping):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _reject_floats(item)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


class _BadValueError(Exception):
    """A value is not valid for a type; the caller names the attribute.

    Internal, shared with :mod:`zkattest.circuits`, which reports it as
    :class:`InvalidInputError` where this module reports :class:`IssuanceError`.
    """


# ---------------------------------------------------------------------------
# Attribute types
# ---------------------------------------------------------------------------


class AttributeType:
    """The type of an attribute: how a value is checked, encoded and decoded.

    Subclasses are frozen dataclasses. ``parse`` turns an input value into the
    canonical JSON value or raises; ``to_scalar`` encodes a canonical value;
    ``from_scalar`` inverts it where the encoding is invertible.
    """

    kind: ClassVar[str]
    #: Whether ``>=``, ``<=`` and ``between`` apply (the encoding preserves order).
    orderable: ClassVar[bool] = False
    #: The circuit operators that apply to an attribute of this type: the one
    #: place that says so (the circuit loader refuses the others).
    operators: ClassVar[tuple[str, ...]] = ()

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
    orderable: ClassVar[bool] = True
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
    orderable: ClassVar[bool] = True

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


# ---------------------------------------------------------------------------
# Attributes and schemas
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# ISO 3166-1 and the investor/v1 schema
# ---------------------------------------------------------------------------

# ISO 3166-1 alpha-2 -> numeric, all 249 officially assigned codes, from the
# Debian iso-codes package 4.15.0 (/usr/share/iso-codes/json/iso_3166-1.json).
_ISO_3166_1 = """
    AD 020  AE 784  AF 004  AG 028  AI 660  AL 008  AM 051  AO 024  AQ 010  AR 032  AS 016  AT 040
    AU 036  AW 533  AX 248  AZ 031  BA 070  BB 052  BD 050  BE 056  BF 854  BG 100  BH 048  BI 108
    BJ 204  BL 652  BM 060  BN 096  BO 068  BQ 535  BR 076  BS 044  BT 064  BV 074  BW 072  BY 112
    BZ 084  CA 124  CC 166  CD 180  CF 140  CG 178  CH 756  CI 384  CK 184  CL 152  CM 120  CN 156
    CO 170  CR 188  CU 192  CV 132  CW 531  CX 162  CY 196  CZ 203  DE 276  DJ 262  DK 208  DM 212
    DO 214  DZ 012  EC 218  EE 233  EG 818  EH 732  ER 232  ES 724  ET 231  FI 246  FJ 242  FK 238
    FM 583  FO 234  FR 250  GA 266  GB 826  GD 308  GE 268  GF 254  GG 831  GH 288  GI 292  GL 304
    GM 270  GN 324  GP 312  GQ 226  GR 300  GS 239  GT 320  GU 316  GW 624  GY 328  HK 344  HM 334
    HN 340  HR 191  HT 332  HU 348  ID 360  IE 372  IL 376  IM 833  IN 356  IO 086  IQ 368  IR 364
    IS 352  IT 380  JE 832  JM 388  JO 400  JP 392  KE 404  KG 417  KH 116  KI 296  KM 174  KN 659
    KP 408  KR 410  KW 414  KY 136  KZ 398  LA 418  LB 422  LC 662  LI 438  LK 144  LR 430  LS 426
    LT 440  LU 442  LV 428  LY 434  MA 504  MC 492  MD 498  ME 499  MF 663  MG 450  MH 584  MK 807
    ML 466  MM 104  MN 496  MO 446  MP 580  MQ 474  MR 478  MS 500  MT 470  MU 480  MV 462  MW 454
    MX 484  MY 458  MZ 508  NA 516  NC 540  NE 562  NF 574  NG 566  NI 558  NL 528  NO 578  NP 524
    NR 520  NU 570  NZ 554  OM 512  PA 591  PE 604  PF 258  PG 598  PH 608  PK 586  PL 616  PM 666
    PN 612  PR 630  PS 275  PT 620  PW 585  PY 600  QA 634  RE 638  RO 642  RS 688  RU 643  RW 646
    SA 682  SB 090  SC 690  SD 729  SE 752  SG 702  SH 654  SI 705  SJ 744  SK 703  SL 694  SM 674
    SN 686  SO 706  SR 740  SS 728  ST 678  SV 222  SX 534  SY 760  SZ 748  TC 796  TD 148  TF 260
    TG 768  TH 764  TJ 762  TK 772  TL 626  TM 795  TN 788  TO 776  TR 792  TT 780  TV 798  TW 158
    TZ 834  UA 804  UG 800  UM 581  US 840  UY 858  UZ 860  VA 336  VC 670  VE 862  VG 092  VI 850
    VN 704  VU 548  WF 876  WS 882  YE 887  YT 175  ZA 710  ZM 894  ZW 716
"""


def _parse_iso_table(text: str) -> dict[str, int]:
    fields = text.split()
    table = {fields[i]: int(fields[i + 1], 10) for i in range(0, len(fields), 2)}
    if len(table) != 249 or len(set(table.values())) != 249:  # pragma: no cover - data check
        raise AssertionError("the ISO 3166-1 table must have 249 distinct entries")
    return table


#: ISO 3166-1 alpha-2 code -> ISO 3166-1 numeric code (e.g. ``"US"`` -> 840).
ISO_3166_1_NUMERIC: Final[Mapping[str, int]] = _parse_iso_table(_ISO_3166_1)

_USD = UIntType(bits=48)

#: The investor credential, version 1. Not-applicable amounts (e.g. total
#: assets of an individual) are given as 0 by the issuer: nothing is defaulted.
INVESTOR_V1: Final = Schema(
    id="investor/v1",
    version=1,
    description="Investor eligibility credential issued by a KYC provider.",
    attributes=(
        Attribute(
            "holder_ref",
            TextType(),
            "The issuer's reference for the holder (e.g. customer id); hashed, never disclosed.",
        ),
        Attribute("legal_name", TextType(), "Full legal name of the person or entity; hashed."),
        Attribute(
            "birth_date",
            DateType(),
            "Date of birth (individual) or of incorporation or formation (entity).",
        ),
        Attribute(
            "country",
            EnumType("ISO 3166-1 alpha-2", tuple(sorted(ISO_3166_1_NUMERIC.items()))),
            "Country of residence (individual) or of organisation (entity), ISO 3166-1"
            " alpha-2 in, numeric code signed.",
        ),
        Attribute(
            "investor_type",
            EnumType("investor type", (("individual", 1), ("entity", 2))),
            "Natural person or legal entity.",
        ),
        Attribute(
            "net_worth_usd",
            _USD,
            "Net worth in whole US dollars, excluding the primary residence (Rule 501(a)(5)).",
        ),
        Attribute("annual_income_usd", _USD, "Annual income in whole US dollars."),
        Attribute("total_assets_usd", _USD, "Total assets in whole US dollars (entities; else 0)."),
        Attribute(
            "securities_owned_usd",
            _USD,
            "Securities of unaffiliated issuers owned and invested on a discretionary basis,"
            " in whole US dollars (Rule 144A QIB test; else 0).",
        ),
        Attribute(
            "licence_series_7", BoolType(), "Holds a FINRA Series 7 licence in good standing."
        ),
        Attribute(
            "licence_series_65", BoolType(), "Holds a FINRA Series 65 licence in good standing."
        ),
        Attribute(
            "licence_series_82", BoolType(), "Holds a FINRA Series 82 licence in good standing."
        ),
        Attribute(
            "kyc_level",
            UIntType(bits=2),
            "KYC level 0-3: 0 none, 1 identity document checked, 2 document and liveness"
            " or address verified, 3 enhanced due diligence.",
        ),
        Attribute(
            "sanctions_screening",
            EnumType("sanctions screening", (("clear", 1), ("hit", 2), ("pending", 3))),
            "Sanctions screening result at issuance: clear (no match), hit (confirmed"
            " match), pending (potential match under review).",
        ),
        Attribute(
            "accreditation_basis",
            EnumType(
                "accreditation basis",
                (
                    ("none", 0),
                    ("net_worth", 1),
                    ("income", 2),
                    ("professional_licence", 3),
                    ("regulated_entity", 4),
                    ("entity_assets", 5),
                    ("entity_investments", 6),
                    ("all_owners_accredited", 7),
                    ("family_office", 8),
                ),
            ),
            "The Rule 501(a) prong the issuer verified: none; net_worth (a)(5); income"
            " (a)(6); professional_licence (a)(10); regulated_entity (a)(1)-(2);"
            " entity_assets (a)(3),(7); entity_investments (a)(9); all_owners_accredited"
            " (a)(8); family_office (a)(12)-(13).",
        ),
        Attribute("issuance_date", DateType(), "Date the credential was issued."),
        Attribute(EXPIRY_ATTRIBUTE, DateType(), "Last day on which the credential is valid."),
    ),
    date_order=(("birth_date", "issuance_date"), ("issuance_date", EXPIRY_ATTRIBUTE)),
)

#: Every known schema by id.
SCHEMAS: Final[Mapping[str, Schema]] = {INVESTOR_V1.id: INVESTOR_V1}


def get_schema(schema_id: str) -> Schema:
    """The schema called ``schema_id`` (e.g. ``"investor/v1"``)."""
    schema = SCHEMAS.get(schema_id) if isinstance(schema_id, str) else None
    if schema is None:
        known = ", ".join(sorted(SCHEMAS))
        raise InvalidInputError(f"unknown schema {_short(schema_id)}; known: {known}")
    return schema
