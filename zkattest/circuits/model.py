r"""Circuits: a conjunction of predicates on the attributes of one or more credentials.

A circuit names the credentials it reads (:class:`CredentialSpec`: a slot
name, a schema from :mod:`zkattest.schema`, the issuer roles the slot
accepts), and for each the attributes it discloses (usually none) and its
predicates; :mod:`zkattest.circuits.loader` reads one from TOML. Most read
one credential; one of several (KYC from a KYC provider, accreditation from a
CPA) is proven over credentials bound to one holder
(:mod:`zkattest.composite.statement`).

For a hidden message ``m`` (the attribute's scalar) and public values the
verifier fixes at challenge time, the predicates are::

    ">="       m >= t          range proof on  m - t  in [0, 2^n)
    "<="       m <= t          range proof on  t - m  in [0, 2^n)
    "between"  lo <= m <= hi   both of the above
    "=="       m == v          equality with a public value
    "!="       m != v          knowledge of (m - v)^-1
    "in"       m in S          OR-proof over the public set S
    "not_in"   m not in S      one inequality per element of S

with ``n`` the smallest of 8, 16, 32, 64 bits that holds every value of the
attribute (uint(48) -> 64, dates -> 16, KYC level -> 8). Because every
scalar and bound is below ``2^n`` and ``2^64`` is far below ``r``, ``m - t mod
r`` lies in ``[0, 2^n)`` exactly when ``m >= t``.

Values are written as the attribute's type: integers for uint, names for
enums, ``true``/``false`` for bool, and for dates an absolute date (TOML date
or ``"YYYY-MM-DD"``) or a date relative to the verifier's ``today``:
``"today"``, ``"today - 18y"``, ``"today + 30d"``, ``"today - 6m"``, or with a
parameter, ``"today - {majority_age}y"``. Years and months are calendar
arithmetic: a day that does not exist in the target month becomes the last
day of that month (29 February minus 18 years is 28 February).
:meth:`Circuit.resolve` turns all of it into scalars for a given ``today``.

Every circuit must require ``expiry_date >= today`` (or a later relative
date). A challenge's admission horizon raises every lower bound on
``expiry_date`` to at least ``today + horizon_days`` when the circuit is
resolved, so a presentation shows the credential valid for as long as the
admission it earns lasts. Text attributes are hashed: no predicate may name
them and they cannot be disclosed.

Every parameter declares the least and greatest value a challenge may give
it, and a value outside them is refused, so a wallet proves only the
statements the circuit's author published: a verifier cannot sweep a
parameter (``majority_age``) to search for a hidden value (a birth date).

The circuit hash, SHA-256 of :meth:`Circuit.canonical_json`, identifies the
statement and goes into every proof. The canonical form (sorted keys, no
whitespace, UTF-8) holds the id, version, schema id and schema hash,
disclosed attributes, parameters and their bounds, and predicates
(``zkattest/circuit/v1``, one credential that names no roles), or the id,
version, parameters and, per credential in slot order, its name, schema,
issuer roles, disclosed attributes and predicates (``zkattest/circuit/v2``); set
members, predicates and disclosed attributes are put in a canonical order
first, so reordering a file does not change the hash, while changing a
threshold, a parameter or its bounds does.
The description is documentation and is not hashed. See
``docs/notes/encoding.md``.
"""

from __future__ import annotations

import calendar
import collections
import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Final, TypeAlias

from zkattest.context import parse_horizon_days
from zkattest.errors import InvalidInputError
from zkattest.schema import (
    DATE_BITS,
    EXPIRY_ATTRIBUTE,
    AttributeType,
    DateType,
    EnumType,
    Schema,
    TextType,
    canonical_json,
)
from zkattest.schema.types import _BadValueError

__all__ = [
    "DATE_RANGE_BITS",
    "MAX_CREDENTIALS",
    "OPERATORS",
    "RANGE_BITS",
    "SINGLE_CREDENTIAL",
    "Circuit",
    "CredentialSpec",
    "Operand",
    "Predicate",
    "PredicateValue",
    "RelativeDate",
    "ResolvedPredicate",
    "range_bits",
]

