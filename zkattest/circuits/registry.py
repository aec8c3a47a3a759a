"""Finding circuits by id: the built-in circuits, shipped as package data."""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from zkattest.circuits.loader import parse_circuit
from zkattest.circuits.model import _IDENT, Circuit, _short
from zkattest.errors import InvalidInputError

__all__ = [
    "CIRCUITS_DIR_ENV",
    "builtin_circuit_ids",
    "circuits_dir",
    "get_circuit",
    "load_builtin_circuits",
]

#: Environment variable naming the directory of the built-in circuits.
CIRCUITS_DIR_ENV: Final = "ZKATTEST_CIRCUITS_DIR"
# The package the repository's circuits/ folder ships as (see setup.py).
_BUILTIN_PACKAGE: Final = "zkattest._circuits"


def circuits_dir() -> Traversable:
    """Where the built-in circuits are read from.

    ``$ZKATTEST_CIRCUITS_DIR`` if set (a directory of ``<id>.toml`` files that
    replaces the built-in set), else the circuits shipped inside the package
    (``zkattest._circuits``, built from the repository's ``circuits/``), read
    with :mod:`importlib.resources` so they work from an installed wheel.
    """
    override = os.environ.get(CIRCUITS_DIR_ENV)
    if override:
        return Path(override)
    return importlib.resources.files(_BUILTIN_PACKAGE)


def _circuit_files() -> dict[str, Traversable]:
    """The ``<id>.toml`` files of :func:`circuits_dir`, by id."""
    folder = circuits_dir()
    if not folder.is_dir():
        where = f"${CIRCUITS_DIR_ENV} ({folder})" if os.environ.get(CIRCUITS_DIR_ENV) else folder
        raise InvalidInputError(f"{where}: no such circuits directory")
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }


def load_builtin_circuits() -> dict[str, Circuit]:
    """The built-in circuits (:func:`circuits_dir`), by id."""
    return {circuit_id: get_circuit(circuit_id) for circuit_id in sorted(_circuit_files())}


def builtin_circuit_ids() -> list[str]:
    """The ids of the built-in circuits, sorted, without parsing them."""
    return sorted(_circuit_files())


def get_circuit(circuit_id: str, *, params: Mapping[str, int] | None = None) -> Circuit:
    """The built-in circuit ``circuit_id``, with optional parameter overrides.

    An override outside the bounds the circuit file declares for the
    parameter is refused (:class:`InvalidInputError`), so a challenge naming
    one is refused by the holder before anything is proven.
    """
    if not isinstance(circuit_id, str) or _IDENT.fullmatch(circuit_id) is None:
        raise InvalidInputError(f"bad circuit id {_short(circuit_id)}")
    files = _circuit_files()
    file = files.get(circuit_id)
    if file is None:
        known = ", ".join(sorted(files))
        raise InvalidInputError(f"unknown circuit {circuit_id!r}; known: {known or 'none'}")
    overrides = dict(params or {})
    if not all(isinstance(k, str) and type(v) is int for k, v in overrides.items()):
        return _load_builtin(file, params)  # refuses them with a clear error
    # Files on disk (an installed package, or $ZKATTEST_CIRCUITS_DIR) are re-read
    # when they change; other resources (a zip import) cannot change.
    version = file.stat().st_mtime_ns if isinstance(file, Path) else 0
    key = (str(file), version, tuple(sorted(overrides.items())))
    circuit = _loaded.get(key)
    if circuit is None:
        circuit = _load_builtin(file, params)
        if circuit.id != circuit_id:
            raise InvalidInputError(f"{file}: defines circuit {circuit.id}, not {circuit_id}")
        if len(_loaded) >= 256:
            _loaded.clear()
        _loaded[key] = circuit
    return circuit


def _load_builtin(file: Traversable, params: Mapping[str, int] | None) -> Circuit:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{file}: cannot read circuit: {exc}") from None
    return parse_circuit(text, params=params, source=str(file))


# Parsed built-in circuits, keyed by file, modification time and parameters.
_loaded: dict[tuple[str, int, tuple[tuple[str, int], ...]], Circuit] = {}
