"""Eligibility circuits: what a presentation proves about a credential.

A circuit is a conjunction of predicates on the attributes of one or more
credentials (their schemas in :mod:`zkattest.schema`), plus the attributes it
discloses (usually none), written as TOML, one file per circuit; a circuit
of several credentials names, for each, its schema and the issuer roles it
accepts. The package, by responsibility:

- :mod:`~zkattest.circuits.model`: :class:`Circuit` and its predicates,
  their validation, canonical hash and resolution to scalars for a date;
- :mod:`~zkattest.circuits.loader`: reading a circuit from TOML text, a file
  or a directory of files;
- :mod:`~zkattest.circuits.registry`: :class:`CircuitRegistry`, circuits by
  id: the built-in ones, which ship as package data, and a platform's own
  circuit files; :data:`DEFAULT_CIRCUITS`, the built-in ones, is what
  :func:`get_circuit` reads.

Import from here: the package re-exports every public name of its modules.
"""

from __future__ import annotations

from zkattest.circuits.loader import load_circuit, load_circuits, parse_circuit
from zkattest.circuits.model import (
    DATE_RANGE_BITS,
    MAX_CREDENTIALS,
    OPERATORS,
    RANGE_BITS,
    SINGLE_CREDENTIAL,
    Circuit,
    CredentialSpec,
    Operand,
    Predicate,
    PredicateValue,
    RelativeDate,
    ResolvedPredicate,
    range_bits,
)
from zkattest.circuits.registry import (
    CIRCUITS_DIR_ENV,
    DEFAULT_CIRCUITS,
    CircuitRegistry,
    builtin_circuit_ids,
    circuits_dir,
    get_circuit,
    load_builtin_circuits,
)

__all__ = [
    "CIRCUITS_DIR_ENV",
    "DATE_RANGE_BITS",
    "DEFAULT_CIRCUITS",
    "MAX_CREDENTIALS",
    "OPERATORS",
    "RANGE_BITS",
    "SINGLE_CREDENTIAL",
    "Circuit",
    "CircuitRegistry",
    "CredentialSpec",
    "Operand",
    "Predicate",
    "PredicateValue",
    "RelativeDate",
    "ResolvedPredicate",
    "builtin_circuit_ids",
    "circuits_dir",
    "get_circuit",
    "load_builtin_circuits",
    "load_circuit",
    "load_circuits",
    "parse_circuit",
    "range_bits",
]
