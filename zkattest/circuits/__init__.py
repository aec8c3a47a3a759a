"""Eligibility circuits: what a presentation proves about a credential.

The implementation lives in the modules of this package; import from here.
"""

from __future__ import annotations

from zkattest.circuits.model import (
    CIRCUITS_DIR_ENV,
    DATE_RANGE_BITS,
    OPERATORS,
    RANGE_BITS,
    Circuit,
    Operand,
    Predicate,
    PredicateValue,
    RelativeDate,
    ResolvedPredicate,
    builtin_circuit_ids,
    circuits_dir,
    get_circuit,
    load_builtin_circuits,
    load_circuit,
    load_circuits,
    parse_circuit,
    range_bits,
)

__all__ = [
    "CIRCUITS_DIR_ENV",
    "DATE_RANGE_BITS",
    "OPERATORS",
    "RANGE_BITS",
    "Circuit",
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
