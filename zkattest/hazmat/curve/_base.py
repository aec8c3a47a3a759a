"""The typed interface every BLS12-381 backend implements.

Scalars are Python ints in ``[0, r)``; points are opaque :class:`G1` / :class:`G2`
objects owned by one backend. Encodings are the compressed ZCash format of
draft-irtf-cfrg-pairing-friendly-curves-11 Appendix C (also BBS draft §A.3):
48 bytes for G1, 96 bytes for G2, with the three flag bits C, I, S.

Nothing here is constant-time: Python integers and both backends branch on
scalar bits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from zkattest.errors import BackendError, DecodeError, InvalidInputError

if TYPE_CHECKING:
    from zkattest.hazmat.hash_to_curve import HashToCurveSuite

#: Order of G1, G2 and GT (the scalar field modulus).
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
#: Modulus of the base field Fp.
P = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f624"
    "1eabfffeb153ffffb9feffffffffaaab",
    16,
)
SCALAR_BYTES = 32
G1_BYTES = 48
G2_BYTES = 96

_FLAG_COMPRESSED = 0x80
_FLAG_INFINITY = 0x40
_FLAG_SIGN = 0x20


def scalar_to_bytes(k: int) -> bytes:
    """I2OSP(k, 32) of a scalar in ``[0, r)``."""
    if not 0 <= k < R:
        raise InvalidInputError("scalar out of range")
    return k.to_bytes(SCALAR_BYTES, "big")


def scalar_from_bytes(data: bytes, *, allow_zero: bool = False) -> int:
    """Decode a canonical 32-byte big-endian scalar; reject ``>= r`` (and 0 unless allowed)."""
    data = _as_bytes(data, "scalar")
    if len(data) != SCALAR_BYTES:
        raise DecodeError(f"a scalar is {SCALAR_BYTES} bytes, got {len(data)}")
    k = int.from_bytes(data, "big")
    if k >= R:
        raise DecodeError("scalar is not canonical (>= r)")
    if k == 0 and not allow_zero:
        raise DecodeError("scalar must not be zero")
    return k


def _as_bytes(data: object, what: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise DecodeError(f"{what} must be bytes, not {type(data).__name__}")


def check_compressed_encoding(
    data: object, size: int, *, allow_identity: bool
) -> tuple[bytes, bool]:
    """Validate length, flag bits and field-element range of a compressed point.

    Returns ``(data, is_identity)``. Curve membership and the subgroup are
    checked by the backend afterwards.
    """
    what = "G1 point" if size == G1_BYTES else "G2 point"
    raw = _as_bytes(data, what)
    if len(raw) != size:
        raise DecodeError(f"a compressed {what} is {size} bytes, got {len(raw)}")
    flags = raw[0] & 0xE0
    if not flags & _FLAG_COMPRESSED:
        raise DecodeError(f"{what}: only the compressed encoding is accepted")
    body = bytes([raw[0] & 0x1F]) + raw[1:]
    if flags & _FLAG_INFINITY:
        if flags & _FLAG_SIGN or any(body):
            raise DecodeError(f"{what}: non-canonical encoding of the identity")
        if not allow_identity:
            raise DecodeError(f"{what}: the identity is not allowed here")
        return raw, True
    for offset in range(0, size, G1_BYTES):
        if int.from_bytes(body[offset : offset + G1_BYTES], "big") >= P:
            raise DecodeError(f"{what}: coordinate is not a canonical field element")
    return raw, False


class G1(ABC):
    """A point of the order-r subgroup G1 of E1(Fp).

    Wraps one backend's raw point; ``_table`` holds fixed-base multiples once
    :meth:`Backend.precompute` was called on a long-lived point.
    """

    __slots__ = ("_p", "_table")
    backend: ClassVar[Backend]

    def __init__(self, p: Any) -> None:
        self._p = p
        self._table: list[list[Any]] | None = None

    @abstractmethod
    def __add__(self, other: G1) -> G1: ...

    @abstractmethod
    def __neg__(self) -> G1: ...

    @abstractmethod
    def __mul__(self, k: int) -> G1: ...

    @abstractmethod
    def __eq__(self, other: object) -> bool: ...

    @abstractmethod
    def to_bytes(self) -> bytes:
        """point_to_octets_E1: the 48-byte compressed encoding."""

    @abstractmethod
    def is_identity(self) -> bool: ...

    def __sub__(self, other: G1) -> G1:
        return self + (-other)

    def __rmul__(self, k: int) -> G1:
        return self * k

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"G1({self.to_bytes().hex()})"


class G2(ABC):
    """A point of the order-r subgroup G2 of E2(Fp2).

    Wraps one backend's raw point; ``_table`` holds fixed-base multiples once
    :meth:`Backend.precompute` was called on a long-lived point.
    """

    __slots__ = ("_p", "_table")
    backend: ClassVar[Backend]

    def __init__(self, p: Any) -> None:
        self._p = p
        self._table: list[list[Any]] | None = None

    @abstractmethod
    def __add__(self, other: G2) -> G2: ...

    @abstractmethod
    def __neg__(self) -> G2: ...

    @abstractmethod
    def __mul__(self, k: int) -> G2: ...

    @abstractmethod
    def __eq__(self, other: object) -> bool: ...

    @abstractmethod
    def to_bytes(self) -> bytes:
        """point_to_octets_E2: the 96-byte compressed encoding."""

    @abstractmethod
    def is_identity(self) -> bool: ...

    def __sub__(self, other: G2) -> G2:
        return self + (-other)

    def __rmul__(self, k: int) -> G2:
        return self * k

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"G2({self.to_bytes().hex()})"


class Backend(ABC):
    """One implementation of BLS12-381 arithmetic.

    Subclasses implement the underscored primitives; the public methods add
    the validation every backend shares, so that both behave identically.
    """

    name: ClassVar[str]
    g1_class: ClassVar[type[G1]]

    # -- construction --------------------------------------------------------
    @abstractmethod
    def g1_generator(self) -> G1:
        """BP1, the standard generator of G1."""

    @abstractmethod
    def g1_identity(self) -> G1: ...

    @abstractmethod
    def g2_generator(self) -> G2:
        """BP2, the standard generator of G2."""

    @abstractmethod
    def g2_identity(self) -> G2: ...

    # -- decoding ------------------------------------------------------------
    def g1_from_bytes(self, data: bytes, *, allow_identity: bool = False) -> G1:
        """octets_to_point_E1 plus subgroup_check_G1; the identity only if allowed."""
        raw, is_identity = check_compressed_encoding(data, G1_BYTES, allow_identity=allow_identity)
        if is_identity:
            return self.g1_identity()
        return self._g1_decompress_checked(raw)

    def g2_from_bytes(self, data: bytes, *, allow_identity: bool = False) -> G2:
        """octets_to_point_E2 plus subgroup_check_G2; the identity only if allowed."""
        raw, is_identity = check_compressed_encoding(data, G2_BYTES, allow_identity=allow_identity)
        if is_identity:
            return self.g2_identity()
        return self._g2_decompress_checked(raw)

    @abstractmethod
    def _g1_decompress_checked(self, data: bytes) -> G1:
        """Decode a non-identity point whose flags were checked; verify curve and subgroup."""

    @abstractmethod
    def _g2_decompress_checked(self, data: bytes) -> G2: ...

    # -- arithmetic ----------------------------------------------------------
    def g1_msm(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        """sum(points[i] * scalars[i]); the lengths must match."""
        if len(points) != len(scalars):
            raise InvalidInputError(
                f"multi-scalar multiplication needs as many scalars ({len(scalars)}) "
                f"as points ({len(points)})"
            )
        self._check_own(points)
        fixed: list[tuple[list[list[Any]], int]] = []
        var_points: list[G1] = []
        var_scalars: list[int] = []
        for point, k in zip(points, scalars, strict=True):
            if point._table is not None:
                fixed.append((point._table, k % R))
            else:
                var_points.append(point)
                var_scalars.append(k % R)
        if not fixed:
            if not var_points:
                return self.g1_identity()
            return self._g1_msm(var_scalars, var_points)
        total = self._fixed_sum(fixed)
        if len(var_points) == 1:
            return total + var_points[0] * var_scalars[0]
        if var_points:
            return total + self._g1_msm(var_scalars, var_points)
        return total

    @abstractmethod
    def _g1_msm(self, scalars: list[int], points: Sequence[G1]) -> G1: ...

    # -- fixed-base precomputation -------------------------------------------
    #: bits per window of fixed-base tables (tables hold 2^w multiples per window)
    fixed_base_window: ClassVar[int] = 4

    @staticmethod
    @abstractmethod
    def _raw_g1_add(a: Any, b: Any) -> Any: ...

    def precompute(self, point: G1) -> None:
        """Tabulate multiples of a long-lived point so MSMs including it run faster.

        Costs ``ceil(255 / w) * 2^w`` additions once and about as many points of
        memory; later :meth:`g1_msm` calls add one table entry per window for it.
        """
        self._check_own([point])
        if point._table is not None or point.is_identity():
            return
        add = self._raw_g1_add
        w = self.fixed_base_window
        rows: list[list[Any]] = []
        base = point._p
        for _ in range(-(-R.bit_length() // w)):
            row = [None, base]
            for _ in range(2, 1 << w):
                row.append(add(row[-1], base))
            rows.append(row)
            base = add(row[-1], base)
        point._table = rows

    def _fixed_sum(self, fixed: list[tuple[list[list[Any]], int]]) -> G1:
        """sum(k·P) over tabulated points: one addition per non-zero window digit."""
        add = self._raw_g1_add
        w = self.fixed_base_window
        mask = (1 << w) - 1
        acc = self.g1_identity()._p
        for rows, k in fixed:
            for row in rows:
                digit = k & mask
                if digit:
                    acc = add(acc, row[digit])
                k >>= w
                if not k:
                    break
        return self.g1_class(acc)

    def pairing_product_is_one(self, pairs: Sequence[tuple[G1, G2]]) -> bool:
        """Whether prod e(P_i, Q_i) is the identity of GT (one final exponentiation)."""
        self._check_own([p for p, _ in pairs])
        self._check_own([q for _, q in pairs])
        return self._pairing_product_is_one(pairs)

    @abstractmethod
    def _pairing_product_is_one(self, pairs: Sequence[tuple[G1, G2]]) -> bool: ...

    # -- hashing to the curve (RFC 9380) -------------------------------------
    @abstractmethod
    def map_to_g1(self, u0: int, u1: int) -> G1:
        """clear_cofactor(map_to_curve(u0) + map_to_curve(u1)), RFC 9380 §3 steps 2-6.

        ``map_to_curve`` is the simplified SWU map for BLS12-381 G1 with its
        11-isogeny (RFC 9380 §8.8.1); u0, u1 are elements of Fp.
        """

    def hash_to_g1(self, msg: bytes, dst: bytes, suite: HashToCurveSuite) -> G1:
        """hash_to_curve for G1 in the given suite (RFC 9380 §3)."""
        from zkattest.hazmat.hash_to_curve import hash_to_field_fp

        u0, u1 = hash_to_field_fp(msg, 2, dst, suite)
        return self.map_to_g1(u0, u1)

    # -- helpers -------------------------------------------------------------
    def _check_own(self, points: Sequence[G1] | Sequence[G2]) -> None:
        for point in points:
            if type(point).backend is not self:
                raise BackendError(
                    f"point belongs to backend {type(point).backend.name!r}, not {self.name!r}"
                )