#: The predicate operators, in canonical order.
OPERATORS: Final = (">=", "<=", "between", "==", "!=", "in", "not_in")
_RANGE_OPS: Final = frozenset({">=", "<=", "between"})
_SET_OPS: Final = frozenset({"in", "not_in"})
#: The range-proof widths a predicate may use.
RANGE_BITS: Final = (8, 16, 32, 64)

_MAX_SET_SIZE: Final = 256
_MAX_OFFSET: Final = 1 << 17  # largest count in a relative date or parameter
_IDENT: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
_RELATIVE: Final = re.compile(
    r"today(?:\s*([+-])\s*(?:([0-9]{1,6})|\{([a-z][a-z0-9_]{0,63})\})\s*([ymd]))?"
)
_DATE = DateType()


class _ProblemError(Exception):
    """A circuit is malformed; the message names the field."""


#: Range-proof width for date predicates. Sound for any width, since every
#: encoded date is far below r: ``m − t ∈ [0, 2^16)`` (mod r) means exactly
#: ``t <= m < t + 2^16``. Complete because every encoded date is below
#: ``2^DATE_BITS`` = 2^16 (the schema's span, 1900-01-01 to 2079-06-06), so two
#: dates the schema accepts are always less than 2^16 days apart: a date the
#: issuer may sign is a date the holder can prove a predicate on.
DATE_RANGE_BITS: Final = 16
if DATE_BITS > DATE_RANGE_BITS:  # pragma: no cover - a check on the two constants
    raise AssertionError("dates the schema accepts must be provable: DATE_BITS <= DATE_RANGE_BITS")


def range_bits(max_scalar: int) -> int:
    """The smallest width in :data:`RANGE_BITS` whose range ``[0, 2^n)`` holds ``max_scalar``."""
    for bits in RANGE_BITS:
        if 0 <= max_scalar < 1 << bits:
            return bits
    raise InvalidInputError("a range predicate needs values below 2^64")


@dataclass(frozen=True)
class RelativeDate:
    """``today``, or ``today`` plus or minus a count of years, months or days.

    ``amount`` is a literal count or the name of a circuit parameter. Build
    with :meth:`parse`; ``str()`` gives the canonical spelling.
    """

    sign: int
    amount: int | str
    unit: str

    def __post_init__(self) -> None:
        if self.sign not in (1, -1) or self.unit not in ("y", "m", "d"):
            raise InvalidInputError("a relative date has sign +1 or -1 and unit y, m or d")
        if isinstance(self.amount, str):
            if _IDENT.fullmatch(self.amount) is None:
                raise InvalidInputError(f"bad parameter name {self.amount!r}")
        elif type(self.amount) is not int or not 0 <= self.amount <= _MAX_OFFSET:
            raise InvalidInputError(f"a relative date counts from 0 to {_MAX_OFFSET}")
        if self.amount == 0:  # every spelling of "today" is one value
            object.__setattr__(self, "sign", 1)
            object.__setattr__(self, "unit", "d")

    @classmethod
    def parse(cls, text: str) -> RelativeDate | None:
        """The relative date ``text`` spells, or ``None`` if it is not one."""
        match = _RELATIVE.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            return None
        sign, count, param, unit = match.groups()
        if sign is None:
            return cls(1, 0, "d")
        amount: int | str = param if param is not None else int(count)
        return cls(1 if sign == "+" else -1, amount, unit)

    def __str__(self) -> str:
        if self.amount == 0:
            return "today"
        amount = self.amount if isinstance(self.amount, int) else "{" + self.amount + "}"
        return f"today {'+' if self.sign > 0 else '-'} {amount}{self.unit}"

    def resolve(self, today: date, params: Mapping[str, int]) -> date:
        """The date this denotes when the verifier's date is ``today``."""
        if isinstance(self.amount, str) and self.amount not in params:
            raise InvalidInputError(f"{self}: no value for parameter {self.amount}")
        count = params[self.amount] if isinstance(self.amount, str) else self.amount
        try:
            if self.unit == "d":
                return today + timedelta(days=self.sign * count)
            months = self.sign * count * (12 if self.unit == "y" else 1)
            year, month0 = divmod(today.year * 12 + today.month - 1 + months, 12)
            last_day = calendar.monthrange(year, month0 + 1)[1]
            return date(year, month0 + 1, min(today.day, last_day))
        except (ValueError, OverflowError, calendar.IllegalMonthError):
            raise InvalidInputError(f"{self} is not a date when today is {today}") from None


