"""Reading circuits from TOML: one file per circuit, validated strictly.

A circuit file (the built-in ones are in the repository's ``circuits/``)::

    id = "kyc_adult"
    version = 1
    schema = "investor/v1"
    description = "..."
    disclose = []                       # attribute names disclosed
    [params.majority_age]               # a parameter: its default and the
    default = 18                        # bounds a challenge may set it within
    min = 18
    max = 21
    [[predicate]]
    attribute = "birth_date"
    op = "<="
    value = "today - {majority_age}y"

A circuit over several credentials gives each one a ``[[credential]]`` table
instead of the top-level ``schema``, ``disclose`` and ``[[predicate]]``
(parameters and the description stay at the top)::

    [[credential]]
    name = "kyc"                        # the slot's name
    schema = "investor/v1"
    issuer_roles = ["kyc_provider"]     # optional: the issuer roles it accepts
    disclose = []
    [[credential.predicate]]
    attribute = "kyc_level"
    op = ">="
    value = 2

Every key is checked: an unknown one, or a missing one, is refused with the
field named. The schema is found by its id in a
:class:`~zkattest.schema.SchemaRegistry` (by default the built-in schemas),
and the result is a :class:`~zkattest.circuits.model.Circuit`, which checks
the rest.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from zkattest.circuits.model import (
    _IDENT,
    Circuit,
    CredentialSpec,
    Predicate,
    _ProblemError,
    _short,
    _string_list,
)
from zkattest.errors import InvalidInputError
from zkattest.schema import DEFAULT_SCHEMAS, Schema, SchemaRegistry

__all__ = ["load_circuit", "load_circuits", "parse_circuit"]

_TOP_KEYS: Final = frozenset(
    {"id", "version", "schema", "description", "disclose", "params", "predicate", "credential"}
)
# The keys of a one-credential file that a file of [[credential]] tables puts in each table.
_SINGLE_KEYS: Final = frozenset({"schema", "disclose", "predicate"})
_CREDENTIAL_KEYS: Final = frozenset({"name", "schema", "issuer_roles", "disclose", "predicate"})
_PREDICATE_KEYS: Final = frozenset({"attribute", "op", "value"})
_PARAM_KEYS: Final = ("default", "min", "max")


def parse_circuit(
    text: str,
    *,
    params: Mapping[str, int] | None = None,
    source: str = "<string>",
    schemas: SchemaRegistry | None = None,
) -> Circuit:
    """The circuit the TOML document ``text`` defines.

    ``params`` overrides the defaults of the circuit's ``[params.<name>]``
    tables (each must be declared there and lie within its ``min`` and
    ``max``); the override is part of the circuit, so it changes the hash.
    The circuit's schema is looked up in ``schemas`` (by default
    :data:`~zkattest.schema.DEFAULT_SCHEMAS`, the built-in schemas).
    Raises :class:`InvalidInputError`, prefixed with ``source``, for anything
    malformed: bad TOML, unknown or missing keys, unknown schema, attribute or
    operator, a value of the wrong type or shape, a parameter without bounds
    or outside them, a predicate or disclosure on a text attribute, no
    predicates, or no expiry check.
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"{source}: circuit text must be a string")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{source}: not valid TOML: {exc}") from None
    try:
        return _circuit_from_toml(data, params, DEFAULT_SCHEMAS if schemas is None else schemas)
    except _ProblemError as exc:
        raise InvalidInputError(f"{source}: {exc}") from None
    except InvalidInputError as exc:
        raise InvalidInputError(f"{source}: {exc}") from None


def load_circuit(
    path: str | os.PathLike[str],
    *,
    params: Mapping[str, int] | None = None,
    schemas: SchemaRegistry | None = None,
) -> Circuit:
    """The circuit in the TOML file at ``path`` (see :func:`parse_circuit`)."""
    return _load_file(Path(path), params=params, schemas=schemas)[1]


def load_circuits(
    directory: str | os.PathLike[str], *, schemas: SchemaRegistry | None = None
) -> dict[str, Circuit]:
    """Every ``*.toml`` circuit in ``directory``, by id.

    A file must be named after the circuit it defines (``<id>.toml``), which
    also keeps ids unique.
    """
    return {circuit.id: circuit for _, _, circuit in _load_directory(directory, schemas=schemas)}


def _load_file(
    file: Path, *, params: Mapping[str, int] | None = None, schemas: SchemaRegistry | None
) -> tuple[str, Circuit]:
    """The text of the circuit file ``file`` and the circuit it defines."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{file}: cannot read circuit: {exc}") from None
    return text, parse_circuit(text, params=params, source=str(file), schemas=schemas)


def _load_directory(
    directory: str | os.PathLike[str], *, schemas: SchemaRegistry | None
) -> list[tuple[Path, str, Circuit]]:
    """Each ``<id>.toml`` file of ``directory`` in name order: path, text and circuit."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InvalidInputError(f"{folder}: no such circuits directory")
    loaded = []
    for file in sorted(folder.glob("*.toml")):
        text, circuit = _load_file(file, schemas=schemas)
        if circuit.id != file.stem:
            raise InvalidInputError(
                f"{file}: defines circuit {circuit.id}; name it {circuit.id}.toml"
            )
        loaded.append((file, text, circuit))
    return loaded


