"""Circuits by id: :class:`CircuitRegistry`, and the default one with the built-ins.

The built-in circuits are the ``<id>.toml`` files of the repository's
``circuits/`` folder, shipped inside the package and read with
:mod:`importlib.resources` (:func:`circuits_dir`). A platform with circuits of
its own adds their files to a :class:`CircuitRegistry` of its own, beside
the built-ins or instead of them, and hands that registry to whatever
challenges, proves or verifies; :data:`DEFAULT_CIRCUITS`, which
:func:`get_circuit` reads, holds the built-ins only.

A circuit id names one circuit in a registry: adding a file that defines a
known id differently, a built-in one included, is refused, so a platform's
file can neither replace a built-in circuit nor another of its own.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from zkattest.circuits.loader import _load_directory, _load_file, parse_circuit
from zkattest.circuits.model import _IDENT, Circuit, _short
from zkattest.errors import InvalidInputError
from zkattest.schema import DEFAULT_SCHEMAS, SchemaRegistry

__all__ = [
    "CIRCUITS_DIR_ENV",
    "DEFAULT_CIRCUITS",
    "CircuitRegistry",
    "builtin_circuit_ids",
    "circuits_dir",
    "get_circuit",
    "load_builtin_circuits",
]

#: Environment variable naming the directory of the built-in circuits.
CIRCUITS_DIR_ENV: Final = "ZKATTEST_CIRCUITS_DIR"
# The package the repository's circuits/ folder ships as (see setup.py).
_BUILTIN_PACKAGE: Final = "zkattest._circuits"
# Parsed circuits a registry keeps, at most.
_CACHE_SIZE: Final = 256


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


@dataclass(frozen=True)
class _Added:
    """A platform's circuit file, as it was when added."""

    source: str  # the file's path, for messages
    text: str


# A parsed circuit's key: where it is defined, the version of that file (the
# modification time of a built-in file on disk; None for an added one, which
# does not change) and the parameter overrides.
_CacheKey = tuple[str, int | None, tuple[tuple[str, int], ...]]