#: One operand of a predicate: ``int`` (uint), ``str`` (enum value name),
#: ``bool``, or for dates a :class:`datetime.date` or :class:`RelativeDate`.
Operand: TypeAlias = bool | int | str | date | RelativeDate
#: A single operand, or a tuple: ``(lo, hi)`` for ``between``, the set for ``in``/``not_in``.
PredicateValue: TypeAlias = Operand | tuple[Operand, ...]


@dataclass(frozen=True)
class Predicate:
    """``attribute op value``, one conjunct of a circuit."""

    attribute: str
    op: str
    value: PredicateValue

    def to_json(self) -> dict[str, object]:
        """The canonical JSON form (dates as ISO or relative strings, tuples as lists)."""
        value: object
        if isinstance(self.value, tuple):
            value = [_operand_json(v) for v in self.value]
        else:
            value = _operand_json(self.value)
        return {"attribute": self.attribute, "op": self.op, "value": value}


def _operand_json(value: Operand) -> bool | int | str:
    if isinstance(value, RelativeDate):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ResolvedPredicate:
    """A predicate with every value a scalar, for one verifier ``today``.

    ``values``: ``(t,)`` for ``>=``, ``<=``, ``==`` and ``!=``; ``(lo, hi)``
    for ``between``; the ascending, duplicate-free set for ``in``/``not_in``.
    ``bits``: for range operators, the width ``n`` of the range proofs
    (``m - t`` and ``t - m`` lie in ``[0, 2^n)``); ``None`` otherwise.
    ``index`` is the attribute's BBS message index.
    """

    attribute: str
    index: int
    op: str
    values: tuple[int, ...]
    bits: int | None

    @property
    def lower(self) -> int | None:
        """The inclusive lower bound of a range predicate (``>=``, ``between``)."""
        return self.values[0] if self.op in (">=", "between") else None

    @property
    def upper(self) -> int | None:
        """The inclusive upper bound of a range predicate (``<=``, ``between``)."""
        return self.values[-1] if self.op in ("<=", "between") else None


#: The name of the credential of a one-credential circuit (a file with a
#: top-level ``schema`` and ``[[predicate]]`` tables).
SINGLE_CREDENTIAL: Final = "credential"
#: The most credentials one circuit may read.
MAX_CREDENTIALS: Final = 8