def _circuit_from_toml(
    data: dict[str, object], overrides: Mapping[str, int] | None, schemas: SchemaRegistry
) -> Circuit:
    if unknown := sorted(data.keys() - _TOP_KEYS):
        raise _ProblemError(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    several = "credential" in data
    if several and (single := sorted(data.keys() & _SINGLE_KEYS)):
        raise _ProblemError(
            f"{', '.join(single)}: a circuit of [[credential]] tables gives each credential's"
            " schema, disclose and predicates inside its table"
        )
    required = {"id", "version", "description"} | (set() if several else {"schema"})
    if missing := sorted(required - data.keys()):
        raise _ProblemError(f"missing key(s) {', '.join(missing)}")
    circuit_id, version = data["id"], data["version"]
    if not isinstance(circuit_id, str):
        raise _ProblemError("id must be a string")
    description = data["description"]
    if not isinstance(description, str) or not description.strip():
        raise _ProblemError("description must be a non-empty string")
    params, bounds = _params_from_toml(data.get("params", {}))
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            raise _ProblemError("params override must be a mapping of name to integer")
        if unknown := sorted(str(k) for k in overrides if k not in params):
            raise _ProblemError(f"params override: undeclared parameter(s) {', '.join(unknown)}")
        params.update(overrides)
    if several:
        tables = data["credential"]
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise _ProblemError("credential must be an array of tables ([[credential]])")
        credentials = tuple(
            _credential_from_toml(table, schemas, f"credential[{i}]")
            for i, table in enumerate(tables)
        )
        return Circuit(
            id=circuit_id,
            version=version,  # type: ignore[arg-type]  # Circuit checks it
            description=description.strip(),
            credentials=credentials,
            params=tuple(params.items()),  # type: ignore[arg-type]  # Circuit checks them
            param_bounds=tuple(bounds),  # type: ignore[arg-type]
        )
    schema = _schema(data["schema"], schemas)
    return Circuit.single(
        circuit_id,
        version,  # type: ignore[arg-type]  # Circuit checks it
        schema,
        description.strip(),
        tuple(_string_list(data.get("disclose", []), "disclose")),
        _predicates_from_toml(data.get("predicate", []), ""),
        tuple(params.items()),  # type: ignore[arg-type]  # Circuit checks them
        tuple(bounds),  # type: ignore[arg-type]
    )


def _schema(schema_id: object, schemas: SchemaRegistry) -> Schema:
    if not isinstance(schema_id, str):
        raise _ProblemError("schema must be a string such as 'investor/v1'")
    return schemas.get(schema_id)


def _credential_from_toml(
    table: dict[str, object], schemas: SchemaRegistry, where: str
) -> CredentialSpec:
    """One ``[[credential]]`` table: name, schema, issuer_roles, disclose, predicates."""
    name = table.get("name")
    if isinstance(name, str) and _IDENT.fullmatch(name):
        where = f"credential {name}"
    if unknown := sorted(table.keys() - _CREDENTIAL_KEYS):
        raise _ProblemError(
            f"{where}: unknown key(s) {', '.join(unknown)};"
            f" allowed: {', '.join(sorted(_CREDENTIAL_KEYS))}"
        )
    if missing := sorted({"name", "schema"} - table.keys()):
        raise _ProblemError(f"{where}: missing key(s) {', '.join(missing)}")
    try:
        schema = _schema(table["schema"], schemas)
        return CredentialSpec(
            name,  # type: ignore[arg-type]  # CredentialSpec checks it
            schema,
            tuple(_string_list(table.get("disclose", []), "disclose")),
            _predicates_from_toml(table.get("predicate", []), ""),
            tuple(_string_list(table.get("issuer_roles", []), "issuer_roles", "role names")),
        )
    except _ProblemError as exc:
        raise _ProblemError(f"{where}: {exc}") from None
    except InvalidInputError as exc:
        message = str(exc)
        raise _ProblemError(
            message if message.startswith(where) else f"{where}: {message}"
        ) from None


def _predicates_from_toml(raw_predicates: object, where: str) -> tuple[Predicate, ...]:
    """``[[predicate]]`` tables: attribute, op and value each."""
    if not isinstance(raw_predicates, list) or not all(isinstance(p, dict) for p in raw_predicates):
        raise _ProblemError(f"{where}predicate must be an array of tables ([[predicate]])")
    predicates = []
    for i, raw in enumerate(raw_predicates):
        here = f"{where}predicate[{i}]"
        if unknown := sorted(raw.keys() - _PREDICATE_KEYS):
            raise _ProblemError(f"{here}: unknown key(s) {', '.join(unknown)}")
        if missing := sorted(_PREDICATE_KEYS - raw.keys()):
            raise _ProblemError(f"{here}: missing key(s) {', '.join(missing)}")
        value = raw["value"]
        predicates.append(
            Predicate(
                raw["attribute"], raw["op"], tuple(value) if isinstance(value, list) else value
            )
        )
    return tuple(predicates)


def _params_from_toml(raw: object) -> tuple[dict[str, object], list[tuple[str, object, object]]]:
    """``[params.<name>]`` tables of ``default``, ``min`` and ``max``: the values and the
    bounds (checked by :class:`Circuit`)."""
    if not isinstance(raw, dict):
        raise _ProblemError("params must be a table of [params.<name>] tables")
    values: dict[str, object] = {}
    bounds: list[tuple[str, object, object]] = []
    for name, spec in raw.items():
        if _IDENT.fullmatch(name) is None:
            raise _ProblemError(f"params: bad parameter name {_short(name)}")
        problems = []
        if isinstance(spec, dict):
            if missing := [key for key in _PARAM_KEYS if key not in spec]:
                problems.append(f"missing {', '.join(missing)}")
            if unknown := sorted(spec.keys() - set(_PARAM_KEYS)):
                problems.append(f"unknown {', '.join(unknown)}")
        if not isinstance(spec, dict) or problems:
            detail = f" ({'; '.join(problems)})" if problems else ""
            raise _ProblemError(
                f"params: {name} must be a table of default, min and max{detail}:"
                f" [params.{name}] default = ..., min = ..., max = ..."
            )
        values[name] = spec["default"]
        bounds.append((name, spec["min"], spec["max"]))
    return values, bounds
