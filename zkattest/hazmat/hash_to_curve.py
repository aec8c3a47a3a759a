"""Hashing to BLS12-381 G1, RFC 9380.

Implements ``expand_message_xmd`` (RFC 9380 §5.3.1), ``expand_message_xof``
(§5.3.2) and ``hash_to_field`` (§5.2) for Fp with ``m = 1, L = 64``; the curve
map itself (simplified SWU, the 11-isogeny, cofactor clearing) is the backend's
:meth:`~zkattest.hazmat.curve.Backend.map_to_g1`.

Suites:

- ``BLS12381G1_XMD:SHA-256_SSWU_RO_`` (RFC 9380 §8.8.1)
- ``BLS12381G1_XOF:SHAKE-256_SSWU_RO_`` (draft-irtf-cfrg-bbs-signatures-09
  Appendix A.1: same curve map, ``expand_message_xof`` with SHAKE-256, k = 128)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from zkattest.errors import InvalidInputError
from zkattest.hazmat.curve._base import P

__all__ = [
    "XMD_SHA_256",
    "XOF_SHAKE_256",
    "HashToCurveSuite",
    "expand_message_xmd",
    "expand_message_xof",
    "hash_to_field_fp",
]

_MAX_DST = 255
_MAX_LEN = 65535
_L = 64  # ceil((ceil(log2(p)) + k) / 8) for BLS12-381 with k = 128
_OVERSIZE_PREFIX = b"H2C-OVERSIZE-DST-"


def expand_message_xmd(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """expand_message_xmd with SHA-256 (RFC 9380 §5.3.1, oversize DST per §5.3.3)."""
    b_in_bytes, s_in_bytes = 32, 64
    if len(dst) > _MAX_DST:
        dst = hashlib.sha256(_OVERSIZE_PREFIX + dst).digest()
    ell = -(-len_in_bytes // b_in_bytes)
    if ell > 255 or len_in_bytes > _MAX_LEN or len_in_bytes < 0:
        raise InvalidInputError("expand_message_xmd: requested length out of range")
    dst_prime = dst + bytes([len(dst)])
    z_pad = bytes(s_in_bytes)
    l_i_b_str = len_in_bytes.to_bytes(2, "big")
    b_0 = hashlib.sha256(z_pad + msg + l_i_b_str + b"\x00" + dst_prime).digest()
    b_i = hashlib.sha256(b_0 + b"\x01" + dst_prime).digest()
    uniform = [b_i]
    for i in range(2, ell + 1):
        mixed = (int.from_bytes(b_0, "big") ^ int.from_bytes(b_i, "big")).to_bytes(32, "big")
        b_i = hashlib.sha256(mixed + bytes([i]) + dst_prime).digest()
        uniform.append(b_i)
    return b"".join(uniform)[:len_in_bytes]


def expand_message_xof(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """expand_message_xof with SHAKE-256, k = 128 (RFC 9380 §5.3.2, oversize DST per §5.3.3)."""
    if len(dst) > _MAX_DST:
        dst = hashlib.shake_256(_OVERSIZE_PREFIX + dst).digest(32)  # ceil(2 * k / 8)
    if len_in_bytes > _MAX_LEN or len_in_bytes < 0:
        raise InvalidInputError("expand_message_xof: requested length out of range")
    dst_prime = dst + bytes([len(dst)])
    msg_prime = msg + len_in_bytes.to_bytes(2, "big") + dst_prime
    return hashlib.shake_256(msg_prime).digest(len_in_bytes)


@dataclass(frozen=True)
class HashToCurveSuite:
    """A hash-to-curve suite for G1: its identifier and its expand_message."""

    suite_id: bytes
    expand_message: Callable[[bytes, bytes, int], bytes]


XMD_SHA_256 = HashToCurveSuite(b"BLS12381G1_XMD:SHA-256_SSWU_RO_", expand_message_xmd)
XOF_SHAKE_256 = HashToCurveSuite(b"BLS12381G1_XOF:SHAKE-256_SSWU_RO_", expand_message_xof)


def hash_to_field_fp(msg: bytes, count: int, dst: bytes, suite: HashToCurveSuite) -> list[int]:
    """hash_to_field for Fp, m = 1, L = 64 (RFC 9380 §5.2)."""
    uniform = suite.expand_message(msg, dst, count * _L)
    return [int.from_bytes(uniform[i * _L : (i + 1) * _L], "big") % P for i in range(count)]