@dataclass(frozen=True)
class CredentialSpec:
    """One credential a circuit reads: its slot name, schema, the issuer roles
    it accepts, the attributes it discloses and its predicates.

    ``issuer_roles`` empty: any issuer key the platform trusts for ``schema``
    fills the slot; otherwise the key must also hold one of these roles
    (:class:`~zkattest.verifier.TrustedIssuer`). Construction validates and
    canonicalises (predicates, set members and disclosed attributes sorted),
    raising :class:`InvalidInputError`; a :class:`Circuit` checks the
    parameters its predicates use.
    """

    name: str
    schema: Schema
    disclose: tuple[str, ...] = ()
    predicates: tuple[Predicate, ...] = ()
    issuer_roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            self._validate()
        except _ProblemError as exc:
            name = self.name if isinstance(self.name, str) else "?"
            raise InvalidInputError(f"credential {name}: {exc}") from None

    def _validate(self) -> None:
        if not isinstance(self.name, str) or _IDENT.fullmatch(self.name) is None:
            raise _ProblemError(f"name {_short(self.name)} must match [a-z][a-z0-9_]*")
        if not isinstance(self.schema, Schema):
            raise _ProblemError("schema must be a Schema")
        roles = _string_list(self.issuer_roles, "issuer_roles", "role names")
        if bad := [r for r in roles if _IDENT.fullmatch(r) is None]:
            raise _ProblemError(f"issuer_roles: bad role name {_short(bad[0])}")
        if len(set(roles)) != len(roles):
            raise _ProblemError("issuer_roles: a role is listed twice")
        object.__setattr__(self, "issuer_roles", tuple(sorted(roles)))
        schema = self.schema
        # Disclosed attributes: known, not text, once each; in message order.
        disclose = _string_list(self.disclose, "disclose")
        for name in disclose:
            attribute_type = _attribute_type(schema, name, "disclose")
            if isinstance(attribute_type, TextType):
                raise _ProblemError(f"disclose: {name} is text, which is never disclosed")
        if len(set(disclose)) != len(disclose):
            raise _ProblemError("disclose: an attribute is listed twice")
        object.__setattr__(self, "disclose", tuple(sorted(disclose, key=schema.index)))
        # Predicates: each checked, then sorted by (message index, operator, value).
        if not isinstance(self.predicates, (tuple, list)) or not self.predicates:
            raise _ProblemError("empty statement: a circuit needs at least one predicate")
        checked = [
            _check_predicate(schema, p, f"predicate[{i}]") for i, p in enumerate(self.predicates)
        ]
        keyed = sorted(
            checked,
            key=lambda p: (
                schema.index(p.attribute),
                OPERATORS.index(p.op),
                canonical_json(p.to_json()),
            ),
        )
        for a, b in itertools.pairwise(keyed):
            if a.to_json() == b.to_json():
                raise _ProblemError(f"predicate {_describe(a)} is given twice")
        # `==` discloses the message for the verifier to compare: one value per
        # attribute, so a second `==` on it could never be proven as well.
        equalities = collections.Counter(p.attribute for p in keyed if p.op == "==")
        for name, count in equalities.items():
            if count > 1:
                raise _ProblemError(f"{name} has {count} == predicates; at most one is allowed")
        object.__setattr__(self, "predicates", tuple(keyed))
        # The credential must not be expired.
        if not any(_is_expiry_check(p) for p in keyed):
            raise _ProblemError(
                f"missing expiry check: every circuit must require {EXPIRY_ATTRIBUTE} >= today"
            )

    @property
    def disclosed_indexes(self) -> tuple[int, ...]:
        """The BBS message indexes of the disclosed attributes, ascending."""
        return tuple(self.schema.index(name) for name in self.disclose)

    @property
    def parameters_used(self) -> set[str]:
        """The names of the circuit parameters this credential's predicates use."""
        return {
            operand.amount
            for p in self.predicates
            for operand in (p.value if isinstance(p.value, tuple) else (p.value,))
            if isinstance(operand, RelativeDate) and isinstance(operand.amount, str)
        }

    def definition(self) -> dict[str, object]:
        """The hashed definition of this credential (in a circuit of several)."""
        return {
            "name": self.name,
            "schema": {"id": self.schema.id, "sha256": self.schema.schema_hash.hex()},
            "issuer_roles": list(self.issuer_roles),
            "disclose": list(self.disclose),
            "predicates": [p.to_json() for p in self.predicates],
        }

    def resolve(
        self, today: date, params: Mapping[str, int], *, horizon_days: int = 0, where: str
    ) -> list[ResolvedPredicate]:
        """Every predicate as scalars (see :meth:`Circuit.resolve`); ``where``
        names the circuit in errors."""
        if isinstance(today, datetime) or not isinstance(today, date):
            raise InvalidInputError("today must be a datetime.date")
        parse_horizon_days(horizon_days)
        resolved = []
        for p in self.predicates:
            attribute = self.schema.attribute(p.attribute)
            operands = p.value if isinstance(p.value, tuple) else (p.value,)
            try:
                scalars = [_operand_scalar(attribute.type, v, today, params) for v in operands]
            except (_BadValueError, InvalidInputError) as exc:
                raise InvalidInputError(f"{where}: {_describe(p)} on {today}: {exc}") from None
            if p.attribute == EXPIRY_ATTRIBUTE and p.op in (">=", "between"):
                scalars[0] = max(scalars[0], _expiry_floor(today, horizon_days, where))
            if p.op in _SET_OPS:
                scalars = sorted(set(scalars))
            elif p.op == "between" and scalars[0] > scalars[1]:
                raise InvalidInputError(f"{where}: {_describe(p)} is an empty range on {today}")
            top = attribute.type.max_scalar
            if p.op not in _RANGE_OPS or top is None:
                bits = None
            elif isinstance(attribute.type, DateType):
                bits = DATE_RANGE_BITS
            else:
                bits = range_bits(top)
            resolved.append(
                ResolvedPredicate(
                    p.attribute, self.schema.index(p.attribute), p.op, tuple(scalars), bits
                )
            )
        return resolved


