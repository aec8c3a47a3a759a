"""BLS12-381 behind one typed interface, with two backends.

- ``arkworks`` (default): py-arkworks-bls12381, native Rust.
- ``py-ecc``: pure-Python reference on ``py_ecc.optimized_bls12_381``.

Choose with the environment variable ``ZKATTEST_BACKEND=arkworks|py-ecc``
(read on first use) or at run time with :func:`set_backend` /
:func:`use_backend`. Every protocol in zkattest calls :func:`get_backend`
when it starts, so a switch affects later calls, not points already made.

Scalars are Python ints mod :data:`R`. Nothing here is constant-time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from zkattest.errors import BackendError
from zkattest.hazmat.curve._base import (
    G1,
    G1_BYTES,
    G2,
    G2_BYTES,
    SCALAR_BYTES,
    Backend,
    P,
    R,
    scalar_from_bytes,
    scalar_to_bytes,
)

__all__ = [
    "BACKEND_NAMES",
    "G1",
    "G1_BYTES",
    "G2",
    "G2_BYTES",
    "SCALAR_BYTES",
    "Backend",
    "P",
    "R",
    "get_backend",
    "load_backend",
    "scalar_from_bytes",
    "scalar_to_bytes",
    "set_backend",
    "use_backend",
]

BACKEND_NAMES = ("arkworks", "py-ecc")
ENV_VAR = "ZKATTEST_BACKEND"

_lock = threading.Lock()
_current: Backend | None = None


def load_backend(name: str) -> Backend:
    """The backend called ``name`` (``"arkworks"`` or ``"py-ecc"``)."""
    if name == "arkworks":
        try:
            from zkattest.hazmat.curve._arkworks import BACKEND as ARK
        except ImportError as exc:  # pragma: no cover - depends on the platform's wheel
            raise BackendError(f"the arkworks backend cannot be loaded: {exc}") from None
        return ARK
    if name == "py-ecc":
        from zkattest.hazmat.curve._pyecc import BACKEND as PYECC

        return PYECC
    raise BackendError(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")


def get_backend() -> Backend:
    """The backend in use: set by :func:`set_backend`, else ``$ZKATTEST_BACKEND``, else arkworks."""
    global _current
    backend = _current
    if backend is None:
        with _lock:
            if _current is None:
                _current = load_backend(os.environ.get(ENV_VAR, "").strip() or "arkworks")
            backend = _current
    return backend


def set_backend(name: str) -> Backend:
    """Make ``name`` the backend for every later operation; returns it."""
    global _current
    backend = load_backend(name)
    with _lock:
        _current = backend
    return backend


@contextmanager
def use_backend(name: str) -> Iterator[Backend]:
    """Use ``name`` inside a ``with`` block, then restore the previous backend."""
    global _current
    previous = _current
    backend = set_backend(name)
    try:
        yield backend
    finally:
        with _lock:
            _current = previous
