"""The reference backend: pure Python on ``py_ecc.optimized_bls12_381``.

Slow (tens to hundreds of times slower than arkworks) but independent of the
native code, so both backends checking the same vectors is a real cross-check.
Pitfalls of py-ecc handled here:

- points are projective triples: compare them with ``eq``, never ``==``;
- ``decompress_G1/G2`` check the curve equation but not the subgroup, so the
  subgroup is checked by multiplying by r;
- the pairing product is computed as Miller loops multiplied together and a
  single final exponentiation;
- there is no MSM, so :func:`_straus` interleaves 4-bit windows of every
  scalar over shared doublings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, cast

from py_ecc.bls.hash_to_curve import clear_cofactor_G1, map_to_curve_G1
from py_ecc.bls.point_compression import compress_G1, compress_G2, decompress_G1, decompress_G2
from py_ecc.bls.typing import G1Compressed, G2Compressed
from py_ecc.fields import optimized_bls12_381_FQ as FQ
from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
from py_ecc.optimized_bls12_381.optimized_curve import G1 as _G1_GEN
from py_ecc.optimized_bls12_381.optimized_curve import G2 as _G2_GEN
from py_ecc.optimized_bls12_381.optimized_curve import (
    Z1,
    Z2,
    add,
    double,
    eq,
    is_inf,
    multiply,
    neg,
)
from py_ecc.optimized_bls12_381.optimized_pairing import final_exponentiate, miller_loop

from zkattest.errors import DecodeError
from zkattest.hazmat.curve._base import G1, G2, Backend, R

_Point = Any  # a py-ecc projective triple over FQ or FQ2
_WINDOW = 4


def _straus(points: Sequence[_Point], scalars: Sequence[int], identity: _Point) -> _Point:
    """sum(k_i * P_i) with interleaved fixed 4-bit windows (Straus' method)."""
    tables = []
    for point in points:
        row = [identity, point]
        for _ in range((1 << _WINDOW) - 2):
            row.append(add(row[-1], point))
        tables.append(row)
    nbits = max((k.bit_length() for k in scalars), default=0)
    acc = identity
    started = False
    mask = (1 << _WINDOW) - 1
    for shift in range(-(-nbits // _WINDOW) * _WINDOW - _WINDOW, -1, -_WINDOW):
        if started:
            for _ in range(_WINDOW):
                acc = double(acc)
        for row, k in zip(tables, scalars, strict=True):
            digit = (k >> shift) & mask
            if digit:
                acc = add(acc, row[digit])
                started = True
    return acc


class PyEccG1(G1):
    __slots__ = ()
    backend: ClassVar[Backend]

    def __add__(self, other: G1) -> G1:
        if not isinstance(other, PyEccG1):
            return NotImplemented
        return PyEccG1(add(self._p, other._p))

    def __neg__(self) -> G1:
        return PyEccG1(neg(self._p))

    def __mul__(self, k: int) -> G1:
        if not isinstance(k, int):
            return NotImplemented
        return PyEccG1(_straus([self._p], [k % R], Z1))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PyEccG1):
            return NotImplemented
        return bool(eq(self._p, other._p))

    __hash__ = G1.__hash__

    def to_bytes(self) -> bytes:
        return int(compress_G1(self._p)).to_bytes(48, "big")

    def is_identity(self) -> bool:
        return bool(is_inf(self._p))


class PyEccG2(G2):
    __slots__ = ()
    backend: ClassVar[Backend]

    def __add__(self, other: G2) -> G2:
        if not isinstance(other, PyEccG2):
            return NotImplemented
        return PyEccG2(add(self._p, other._p))

    def __neg__(self) -> G2:
        return PyEccG2(neg(self._p))

    def __mul__(self, k: int) -> G2:
        if not isinstance(k, int):
            return NotImplemented
        return PyEccG2(_straus([self._p], [k % R], Z2))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PyEccG2):
            return NotImplemented
        return bool(eq(self._p, other._p))

    __hash__ = G2.__hash__

    def to_bytes(self) -> bytes:
        z1, z2 = compress_G2(self._p)
        return int(z1).to_bytes(48, "big") + int(z2).to_bytes(48, "big")

    def is_identity(self) -> bool:
        return bool(is_inf(self._p))


class PyEccBackend(Backend):
    g1_class: ClassVar[type[G1]] = PyEccG1
    name: ClassVar[str] = "py-ecc"
    fixed_base_window: ClassVar[int] = 4

    @staticmethod
    def _raw_g1_add(a: Any, b: Any) -> Any:
        return add(a, b)

    def g1_generator(self) -> G1:
        return PyEccG1(_G1_GEN)

    def g1_identity(self) -> G1:
        return PyEccG1(Z1)

    def g2_generator(self) -> G2:
        return PyEccG2(_G2_GEN)

    def g2_identity(self) -> G2:
        return PyEccG2(Z2)

    def _g1_decompress_checked(self, data: bytes) -> G1:
        try:
            point = decompress_G1(G1Compressed(int.from_bytes(data, "big")))
        except ValueError:
            raise DecodeError("G1 point: not on the curve") from None
        if not is_inf(multiply(point, R)):
            raise DecodeError("G1 point: not in the prime-order subgroup")
        return PyEccG1(point)

    def _g2_decompress_checked(self, data: bytes) -> G2:
        try:
            z1, z2 = int.from_bytes(data[:48], "big"), int.from_bytes(data[48:], "big")
            point = decompress_G2(G2Compressed((z1, z2)))
        except ValueError:
            raise DecodeError("G2 point: not on the curve") from None
        if not is_inf(multiply(point, R)):
            raise DecodeError("G2 point: not in the prime-order subgroup")
        return PyEccG2(point)

    def _g1_msm(self, scalars: list[int], points: Sequence[G1]) -> G1:
        return PyEccG1(_straus([cast(PyEccG1, p)._p for p in points], scalars, Z1))

    def _pairing_product_is_one(self, pairs: Sequence[tuple[G1, G2]]) -> bool:
        f = FQ12.one()
        for p, q in pairs:
            p_raw, q_raw = cast(PyEccG1, p)._p, cast(PyEccG2, q)._p
            if is_inf(p_raw) or is_inf(q_raw):
                continue
            f = f * miller_loop(q_raw, p_raw, final_exponentiate=False)
        return bool(final_exponentiate(f) == FQ12.one())

    def map_to_g1(self, u0: int, u1: int) -> G1:
        q0 = map_to_curve_G1(FQ(u0))
        q1 = map_to_curve_G1(FQ(u1))
        return PyEccG1(clear_cofactor_G1(add(q0, q1)))


BACKEND = PyEccBackend()
PyEccG1.backend = BACKEND
PyEccG2.backend = BACKEND