@dataclass(frozen=True)
class Circuit:
    """An eligibility statement on one or more credentials.

    ``credentials`` lists the credentials it reads, in slot order (the
    presentation's order): one for most circuits (named
    :data:`SINGLE_CREDENTIAL`), several when, say, KYC comes from a KYC
    provider and accreditation from a CPA; every one of a holder's bound
    credentials is proven to carry the same hidden holder secret. ``params``
    holds ``(name, value)`` pairs and ``param_bounds`` one ``(name, min,
    max)`` triple per parameter: the values a challenge may set it to,
    inclusive, which the value must lie within; parameters are shared by all
    the credentials. Construction validates and canonicalises, raising
    :class:`InvalidInputError` for anything a loader would refuse; usually
    built by :mod:`~zkattest.circuits.loader`, or for one credential by
    :meth:`single`.
    """

    id: str
    version: int
    description: str
    credentials: tuple[CredentialSpec, ...]
    params: tuple[tuple[str, int], ...] = ()
    param_bounds: tuple[tuple[str, int, int], ...] = ()

    def __post_init__(self) -> None:
        try:
            self._validate()
        except _ProblemError as exc:
            name = self.id if isinstance(self.id, str) else "?"
            raise InvalidInputError(f"circuit {name}: {exc}") from None

    @classmethod
    def single(
        cls,
        id: str,
        version: int,
        schema: Schema,
        description: str,
        disclose: tuple[str, ...],
        predicates: tuple[Predicate, ...],
        params: tuple[tuple[str, int], ...] = (),
        param_bounds: tuple[tuple[str, int, int], ...] = (),
    ) -> Circuit:
        """A circuit on one credential of ``schema`` (any issuer trusted for it)."""
        try:
            spec = CredentialSpec(SINGLE_CREDENTIAL, schema, disclose, predicates)
        except InvalidInputError as exc:
            prefix = f"credential {SINGLE_CREDENTIAL}: "
            name = id if isinstance(id, str) else "?"
            raise InvalidInputError(f"circuit {name}: {str(exc).removeprefix(prefix)}") from None
        return cls(id, version, description, (spec,), params, param_bounds)

    def _validate(self) -> None:
        if not isinstance(self.id, str) or _IDENT.fullmatch(self.id) is None:
            raise _ProblemError(f"id {_short(self.id)} must match [a-z][a-z0-9_]*")
        if type(self.version) is not int or self.version < 1:
            raise _ProblemError("version must be a positive integer")
        if not isinstance(self.description, str):
            raise _ProblemError("description must be a string")
        credentials = self.credentials
        if not isinstance(credentials, (tuple, list)) or not credentials:
            raise _ProblemError("a circuit reads at least one credential")
        if not all(isinstance(c, CredentialSpec) for c in credentials):
            raise _ProblemError("credentials must be CredentialSpec")
        if len(credentials) > MAX_CREDENTIALS:
            raise _ProblemError(f"a circuit reads at most {MAX_CREDENTIALS} credentials")
        names = [c.name for c in credentials]
        if len(set(names)) != len(names):
            raise _ProblemError("two credentials share a name")
        object.__setattr__(self, "credentials", tuple(credentials))
        params = _check_params(self.params)
        bounds = _check_param_bounds(self.param_bounds, params)
        # Parameters: every one declared is used, every one used is declared.
        used = set().union(*(c.parameters_used for c in credentials))
        if undeclared := sorted(used - params.keys()):
            raise _ProblemError(f"undeclared parameter(s) {', '.join(undeclared)}")
        if unused := sorted(params.keys() - used):
            raise _ProblemError(f"parameter(s) {', '.join(unused)} declared but not used")
        object.__setattr__(self, "params", tuple(sorted(params.items())))
        object.__setattr__(
            self, "param_bounds", tuple((name, *bounds[name]) for name in sorted(bounds))
        )

    @property
    def is_single(self) -> bool:
        """One credential, any issuer trusted for its schema: the ``zkattest/circuit/v1`` form."""
        only = self.credentials[0]
        return (
            len(self.credentials) == 1 and only.name == SINGLE_CREDENTIAL and not only.issuer_roles
        )

    def credential(self, name: str) -> CredentialSpec:
        """The credential slot called ``name``."""
        for spec in self.credentials:
            if spec.name == name:
                return spec
        known = ", ".join(c.name for c in self.credentials)
        raise InvalidInputError(f"circuit {self.id} has no credential {name!r}; it reads {known}")

    @property
    def _only(self) -> CredentialSpec:
        if len(self.credentials) != 1:
            names = ", ".join(c.name for c in self.credentials)
            raise InvalidInputError(
                f"circuit {self.id} reads {len(self.credentials)} credentials ({names});"
                " use circuit.credentials"
            )
        return self.credentials[0]

    @property
    def schema(self) -> Schema:
        """The schema of a one-credential circuit's credential."""
        return self._only.schema

    @property
    def disclose(self) -> tuple[str, ...]:
        """The disclosed attributes of a one-credential circuit's credential."""
        return self._only.disclose

    @property
    def predicates(self) -> tuple[Predicate, ...]:
        """The predicates of a one-credential circuit's credential."""
        return self._only.predicates

    @property
    def disclosed_indexes(self) -> tuple[int, ...]:
        """The BBS message indexes of a one-credential circuit's disclosed attributes."""
        return self._only.disclosed_indexes

    @property
    def schemas(self) -> tuple[Schema, ...]:
        """Each credential's schema, in slot order."""
        return tuple(c.schema for c in self.credentials)

    def param(self, name: str) -> int:
        """The value of parameter ``name``."""
        for key, value in self.params:
            if key == name:
                return value
        raise InvalidInputError(f"circuit {self.id} has no parameter {name!r}")

    def definition(self) -> dict[str, object]:
        """The hashed definition (everything but the description).

        A one-credential circuit (:attr:`is_single`) keeps the
        ``zkattest/circuit/v1`` form, so its hash is what it always was; any
        other is ``zkattest/circuit/v2``, with one entry per credential in slot
        order (the order is part of the statement).
        """
        head: dict[str, object] = {"id": self.id, "version": self.version}
        tail: dict[str, object] = {
            "params": dict(self.params),
            "param_bounds": {
                name: {"min": low, "max": high} for name, low, high in self.param_bounds
            },
        }
        if self.is_single:
            only = self.credentials[0].definition()
            del only["name"], only["issuer_roles"]
            return {"format": "zkattest/circuit/v1", **head, **only, **tail}
        return {
            "format": "zkattest/circuit/v2",
            **head,
            "credentials": [c.definition() for c in self.credentials],
            **tail,
        }

    def canonical_json(self) -> bytes:
        """``canonical_json(self.definition())``: sorted keys, no whitespace, UTF-8."""
        return canonical_json(self.definition())

    @cached_property
    def circuit_hash(self) -> bytes:
        """SHA-256 of :meth:`canonical_json` (32 bytes)."""
        return hashlib.sha256(self.canonical_json()).digest()

    def to_json(self) -> dict[str, object]:
        """:meth:`definition` plus the description and the hash (hex), for listings."""
        return {
            **self.definition(),
            "description": self.description,
            "circuit_hash": self.circuit_hash.hex(),
        }

    def resolve(self, today: date, *, horizon_days: int = 0) -> list[ResolvedPredicate]:
        """Every predicate of a one-credential circuit as scalars, with relative
        dates taken from ``today`` (:meth:`resolve_all` for several credentials).

        ``horizon_days`` is the challenge's admission horizon: the lower bound
        of every ``>=`` and ``between`` on ``expiry_date`` becomes the later of
        the circuit's bound and ``today + horizon_days``. The result is one
        :class:`ResolvedPredicate` per predicate, in the circuit's order.

        Raises :class:`InvalidInputError` if ``today`` is not a date, the
        horizon is not one of :data:`~zkattest.context.HORIZON_STEPS` (days),
        a date comes out outside
        the encodable range, or a ``between`` range comes out empty.
        """
        return self._only.resolve(
            today, dict(self.params), horizon_days=horizon_days, where=f"circuit {self.id}"
        )

    def resolve_all(
        self, today: date, *, horizon_days: int = 0
    ) -> tuple[list[ResolvedPredicate], ...]:
        """:meth:`resolve` for each credential, in slot order."""
        return tuple(
            spec.resolve(
                today, dict(self.params), horizon_days=horizon_days, where=self._where(spec)
            )
            for spec in self.credentials
        )

    def _where(self, spec: CredentialSpec) -> str:
        return f"circuit {self.id}" + ("" if self.is_single else f", credential {spec.name}")