class CircuitRegistry:
    """Eligibility circuits by id.

    ``CircuitRegistry()`` holds the built-in circuits (read from
    :func:`circuits_dir` whenever asked, so ``$ZKATTEST_CIRCUITS_DIR`` applies),
    ``CircuitRegistry(builtins=False)`` none; :meth:`add_file` and
    :meth:`add_directory` add a platform's own. A circuit's schema is looked
    up in ``schemas`` (by default :data:`~zkattest.schema.DEFAULT_SCHEMAS`,
    the built-in schemas).

    Parsed circuits are kept, so asking again for one is cheap; a built-in
    file that changes on disk is read again, while an added file is held as
    it was when added.
    """

    __slots__ = ("_added", "_builtins", "_cache", "_fixed", "_schemas")

    def __init__(self, *, schemas: SchemaRegistry | None = None, builtins: bool = True) -> None:
        if schemas is not None and not isinstance(schemas, SchemaRegistry):
            raise InvalidInputError("schemas must be a SchemaRegistry")
        self._schemas = DEFAULT_SCHEMAS if schemas is None else schemas
        self._builtins = builtins
        self._added: dict[str, _Added] = {}
        self._cache: dict[_CacheKey, Circuit] = {}
        self._fixed = False

    @property
    def schemas(self) -> SchemaRegistry:
        """Where the circuits' schemas are looked up."""
        return self._schemas

    def ids(self) -> list[str]:
        """The ids of the circuits, sorted, without parsing them."""
        return sorted(self._builtin_files().keys() | self._added.keys())

    def __contains__(self, circuit_id: object) -> bool:
        if not isinstance(circuit_id, str):
            return False
        return circuit_id in self._added or circuit_id in self._builtin_files()

    def get(self, circuit_id: str, *, params: Mapping[str, int] | None = None) -> Circuit:
        """The circuit ``circuit_id``, with optional parameter overrides.

        An override outside the bounds the circuit file declares for the
        parameter is refused (:class:`InvalidInputError`), so a challenge
        naming one is refused by the holder before anything is proven. An
        unknown id is refused with the known ones named.
        """
        if not isinstance(circuit_id, str) or _IDENT.fullmatch(circuit_id) is None:
            raise InvalidInputError(f"bad circuit id {_short(circuit_id)}")
        if params is not None and not isinstance(params, Mapping):
            raise InvalidInputError("circuit parameters are a mapping of name to integer")
        source, version, read = self._find(circuit_id)
        overrides = dict(params or {})
        if not all(isinstance(k, str) and type(v) is int for k, v in overrides.items()):
            # refuses them with a clear error
            return parse_circuit(read(), params=params, source=source, schemas=self._schemas)
        key = (source, version, tuple(sorted(overrides.items())))
        circuit = self._cache.get(key)
        if circuit is None:
            circuit = parse_circuit(read(), params=params, source=source, schemas=self._schemas)
            if circuit.id != circuit_id:
                raise InvalidInputError(f"{source}: defines circuit {circuit.id}, not {circuit_id}")
            self._keep(key, circuit)
        return circuit

    def circuits(self) -> dict[str, Circuit]:
        """Every circuit, by id (in id order), each with its parameters' defaults."""
        return {circuit_id: self.get(circuit_id) for circuit_id in self.ids()}

    def add_file(self, path: str | os.PathLike[str]) -> Circuit:
        """Add the circuit in the TOML file at ``path``, and return it.

        Refused, with :class:`InvalidInputError` naming the file: whatever
        :func:`~zkattest.circuits.load_circuit` refuses (the schema looked up
        in :attr:`schemas`), and a circuit whose id this registry holds for a
        different circuit. Adding a circuit it already holds changes nothing.
        """
        self._check_open()
        file = Path(path)
        text, circuit = _load_file(file, schemas=self._schemas)
        self._add([(str(file), text, circuit)])
        return self.get(circuit.id)

    def add_directory(self, directory: str | os.PathLike[str]) -> dict[str, Circuit]:
        """Add every ``*.toml`` circuit in ``directory``; return them by id.

        Each file must be named after the circuit it defines (``<id>.toml``),
        as :func:`~zkattest.circuits.load_circuits` requires, and is checked
        as :meth:`add_file` checks it. The directory is added whole or, if
        any file is refused, not at all.
        """
        self._check_open()
        loaded = _load_directory(directory, schemas=self._schemas)
        self._add([(str(file), text, circuit) for file, text, circuit in loaded])
        return {circuit.id: self.get(circuit.id) for _, _, circuit in loaded}

    def __repr__(self) -> str:
        added = ", ".join(sorted(self._added)) or "none"
        return f"<CircuitRegistry builtins={self._builtins} added: {added}>"

    def _builtin_files(self) -> dict[str, Traversable]:
        return _circuit_files() if self._builtins else {}

    def _find(self, circuit_id: str) -> tuple[str, int | None, Callable[[], str]]:
        """Where circuit ``circuit_id`` is defined, the file's version, and how to read it."""
        added = self._added.get(circuit_id)
        if added is not None:
            return added.source, None, lambda: added.text
        files = self._builtin_files()
        file = files.get(circuit_id)
        if file is None:
            known = ", ".join(sorted(files.keys() | self._added.keys()))
            raise InvalidInputError(f"unknown circuit {circuit_id!r}; known: {known or 'none'}")
        # Files on disk (an installed package, or $ZKATTEST_CIRCUITS_DIR) are re-read
        # when they change; other resources (a zip import) cannot change.
        version = file.stat().st_mtime_ns if isinstance(file, Path) else 0
        return str(file), version, lambda: _read(file)

    def _add(self, found: Iterable[tuple[str, str, Circuit]]) -> None:
        """Add each ``(source, text, circuit)`` not yet held, after checking them all."""
        new: dict[str, tuple[_Added, Circuit]] = {}
        for source, text, circuit in found:
            if circuit.id in self:
                if self.get(circuit.id) != circuit:
                    raise InvalidInputError(
                        f"{source}: circuit {circuit.id} is already registered, from"
                        f" {self._find(circuit.id)[0]}, and this definition differs"
                    )
            else:
                new[circuit.id] = (_Added(source, text), circuit)
        for circuit_id, (added, circuit) in new.items():
            self._added[circuit_id] = added
            self._keep((added.source, None, ()), circuit)

    def _keep(self, key: _CacheKey, circuit: Circuit) -> None:
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = circuit

    def _check_open(self) -> None:
        if self._fixed:
            raise InvalidInputError(
                "DEFAULT_CIRCUITS holds the built-in circuits only; add yours to a"
                " registry of your own, CircuitRegistry()"
            )


def _read(file: Traversable) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{file}: cannot read circuit: {exc}") from None


def _fixed(registry: CircuitRegistry) -> CircuitRegistry:
    """``registry``, refusing every addition from now on."""
    registry._fixed = True
    return registry


#: The built-in circuits (:func:`circuits_dir`), their schemas looked up in
#: :data:`~zkattest.schema.DEFAULT_SCHEMAS`; fixed (a platform's own go in a
#: :class:`CircuitRegistry` of its own).
DEFAULT_CIRCUITS: Final = _fixed(CircuitRegistry())


def load_builtin_circuits() -> dict[str, Circuit]:
    """The built-in circuits (:func:`circuits_dir`), by id: ``DEFAULT_CIRCUITS.circuits()``."""
    return DEFAULT_CIRCUITS.circuits()


def builtin_circuit_ids() -> list[str]:
    """The ids of the built-in circuits, sorted, without parsing them:
    ``DEFAULT_CIRCUITS.ids()``."""
    return DEFAULT_CIRCUITS.ids()


def get_circuit(circuit_id: str, *, params: Mapping[str, int] | None = None) -> Circuit:
    """The built-in circuit ``circuit_id``, with optional parameter overrides:
    ``DEFAULT_CIRCUITS.get(circuit_id, params=params)`` (see :meth:`CircuitRegistry.get`).
    """
    return DEFAULT_CIRCUITS.get(circuit_id, params=params)
