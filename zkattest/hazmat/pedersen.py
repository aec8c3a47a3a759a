"""Pedersen commitments in G1 for committing to hidden attributes.

``C = v·G + γ·H`` with ``G, H`` nothing-up-my-sleeve points:
``hash_to_curve(label, DST)`` in suite ``BLS12381G1_XMD:SHA-256_SSWU_RO_``
(RFC 9380 §8.8.1) with ``DST = "ZKATTEST-V1-PEDERSEN_BLS12381G1_XMD:SHA-256_SSWU_RO_"``
and labels ``"G"`` and ``"H"``. No discrete-log relation between them, the BBS
generators or the Bulletproofs generators is known, since all come from
distinct hash-to-curve inputs. Perfectly hiding, computationally binding.

The same ``G`` carries the committed value in every protocol of zkattest (the
sigma protocols linking a commitment to a BBS message, and the Bulletproofs
range proofs over ``C − t·G``).
"""

from __future__ import annotations

import threading

from zkattest.hazmat.curve import G1, Backend, get_backend
from zkattest.hazmat.hash_to_curve import XMD_SHA_256

__all__ = ["PEDERSEN_DST", "commit", "pedersen_generators"]

PEDERSEN_DST = b"ZKATTEST-V1-PEDERSEN_BLS12381G1_XMD:SHA-256_SSWU_RO_"

_lock = threading.Lock()
_cache: dict[str, tuple[G1, G1]] = {}


def pedersen_generators(backend: Backend | None = None) -> tuple[G1, G1]:
    """``(G, H)`` for the backend in use, tabulated for fixed-base multiplication."""
    backend = backend or get_backend()
    with _lock:
        pair = _cache.get(backend.name)
        if pair is None:
            G = backend.hash_to_g1(b"G", PEDERSEN_DST, XMD_SHA_256)
            H = backend.hash_to_g1(b"H", PEDERSEN_DST, XMD_SHA_256)
            backend.precompute(G)
            backend.precompute(H)
            pair = _cache[backend.name] = (G, H)
        return pair


def commit(value: int, blinding: int, backend: Backend | None = None) -> G1:
    """``value·G + blinding·H``."""
    backend = backend or get_backend()
    G, H = pedersen_generators(backend)
    return backend.g1_msm([G, H], [value, blinding])