def _expiry_floor(today: date, horizon_days: int, where: str) -> int:
    """The scalar of ``today + horizon_days``, the least expiry date a challenge admits."""
    try:
        return _DATE.date_to_scalar(today + timedelta(days=horizon_days))
    except (_BadValueError, OverflowError) as exc:
        raise InvalidInputError(
            f"{where}: {EXPIRY_ATTRIBUTE} >= today + {horizon_days} days on {today}: {exc}"
        ) from None


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(p: Predicate) -> str:
    return f"{p.attribute} {p.op} {canonical_json(p.to_json()['value']).decode()}"


def _string_list(value: object, where: str, what: str = "attribute names") -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _ProblemError(f"{where} must be a list of {what}")
    return list(value)


def _attribute_type(schema: Schema, name: object, where: str) -> AttributeType:
    if not isinstance(name, str):
        raise _ProblemError(f"{where}: attribute must be a string")
    try:
        return schema.attribute(name).type
    except InvalidInputError:
        raise _ProblemError(f"{where}: unknown attribute {name!r} in schema {schema.id}") from None


def _check_params(params: object) -> dict[str, int]:
    if not isinstance(params, (tuple, list)):
        raise _ProblemError("params must be (name, value) pairs")
    out: dict[str, int] = {}
    for pair in params:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise _ProblemError("params must be (name, value) pairs")
        name, value = pair
        if not isinstance(name, str) or _IDENT.fullmatch(name) is None:
            raise _ProblemError(f"params: bad parameter name {_short(name)}")
        if name in out:
            raise _ProblemError(f"params: {name} is given twice")
        if type(value) is not int or not 0 <= value <= _MAX_OFFSET:
            raise _ProblemError(f"params: {name} must be an integer from 0 to {_MAX_OFFSET}")
        out[name] = value
    return out


