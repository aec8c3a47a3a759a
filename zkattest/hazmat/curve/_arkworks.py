"""The fast backend: py-arkworks-bls12381 (Rust arkworks through PyO3).

Native MSM (``multiexp_unchecked``, which silently truncates on unequal
lengths: :meth:`Backend.g1_msm` checks them first), a multi-Miller-loop
pairing check with one final exponentiation, and the native RFC 9380
``hash_to_curve`` for the XMD:SHA-256 suite. Other suites go through
``hash_to_field`` here and the library's map (``map_from_fp``, which
includes cofactor clearing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, cast

import py_arkworks_bls12381 as ark

from zkattest.errors import DecodeError
from zkattest.hazmat.curve._base import G1, G2, Backend, R
from zkattest.hazmat.hash_to_curve import XMD_SHA_256, HashToCurveSuite


def _scalar(k: int) -> ark.Scalar:
    # from_le_bytes is ~15x faster than Scalar(int)
    return ark.Scalar.from_le_bytes((k % R).to_bytes(32, "little"))


class ArkG1(G1):
    __slots__ = ()
    backend: ClassVar[Backend]

    def __add__(self, other: G1) -> G1:
        if not isinstance(other, ArkG1):
            return NotImplemented
        return ArkG1(self._p + other._p)

    def __sub__(self, other: G1) -> G1:
        if not isinstance(other, ArkG1):
            return NotImplemented
        return ArkG1(self._p - other._p)

    def __neg__(self) -> G1:
        return ArkG1(-self._p)

    def __mul__(self, k: int) -> G1:
        if not isinstance(k, int):
            return NotImplemented
        return ArkG1(self._p * _scalar(k))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArkG1):
            return NotImplemented
        return bool(self._p == other._p)

    __hash__ = G1.__hash__

    def to_bytes(self) -> bytes:
        return bytes(self._p.to_compressed_bytes())

    def is_identity(self) -> bool:
        return bool(self._p == _G1_IDENTITY)


class ArkG2(G2):
    __slots__ = ()
    backend: ClassVar[Backend]

    def __add__(self, other: G2) -> G2:
        if not isinstance(other, ArkG2):
            return NotImplemented
        return ArkG2(self._p + other._p)

    def __neg__(self) -> G2:
        return ArkG2(-self._p)

    def __mul__(self, k: int) -> G2:
        if not isinstance(k, int):
            return NotImplemented
        return ArkG2(self._p * _scalar(k))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArkG2):
            return NotImplemented
        return bool(self._p == other._p)

    __hash__ = G2.__hash__

    def to_bytes(self) -> bytes:
        return bytes(self._p.to_compressed_bytes())

    def is_identity(self) -> bool:
        return bool(self._p == _G2_IDENTITY)


_G1_IDENTITY = ark.G1Point.identity()
_G2_IDENTITY = ark.G2Point.identity()


class ArkworksBackend(Backend):
    g1_class: ClassVar[type[G1]] = ArkG1
    name: ClassVar[str] = "arkworks"
    # 32 windows of 256 multiples: a fixed-base multiplication is <= 32 additions
    # (~1 us each through the binding) against ~190 us for a variable-base one.
    fixed_base_window: ClassVar[int] = 8

    @staticmethod
    def _raw_g1_add(a: Any, b: Any) -> Any:
        return a + b

    def g1_generator(self) -> G1:
        return ArkG1(ark.G1Point())

    def g1_identity(self) -> G1:
        return ArkG1(ark.G1Point.identity())

    def g2_generator(self) -> G2:
        return ArkG2(ark.G2Point())

    def g2_identity(self) -> G2:
        return ArkG2(ark.G2Point.identity())

    def _g1_decompress_checked(self, data: bytes) -> G1:
        try:
            point = ark.G1Point.from_compressed_bytes(data)
        except ValueError:
            raise DecodeError("G1 point: not on the curve or not in the subgroup") from None
        return ArkG1(point)

    def _g2_decompress_checked(self, data: bytes) -> G2:
        try:
            point = ark.G2Point.from_compressed_bytes(data)
        except ValueError:
            raise DecodeError("G2 point: not on the curve or not in the subgroup") from None
        return ArkG2(point)

    def _g1_msm(self, scalars: list[int], points: Sequence[G1]) -> G1:
        raw = [cast(ArkG1, p)._p for p in points]
        return ArkG1(ark.G1Point.multiexp_unchecked(raw, [_scalar(k) for k in scalars]))

    def _pairing_product_is_one(self, pairs: Sequence[tuple[G1, G2]]) -> bool:
        if not pairs:
            return True
        g1s = [cast(ArkG1, p)._p for p, _ in pairs]
        g2s = [cast(ArkG2, q)._p for _, q in pairs]
        return bool(ark.GT.pairing_check(g1s, g2s))

    def map_to_g1(self, u0: int, u1: int) -> G1:
        q0 = ark.G1Point.map_from_fp_be(u0.to_bytes(48, "big"))
        q1 = ark.G1Point.map_from_fp_be(u1.to_bytes(48, "big"))
        return ArkG1(q0 + q1)

    def hash_to_g1(self, msg: bytes, dst: bytes, suite: HashToCurveSuite) -> G1:
        if suite is XMD_SHA_256 and len(dst) <= 255:
            return ArkG1(ark.G1Point.hash_to_curve(msg, dst))
        return super().hash_to_g1(msg, dst, suite)


BACKEND = ArkworksBackend()
ArkG1.backend = BACKEND
ArkG2.backend = BACKEND