def _check_param_bounds(bounds: object, params: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """``{name: (min, max)}``, one entry per parameter, each holding its value."""
    if not isinstance(bounds, (tuple, list)):
        raise _ProblemError("param_bounds must be (name, min, max) triples")
    out: dict[str, tuple[int, int]] = {}
    for triple in bounds:
        if not isinstance(triple, tuple) or len(triple) != 3:
            raise _ProblemError("param_bounds must be (name, min, max) triples")
        name, low, high = triple
        if not isinstance(name, str) or name not in params:
            shown = name if isinstance(name, str) and _IDENT.fullmatch(name) else _short(name)
            raise _ProblemError(f"param_bounds: bounds for undeclared parameter {shown}")
        if name in out:
            raise _ProblemError(f"param_bounds: {name} is given twice")
        for which, bound in (("min", low), ("max", high)):
            if type(bound) is not int or not 0 <= bound <= _MAX_OFFSET:
                raise _ProblemError(
                    f"params: {name}: {which} must be an integer from 0 to {_MAX_OFFSET}"
                )
        if low > high:
            raise _ProblemError(f"params: {name}: min {low} > max {high}")
        out[name] = (low, high)
    for name, value in params.items():
        if name not in out:
            raise _ProblemError(f"params: {name} has no declared bounds (min and max)")
        low, high = out[name]
        if not low <= value <= high:
            raise _ProblemError(
                f"params: {name} = {value} is outside its declared bounds {low} to {high}"
            )
    return out


def _check_predicate(schema: Schema, p: object, where: str) -> Predicate:
    if not isinstance(p, Predicate):
        raise _ProblemError(f"{where} must be a Predicate")
    attribute_type = _attribute_type(schema, p.attribute, where)
    if not isinstance(p.op, str) or p.op not in OPERATORS:
        raise _ProblemError(
            f"{where}: unknown operator {_short(p.op)}; use one of {', '.join(OPERATORS)}"
        )
    if isinstance(attribute_type, TextType):
        raise _ProblemError(
            f"{where}: {p.attribute} is text, hashed and never compared; no predicate applies"
        )
    allowed = attribute_type.operators
    if p.op not in allowed:
        raise _ProblemError(
            f"{where}: {p.op!r} does not apply to {p.attribute} ({attribute_type.kind});"
            f" use one of {', '.join(allowed)}"
        )
    value = p.value
    if p.op == "between":
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise _ProblemError(f"{where}: between needs a pair [lo, hi]")
        lo, hi = (_operand(attribute_type, v, f"{where}.value") for v in value)
        if _comparable(lo, hi) and _sort_key(attribute_type, lo) > _sort_key(attribute_type, hi):
            raise _ProblemError(f"{where}: between [lo, hi] needs lo <= hi")
        return Predicate(p.attribute, p.op, (lo, hi))
    if p.op in _SET_OPS:
        if not isinstance(value, (tuple, list)) or not value:
            raise _ProblemError(f"{where}: {p.op} needs a non-empty list of values")
        if len(value) > _MAX_SET_SIZE:
            raise _ProblemError(f"{where}: {p.op} takes at most {_MAX_SET_SIZE} values")
        members = [_operand(attribute_type, v, f"{where}.value") for v in value]
        ordered = sorted(members, key=lambda v: _sort_key(attribute_type, v))
        if len({_operand_json(v) for v in members}) != len(members):
            raise _ProblemError(f"{where}: {p.op} lists a value twice")
        return Predicate(p.attribute, p.op, tuple(ordered))
    if isinstance(value, (tuple, list)):
        raise _ProblemError(f"{where}: {p.op} takes a single value, not a list")
    return Predicate(p.attribute, p.op, _operand(attribute_type, value, f"{where}.value"))


def _operand(attribute_type: AttributeType, value: object, where: str) -> Operand:
    """A predicate operand as the attribute's type reads it."""
    try:
        if isinstance(attribute_type, DateType):
            if isinstance(value, RelativeDate):
                return value
            if isinstance(value, str):
                relative = RelativeDate.parse(value)
                if relative is not None:
                    return relative
                if not value.strip()[:1].isdigit():
                    raise _BadValueError(
                        f"{_short(value)} is neither a date YYYY-MM-DD nor"
                        " 'today', 'today - 18y', 'today + 30d', 'today - {param}y'"
                    )
            if isinstance(value, (time, datetime)):
                raise _BadValueError("must be a date, not a time or datetime")
            return attribute_type.parse_date(value)
        if isinstance(value, str) and RelativeDate.parse(value) is not None:
            raise _BadValueError(
                f"a relative date applies to date attributes, not {attribute_type.kind}"
            )
        parsed = attribute_type.parse(value)
    except _BadValueError as exc:
        raise _ProblemError(f"{where}: {exc}") from None
    except InvalidInputError as exc:
        raise _ProblemError(f"{where}: {exc}") from None
    return parsed


def _comparable(a: Operand, b: Operand) -> bool:
    return not isinstance(a, RelativeDate) and not isinstance(b, RelativeDate)


def _sort_key(attribute_type: AttributeType, value: Operand) -> tuple[int, int, str]:
    """Scalars first in numeric order, then relative dates by their spelling."""
    if isinstance(value, RelativeDate):
        return (1, 0, str(value))
    if isinstance(value, date):
        return (0, _DATE.date_to_scalar(value), "")
    if isinstance(attribute_type, EnumType):
        return (0, attribute_type.code(value), "")
    return (0, int(value), "")


def _operand_scalar(
    attribute_type: AttributeType, value: Operand, today: date, params: Mapping[str, int]
) -> int:
    if isinstance(value, RelativeDate):
        value = value.resolve(today, params)
    if isinstance(value, date):
        return _DATE.date_to_scalar(value)
    if isinstance(attribute_type, EnumType):
        return attribute_type.code(value)
    return int(value)  # uint or bool, checked when the circuit was built


def _is_expiry_check(p: Predicate) -> bool:
    return (
        p.attribute == EXPIRY_ATTRIBUTE
        and p.op == ">="
        and isinstance(p.value, RelativeDate)
        and p.value.sign > 0
    )
