r"""Aggregated Bulletproofs range proofs over BLS12-381 G1.

Statement, for ``m`` commitments ``V_j`` and a bit length ``n``::

    PK{(v_j, γ_j)_{j<m} : ∧_{j<m} V_j = v_j·G + γ_j·H  ∧  v_j ∈ [0, 2^n)}

with ``n ∈ {8, 16, 32, 64}`` and ``m`` a power of two, ``1 <= m <= 64``, and
``(G, H)`` the Pedersen bases of :func:`zkattest.hazmat.pedersen.pedersen_generators`
(value on ``G``, blinding on ``H``).

References:

- B. Bünz, J. Bootle, D. Boneh, A. Poelstra, P. Wuille, G. Maxwell,
  "Bulletproofs: Short Proofs for Confidential Transactions and More",
  IEEE S&P 2018 (IACR ePrint 2017/1066): §3 (inner-product argument,
  Protocols 1 and 2), §4.1–4.2 (range proof and its aggregation), §6.2
  (verification as one multi-exponentiation).
- The dalek-cryptography ``bulletproofs`` notes (``docs/notes-rp.md``,
  ``docs/range-proof-protocol.md``, ``docs/inner-product-protocol.md``),
  whose message order and single-MSM verification we follow, with
  zkattest's transcript and labels.
- ``docs/notes/bulletproofs.md``: the derivation in the notation used here.

Notation (local names match the notes): ``N = n·m``; vector generators
``G_vec[i]``, ``H_vec[i]`` (``i < N``) and the inner-product base ``U``, all
from ``hash_to_curve`` with :data:`BULLETPROOFS_DST`; bit vectors ``a_L``,
``a_R = a_L − 1``; blinding vectors ``s_L``, ``s_R``; blindings ``alpha``,
``rho``, ``tau_1``, ``tau_2``; challenges ``y``, ``z``, ``x``, ``w`` and
``u_k``; ``A``, ``S``, ``T_1``, ``T_2``, ``t_x``, ``t_x_blinding``,
``e_blinding`` (the paper's μ), ``l_vec``, ``r_vec``; the inner-product
argument runs on ``H'_i = y^{-i}·H_vec[i]`` and ``Q = w·U``.

Proof encoding (:meth:`RangeProof.to_bytes`), ``k = log2(N)``::

    A || S || T_1 || T_2 || t_x || t_x_blinding || e_blinding
      || L_0 || R_0 || ... || L_{k-1} || R_{k-1} || a || b

points compressed (48 bytes), scalars I2OSP(·, 32): ``48·(4 + 2k) + 32·5``
bytes (:func:`proof_size`). ``n`` and ``m`` are not encoded; the verifier knows
them from the statement.

The caller pads: ``m`` must be a power of two. To prove fewer values, add
commitments of your own (e.g. to 0 with a random blinding) and give them to
the verifier as part of the statement; :func:`padded_count` says how many.

Variable-time: Python integers and the curve backends branch on scalars, so
timing may reveal information about the values (e.g. the number of set bits
through the multi-scalar multiplication computing ``A``). See the README.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import labels
from zkattest.hazmat.curve import (
    G1,
    G1_BYTES,
    SCALAR_BYTES,
    Backend,
    R,
    get_backend,
    scalar_from_bytes,
    scalar_to_bytes,
)
from zkattest.hazmat.hash_to_curve import XMD_SHA_256
from zkattest.hazmat.pedersen import pedersen_generators
from zkattest.hazmat.transcript import Transcript

__all__ = [
    "BULLETPROOFS_DST",
    "MAX_AGGREGATION",
    "PROTOCOL_ID",
    "SUPPORTED_BITS",
    "InnerProductProof",
    "RangeProof",
    "inner_product_base",
    "padded_count",
    "proof_size",
    "prove_range",
    "prove_range_for_commitments",
    "vector_generators",
    "verify_range",
]

#: Domain separation tag for hashing the vector generators and ``U`` to G1.
BULLETPROOFS_DST = b"ZKATTEST-V1-BULLETPROOFS_BLS12381G1_XMD:SHA-256_SSWU_RO_"
#: Absorbed under :data:`labels.RANGE_PROOF` at the start of every range proof.
PROTOCOL_ID = b"zkattest/bulletproofs-range/bls12-381-g1/v1"
#: The supported bit lengths ``n``.
SUPPORTED_BITS = (8, 16, 32, 64)
#: The largest aggregation ``m`` (so at most 64·64 generators of each kind).
MAX_AGGREGATION = 64

_MAX_GENERATORS = max(SUPPORTED_BITS) * MAX_AGGREGATION


def _rebuild_length(N: int) -> int:
    """The folded length at which the inner-product prover rebuilds its basis; 0 for never.

    Until then ``L_k`` and ``R_k`` are multi-scalar multiplications over the
    original generators, of which the folded ones are combinations. At this
    length each folded generator is built once, by a multi-scalar
    multiplication of the ``N / length`` originals it combines, and the
    remaining rounds run over the rebuilt basis. Measured on the arkworks
    backend (docs/notes/bulletproofs.md, "Speed"): best or within 3% of best
    for N = 16 ... 256.
    """
    if N <= 16:
        return 0
    if N <= 64:
        return 8
    return max(16, N // 16)


# ---------------------------------------------------------------------------
# Generators: G_vec, H_vec and U, cached per backend and extended on demand.
# ---------------------------------------------------------------------------


@dataclass
class _Generators:
    G_vec: list[G1] = field(default_factory=list)
    H_vec: list[G1] = field(default_factory=list)
    U: G1 | None = None
    # sum(H_vec[:N]) for the lengths N in use; see _prove_range_core.
    H_sums: dict[int, G1] = field(default_factory=dict)


_generator_lock = threading.Lock()
_generator_cache: dict[str, _Generators] = {}


def _generators_locked(backend: Backend) -> _Generators:
    gens = _generator_cache.get(backend.name)
    if gens is None:
        gens = _generator_cache[backend.name] = _Generators()
    return gens


def vector_generators(count: int, backend: Backend | None = None) -> tuple[list[G1], list[G1]]:
    """``(G_vec[:count], H_vec[:count])`` for the backend in use.

    ``G_vec[i] = hash_to_curve("G" || I2OSP(i, 4))`` and
    ``H_vec[i] = hash_to_curve("H" || I2OSP(i, 4))`` in suite
    ``BLS12381G1_XMD:SHA-256_SSWU_RO_`` with :data:`BULLETPROOFS_DST`. Cached and
    extended on demand; no fixed-base tables (there are too many points).
    """
    backend = backend or get_backend()
    if type(count) is not int or not 0 <= count <= _MAX_GENERATORS:
        raise InvalidInputError(f"the generator count is an integer in [0, {_MAX_GENERATORS}]")
    with _generator_lock:
        gens = _generators_locked(backend)
        for i in range(len(gens.G_vec), count):
            index = i.to_bytes(4, "big")
            gens.G_vec.append(backend.hash_to_g1(b"G" + index, BULLETPROOFS_DST, XMD_SHA_256))
            gens.H_vec.append(backend.hash_to_g1(b"H" + index, BULLETPROOFS_DST, XMD_SHA_256))
        return gens.G_vec[:count], gens.H_vec[:count]


def inner_product_base(backend: Backend | None = None) -> G1:
    """``U = hash_to_curve("U")`` with :data:`BULLETPROOFS_DST`; the argument uses ``Q = w·U``."""
    backend = backend or get_backend()
    with _generator_lock:
        gens = _generators_locked(backend)
        if gens.U is None:
            gens.U = backend.hash_to_g1(b"U", BULLETPROOFS_DST, XMD_SHA_256)
        return gens.U


def _h_sum(N: int, H_vec: Sequence[G1], backend: Backend) -> G1:
    """``Σ_{i<N} H_vec[i]`` (public, cached)."""
    with _generator_lock:
        gens = _generators_locked(backend)
        total = gens.H_sums.get(N)
    if total is None:
        total = backend.g1_identity()
        for point in H_vec[:N]:
            total = total + point
        with _generator_lock:
            gens.H_sums[N] = total
    return total


# ---------------------------------------------------------------------------
# Sizes and parameters
# ---------------------------------------------------------------------------


def padded_count(m: int) -> int:
    """The smallest power of two ``>= m``: how many commitments an aggregated proof needs."""
    if type(m) is not int or not 1 <= m <= MAX_AGGREGATION:
        raise InvalidInputError(f"the number of values is an integer in [1, {MAX_AGGREGATION}]")
    return 1 << (m - 1).bit_length()


def _check_parameters(n_bits: object, m: object) -> int:
    """``log2(n·m)`` after checking ``n`` and ``m``; raises :class:`InvalidInputError`."""
    if type(n_bits) is not int or n_bits not in SUPPORTED_BITS:
        raise InvalidInputError(f"the bit length must be one of {SUPPORTED_BITS}")
    if type(m) is not int or not 1 <= m <= MAX_AGGREGATION or m & (m - 1):
        raise InvalidInputError(
            f"the number of values must be a power of two in [1, {MAX_AGGREGATION}] "
            "(pad with commitments of your own; see padded_count)"
        )
    return (n_bits * m).bit_length() - 1


def proof_size(n_bits: int, m: int) -> int:
    """Bytes of an encoded proof: ``48·(4 + 2·log2(n·m)) + 32·5``."""
    k = _check_parameters(n_bits, m)
    return G1_BYTES * (4 + 2 * k) + SCALAR_BYTES * 5


# ---------------------------------------------------------------------------
# Wire objects
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InnerProductProof:
    """The inner-product argument: ``L_vec[j], R_vec[j]`` of round ``j``, then the scalars ``a, b``.

    Rounds are in creation order: round 0 splits the vectors of length ``n·m``.
    """

    L_vec: tuple[G1, ...]
    R_vec: tuple[G1, ...]
    a: int
    b: int


@dataclass(frozen=True)
class RangeProof:
    """An aggregated range proof (dalek's layout; sizes in :func:`proof_size`)."""

    A: G1
    S: G1
    T_1: G1
    T_2: G1
    t_x: int
    t_x_blinding: int
    e_blinding: int
    ipp: InnerProductProof

    def to_bytes(self) -> bytes:
        """The encoding of the module docstring; :func:`proof_size` bytes."""
        parts = [self.A.to_bytes(), self.S.to_bytes(), self.T_1.to_bytes(), self.T_2.to_bytes()]
        parts += [scalar_to_bytes(k) for k in (self.t_x, self.t_x_blinding, self.e_blinding)]
        for L, R_k in zip(self.ipp.L_vec, self.ipp.R_vec, strict=True):
            parts += [L.to_bytes(), R_k.to_bytes()]
        parts += [scalar_to_bytes(self.ipp.a), scalar_to_bytes(self.ipp.b)]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, n_bits: int, m: int) -> RangeProof:
        """Decode and validate a proof for ``m`` values of ``n_bits`` bits.

        Raises :class:`DecodeError` unless ``data`` has exactly
        :func:`proof_size` bytes, every point is a canonical compressed point of
        G1 other than the identity, and every scalar is canonical (``< r``;
        zero is allowed, an honest proof may contain it). Raises
        :class:`InvalidInputError` for unsupported ``n_bits`` or ``m``.
        """
        k = _check_parameters(n_bits, m)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DecodeError(f"a range proof must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) != proof_size(n_bits, m):
            raise DecodeError(
                f"a range proof for n={n_bits}, m={m} is {proof_size(n_bits, m)} bytes, "
                f"got {len(data)}"
            )
        backend = get_backend()
        offset = 0

        def point() -> G1:
            nonlocal offset
            p = backend.g1_from_bytes(data[offset : offset + G1_BYTES])
            offset += G1_BYTES
            return p

        def scalar() -> int:
            nonlocal offset
            s = scalar_from_bytes(data[offset : offset + SCALAR_BYTES], allow_zero=True)
            offset += SCALAR_BYTES
            return s

        A, S, T_1, T_2 = point(), point(), point(), point()
        t_x, t_x_blinding, e_blinding = scalar(), scalar(), scalar()
        L_vec: list[G1] = []
        R_vec: list[G1] = []
        for _ in range(k):
            L_vec.append(point())
            R_vec.append(point())
        a, b = scalar(), scalar()
        ipp = InnerProductProof(tuple(L_vec), tuple(R_vec), a, b)
        return cls(A, S, T_1, T_2, t_x, t_x_blinding, e_blinding, ipp)


# ---------------------------------------------------------------------------
# Scalar-vector helpers (variable-time, on secret and public data alike)
# ---------------------------------------------------------------------------


def _inner(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(x * y for x, y in zip(a, b, strict=True)) % R


def _powers(base: int, count: int) -> list[int]:
    """``[1, base, base^2, ..., base^(count-1)]`` mod r."""
    out = [1] * count
    for i in range(1, count):
        out[i] = out[i - 1] * base % R
    return out


def _nonzero(challenge: int) -> int:
    # Probability 2^-255 per challenge; a zero would make y or u_k non-invertible
    # or drop a term (z = 0 drops the V_j) from the verification equation.
    if challenge == 0:
        raise ZkAttestError("degenerate transcript challenge")
    return challenge


def _z_powers_of_two(z: int, n_bits: int, m: int) -> list[int]:
    """``zz2[j·n + i] = z^(2+j) · 2^i``: the vector z^2·(z^0·2^n || ... || z^(m-1)·2^n)."""
    out: list[int] = []
    z_j = z * z % R
    for _ in range(m):
        out += [z_j << i for i in range(n_bits)]
        z_j = z_j * z % R
    return out


def _start_transcript(transcript: Transcript, n_bits: int, commitments: Sequence[G1]) -> None:
    """Protocol marker, n, m and the V_j; the V_j are checked before anything is absorbed."""
    for V in commitments:
        if not isinstance(V, G1) or V.is_identity():
            raise InvalidInputError("commitments must be G1 points other than the identity")
    transcript.append_message(labels.RANGE_PROOF, PROTOCOL_ID)
    transcript.append_u64(labels.RANGE_PROOF_BITS, n_bits)
    transcript.append_u64(labels.RANGE_PROOF_COUNT, len(commitments))
    transcript.append_points(labels.RANGE_PROOF_V, commitments)


# ---------------------------------------------------------------------------
# Proving
# ---------------------------------------------------------------------------


def _default_rng() -> int:
    return secrets.randbelow(R)


def _check_scalar_list(values: Sequence[int], what: str) -> list[int]:
    out = list(values)
    for value in out:
        if type(value) is not int or not 0 <= value < R:
            raise InvalidInputError(f"{what} must be integers in [0, r)")
    return out


def _check_values(values: Sequence[int], n_bits: int) -> list[int]:
    out = list(values)
    for value in out:
        if type(value) is not int:
            raise InvalidInputError("values must be integers")
    for j, value in enumerate(out):
        if not 0 <= value < 1 << n_bits:
            raise PolicyError(f"the value at index {j} is not in [0, 2^{n_bits}); no proof made")
    return out


def _draw(rng: Callable[[], int] | None, count: int) -> list[int]:
    draw = rng or _default_rng
    return _check_scalar_list([draw() for _ in range(count)], "rng outputs")


def prove_range(
    transcript: Transcript,
    values: Sequence[int],
    blindings: Sequence[int],
    n_bits: int,
    *,
    rng: Callable[[], int] | None = None,
) -> tuple[RangeProof, list[G1]]:
    """Commit to ``values`` with ``blindings`` and prove each is in ``[0, 2^n_bits)``.

    Returns the proof and the commitments ``V_j = v_j·G + γ_j·H``, which the
    verifier needs. Appends to ``transcript`` (which should already hold the
    context): the protocol marker, ``n``, ``m``, the ``V_j``, then the proof's
    messages in protocol order. ``rng()`` returns a uniformly random scalar in
    ``[0, r)`` and is called ``2·n·m + 4`` times (``alpha, rho, s_L, s_R,
    tau_1, tau_2``); by default it draws from :mod:`secrets`.

    Raises :class:`InvalidInputError` for an unsupported ``n_bits``, a count
    that is not a power of two, mismatched lengths, blindings outside
    ``[0, r)`` or a commitment equal to the identity; :class:`PolicyError` if
    a value is outside ``[0, 2^n_bits)`` (no proof of a false statement is
    made). The transcript is unchanged when an error is raised before proving.
    """
    backend = get_backend()
    values_list, blindings_list = _check_inputs(values, blindings, n_bits)
    G, H = pedersen_generators(backend)
    commitments = [
        backend.g1_msm([G, H], [v, g]) for v, g in zip(values_list, blindings_list, strict=True)
    ]
    if any(V.is_identity() for V in commitments):
        raise InvalidInputError("a commitment is the identity; use a random blinding")
    random_scalars = _draw(rng, 2 * n_bits * len(values_list) + 4)
    proof = _prove_range_core(
        transcript, commitments, values_list, blindings_list, n_bits, random_scalars, backend
    )
    return proof, commitments


def prove_range_for_commitments(
    transcript: Transcript,
    commitments: Sequence[G1],
    values: Sequence[int],
    blindings: Sequence[int],
    n_bits: int,
    *,
    rng: Callable[[], int] | None = None,
) -> RangeProof:
    """Prove that given commitments open to values in ``[0, 2^n_bits)``.

    For derived commitments such as ``V = C − t·G`` (``v − t >= 0``) or
    ``V = t·G − C`` (``t − v >= 0``): the prover passes ``V_j`` with the
    opening ``(v_j, γ_j)`` it knows. Checks ``V_j == v_j·G + γ_j·H`` and raises
    :class:`InvalidInputError` if not; otherwise as :func:`prove_range`.
    """
    backend = get_backend()
    values_list, blindings_list = _check_inputs(values, blindings, n_bits)
    commitment_list = list(commitments)
    if len(commitment_list) != len(values_list):
        raise InvalidInputError("one commitment per value")
    G, H = pedersen_generators(backend)
    for V, v, g in zip(commitment_list, values_list, blindings_list, strict=True):
        if not isinstance(V, G1) or type(V).backend is not backend:
            raise InvalidInputError("commitments must be G1 points of the backend in use")
        if V.is_identity():
            raise InvalidInputError("a commitment is the identity")
        if backend.g1_msm([G, H], [v, g]) != V:
            raise InvalidInputError("a commitment does not open to the given value and blinding")
    random_scalars = _draw(rng, 2 * n_bits * len(values_list) + 4)
    return _prove_range_core(
        transcript, commitment_list, values_list, blindings_list, n_bits, random_scalars, backend
    )


def _check_inputs(
    values: Sequence[int], blindings: Sequence[int], n_bits: int
) -> tuple[list[int], list[int]]:
    """Shape and type checks (InvalidInputError), then the range check (PolicyError)."""
    if not isinstance(values, Sequence) or not isinstance(blindings, Sequence):
        raise InvalidInputError("values and blindings must be sequences of integers")
    _check_parameters(n_bits, len(values))
    if len(blindings) != len(values):
        raise InvalidInputError("one blinding per value")
    blindings_list = _check_scalar_list(blindings, "blindings")
    return _check_values(values, n_bits), blindings_list


def _prove_range_core(
    transcript: Transcript,
    commitments: Sequence[G1],
    values: Sequence[int],
    blindings: Sequence[int],
    n_bits: int,
    random_scalars: Sequence[int],
    backend: Backend,
) -> RangeProof:
    """The deterministic prover: no range check, blinding scalars given.

    ``random_scalars`` are ``alpha, rho, s_L[0..N), s_R[0..N), tau_1, tau_2``.
    Only the low ``n_bits`` bits of each value are used, so for a value out of
    range the result is a proof of a false statement, which does not verify;
    the public functions refuse such values first.
    """
    m = len(values)
    _check_parameters(n_bits, m)
    N = n_bits * m
    if len(commitments) != m or len(blindings) != m:
        raise InvalidInputError("one commitment and one blinding per value")
    _check_scalar_list(values, "values")
    _check_scalar_list(blindings, "blindings")
    scalars = _check_scalar_list(random_scalars, "random scalars")
    if len(scalars) != 2 * N + 4:
        raise InvalidInputError(f"need {2 * N + 4} random scalars, got {len(scalars)}")
    alpha, rho = scalars[0], scalars[1]
    s_L, s_R = scalars[2 : 2 + N], scalars[2 + N : 2 + 2 * N]
    tau_1, tau_2 = scalars[2 + 2 * N], scalars[3 + 2 * N]

    G, H = pedersen_generators(backend)
    G_vec, H_vec = vector_generators(N, backend)
    U = inner_product_base(backend)

    _start_transcript(transcript, n_bits, commitments)

    # a_L[j·n + i] is bit i of v_j and a_R = a_L − 1, so
    # A = <a_L, G_vec> + <a_R, H_vec> + alpha·H = <a_L, G_vec> + <a_L, H_vec> − ΣH_vec + alpha·H:
    # 0/1 scalars make the multi-scalar multiplication cheap.
    a_L = [(v >> i) & 1 for v in values for i in range(n_bits)]
    A = backend.g1_msm([*G_vec, *H_vec, H], [*a_L, *a_L, alpha]) - _h_sum(N, H_vec, backend)
    S = backend.g1_msm([*G_vec, *H_vec, H], [*s_L, *s_R, rho])
    transcript.append_point(labels.RANGE_PROOF_A, A)
    transcript.append_point(labels.RANGE_PROOF_S, S)
    y = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_Y))
    z = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_Z))

    # l(X) = l_0 + l_1·X,  r(X) = r_0 + r_1·X,  t(X) = <l(X), r(X)> = t_0 + t_1·X + t_2·X^2
    y_pow = _powers(y, N)
    zz2 = _z_powers_of_two(z, n_bits, m)
    l_0 = [(bit - z) % R for bit in a_L]
    l_1 = s_L
    r_0 = [(yi * (bit - 1 + z) + c) % R for yi, bit, c in zip(y_pow, a_L, zz2, strict=True)]
    r_1 = [yi * s % R for yi, s in zip(y_pow, s_R, strict=True)]
    t_0 = _inner(l_0, r_0)
    t_1 = (_inner(l_0, r_1) + _inner(l_1, r_0)) % R
    t_2 = _inner(l_1, r_1)

    T_1 = backend.g1_msm([G, H], [t_1, tau_1])
    T_2 = backend.g1_msm([G, H], [t_2, tau_2])
    transcript.append_point(labels.RANGE_PROOF_T_1, T_1)
    transcript.append_point(labels.RANGE_PROOF_T_2, T_2)
    x = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_X))

    t_x = (t_0 + x * (t_1 + x * t_2)) % R
    z_gamma = 0
    z_j = z * z % R
    for gamma in blindings:
        z_gamma += z_j * gamma
        z_j = z_j * z % R
    t_x_blinding = (z_gamma + x * (tau_1 + x * tau_2)) % R
    e_blinding = (alpha + x * rho) % R
    transcript.append_scalar(labels.RANGE_PROOF_T_X, t_x)
    transcript.append_scalar(labels.RANGE_PROOF_T_X_BLINDING, t_x_blinding)
    transcript.append_scalar(labels.RANGE_PROOF_E_BLINDING, e_blinding)
    w = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_W))

    l_vec = [(a + x * b) % R for a, b in zip(l_0, l_1, strict=True)]
    r_vec = [(a + x * b) % R for a, b in zip(r_0, r_1, strict=True)]
    y_inv_pow = _powers(pow(y, -1, R), N)
    ipp = _inner_product_prove(transcript, backend, G_vec, H_vec, y_inv_pow, U, w, l_vec, r_vec)
    return RangeProof(A, S, T_1, T_2, t_x, t_x_blinding, e_blinding, ipp)


def _inner_product_prove(
    transcript: Transcript,
    backend: Backend,
    G_vec: Sequence[G1],
    H_vec: Sequence[G1],
    y_inv_pow: Sequence[int],
    U: G1,
    w: int,
    a_vec: Sequence[int],
    b_vec: Sequence[int],
) -> InnerProductProof:
    """Prove ``P' = <a, G_vec> + <b, H'> + <a, b>·Q`` with ``H'_i = y^{-i}·H_vec[i]``, ``Q = w·U``.

    Round (``N`` → ``N/2``): ``L = <a_lo, G_hi> + <b_hi, H'_lo> + <a_lo, b_hi>·Q``,
    ``R = <a_hi, G_lo> + <b_lo, H'_hi> + <a_hi, b_lo>·Q``, challenge ``u``,
    ``a ← u·a_lo + u^{-1}·a_hi``, ``b ← u^{-1}·b_lo + u·b_hi``,
    ``G ← u^{-1}·G_lo + u·G_hi``, ``H' ← u·H'_lo + u^{-1}·H'_hi``.

    The folded generators are not built round by round. The current ``i``-th
    generator is ``scale_G · Σ_t coef_G[t] · basis_G[i + t·N]`` (likewise
    ``scale_H · Σ_t coef_H[t] · y^{-(i + t·N)} · basis_H[i + t·N]``), so each
    ``L``/``R`` is one multi-scalar multiplication over the basis; the basis is
    rebuilt once, at the length :func:`_rebuild_length` names.
    """
    N = len(a_vec)
    rebuild_at = _rebuild_length(N)
    transcript.append_u64(labels.INNER_PRODUCT, N)
    a = list(a_vec)
    b = list(b_vec)
    basis_G = list(G_vec)
    basis_H = list(H_vec)
    scale_G = scale_H = 1
    coef_G = [1]
    coef_H = [1]
    L_vec: list[G1] = []
    R_vec: list[G1] = []
    while N > 1:
        half = N // 2
        a_lo, a_hi = a[:half], a[half:]
        b_lo, b_hi = b[:half], b[half:]
        c_L = _inner(a_lo, b_hi)
        c_R = _inner(a_hi, b_lo)
        points_L: list[G1] = []
        scalars_L: list[int] = []
        points_R: list[G1] = []
        scalars_R: list[int] = []
        for t, c in enumerate(coef_G):
            base = t * N
            f = scale_G * c % R
            points_L += basis_G[base + half : base + N]
            scalars_L += [ai * f for ai in a_lo]
            points_R += basis_G[base : base + half]
            scalars_R += [ai * f for ai in a_hi]
        for t, c in enumerate(coef_H):
            base = t * N
            f = scale_H * c % R
            points_L += basis_H[base : base + half]
            scalars_L += [
                bi * f * yi for bi, yi in zip(b_hi, y_inv_pow[base : base + half], strict=True)
            ]
            points_R += basis_H[base + half : base + N]
            scalars_R += [
                bi * f * yi for bi, yi in zip(b_lo, y_inv_pow[base + half : base + N], strict=True)
            ]
        L = backend.g1_msm([*points_L, U], [*scalars_L, c_L * w])
        R_k = backend.g1_msm([*points_R, U], [*scalars_R, c_R * w])
        transcript.append_point(labels.INNER_PRODUCT_L, L)
        transcript.append_point(labels.INNER_PRODUCT_R, R_k)
        L_vec.append(L)
        R_vec.append(R_k)
        u = _nonzero(transcript.challenge_scalar(labels.INNER_PRODUCT_U))
        u_inv = pow(u, -1, R)

        a = [(u * lo + u_inv * hi) % R for lo, hi in zip(a_lo, a_hi, strict=True)]
        b = [(u_inv * lo + u * hi) % R for lo, hi in zip(b_lo, b_hi, strict=True)]
        # G_new[i] = u^{-1}·G[i] + u·G[i + half]: position i + t·N becomes i + 2t·half and
        # i + half + t·N becomes i + (2t + 1)·half; the common factor goes into the scale.
        u_sq = u * u % R
        u_inv_sq = u_inv * u_inv % R
        scale_G = scale_G * u_inv % R
        scale_H = scale_H * u % R
        coef_G = [v for c in coef_G for v in (c, c * u_sq % R)]
        coef_H = [v for c in coef_H for v in (c, c * u_inv_sq % R)]
        N = half
        if rebuild_at == N:
            # current G[i] = scale_G·Σ_t coef_G[t]·basis_G[i + t·N]; H likewise with the
            # weights y^{-(i + t·N)} = y^{-i}·y^{-t·N}, of which y^{-i} stays with position i.
            basis_G = [backend.g1_msm(basis_G[i::N], coef_G) for i in range(N)]
            h_coef = [c * y_inv_pow[t * N] % R for t, c in enumerate(coef_H)]
            basis_H = [backend.g1_msm(basis_H[i::N], h_coef) for i in range(N)]
            coef_G = [1]
            coef_H = [1]
    return InnerProductProof(tuple(L_vec), tuple(R_vec), a[0], b[0])


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def verify_range(
    transcript: Transcript, commitments: Sequence[G1], proof: RangeProof, n_bits: int
) -> None:
    """Check ``proof`` for the commitments ``V_j`` and ``n_bits``; raise :class:`VerificationError`.

    Replays the transcript (protocol marker, ``n``, ``m``, ``V_j``, then the
    proof's messages), then checks the ``t(x)`` equation and the
    inner-product argument together, weighted by a random scalar, with one
    multi-scalar multiplication. Any failure — an unsupported ``n_bits``, a
    count that is not a power of two, a commitment at the identity, a
    malformed proof object, a false equation — raises
    :class:`VerificationError` and nothing else. The transcript is left in an
    unspecified state on failure.
    """
    try:
        ok = _verify_range(transcript, commitments, proof, n_bits)
    except (ZkAttestError, ValueError, TypeError):
        ok = False
    if not ok:
        raise VerificationError("invalid range proof")


def _check_proof_object(proof: object, k: int) -> RangeProof:
    if not isinstance(proof, RangeProof) or not isinstance(proof.ipp, InnerProductProof):
        raise InvalidInputError("not a RangeProof")
    ipp = proof.ipp
    if len(ipp.L_vec) != k or len(ipp.R_vec) != k:
        raise InvalidInputError("wrong number of inner-product rounds")
    for s in (ipp.a, ipp.b):  # the other scalars are checked by the transcript
        if type(s) is not int or not 0 <= s < R:
            raise InvalidInputError("proof scalars must be integers in [0, r)")
    return proof


def _verify_range(
    transcript: Transcript, commitments: Sequence[G1], proof: RangeProof, n_bits: int
) -> bool:
    backend = get_backend()
    V = list(commitments)
    m = len(V)
    k = _check_parameters(n_bits, m)
    proof = _check_proof_object(proof, k)
    N = n_bits * m
    G, H = pedersen_generators(backend)
    G_vec, H_vec = vector_generators(N, backend)
    U = inner_product_base(backend)

    _start_transcript(transcript, n_bits, V)
    transcript.append_point(labels.RANGE_PROOF_A, proof.A)
    transcript.append_point(labels.RANGE_PROOF_S, proof.S)
    y = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_Y))
    z = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_Z))
    transcript.append_point(labels.RANGE_PROOF_T_1, proof.T_1)
    transcript.append_point(labels.RANGE_PROOF_T_2, proof.T_2)
    x = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_X))
    transcript.append_scalar(labels.RANGE_PROOF_T_X, proof.t_x)
    transcript.append_scalar(labels.RANGE_PROOF_T_X_BLINDING, proof.t_x_blinding)
    transcript.append_scalar(labels.RANGE_PROOF_E_BLINDING, proof.e_blinding)
    w = _nonzero(transcript.challenge_scalar(labels.RANGE_PROOF_W))

    ipp = proof.ipp
    transcript.append_u64(labels.INNER_PRODUCT, N)
    u: list[int] = []
    for L, R_k in zip(ipp.L_vec, ipp.R_vec, strict=True):
        transcript.append_point(labels.INNER_PRODUCT_L, L)
        transcript.append_point(labels.INNER_PRODUCT_R, R_k)
        u.append(_nonzero(transcript.challenge_scalar(labels.INNER_PRODUCT_U)))
    u_inv = [pow(u_k, -1, R) for u_k in u]
    u_sq = [u_k * u_k % R for u_k in u]
    u_inv_sq = [u_k * u_k % R for u_k in u_inv]

    # s_i = Π_k u_k^{±1}, + where bit (k_total − 1 − k) of i is set (round k splits on it):
    # s_0 = Π u_k^{-1}, s_i = s_{i − 2^b} · u^2 of the round splitting on b, the top bit of i.
    s = [1] * N
    for u_k in u_inv:
        s[0] = s[0] * u_k % R
    for i in range(1, N):
        top = i.bit_length() - 1
        s[i] = s[i - (1 << top)] * u_sq[k - 1 - top] % R

    # Weight c for the t(x) equation, unknown to the prover.
    c = secrets.randbelow(R - 1) + 1
    a, b = ipp.a, ipp.b
    zz = z * z % R
    y_inv = pow(y, -1, R)
    zz2 = _z_powers_of_two(z, n_bits, m)

    # delta(y, z) = (z − z^2)·<1, y^N> − Σ_j z^(j+3)·<1, 2^n>
    sum_y = 0
    y_i = 1
    for _ in range(N):
        sum_y += y_i
        y_i = y_i * y % R
    sum_z3 = 0
    z_j = zz * z % R
    for _ in range(m):
        sum_z3 += z_j
        z_j = z_j * z % R
    delta = ((z - zz) * sum_y - sum_z3 * ((1 << n_bits) - 1)) % R

    minus_z = R - z
    g_scalars = [minus_z - a * s_i for s_i in s]
    h_scalars = []
    y_inv_i = 1
    for i in range(N):
        h_scalars.append(z + y_inv_i * (zz2[i] - b * s[N - 1 - i]))
        y_inv_i = y_inv_i * y_inv % R
    v_scalars = []
    z_j = c * zz % R
    for _ in range(m):
        v_scalars.append(z_j)
        z_j = z_j * z % R

    points = [
        proof.A,
        proof.S,
        proof.T_1,
        proof.T_2,
        *ipp.L_vec,
        *ipp.R_vec,
        *V,
        U,
        G,
        H,
        *G_vec,
        *H_vec,
    ]
    scalars = [
        1,
        x,
        c * x,
        c * x * x,
        *u_sq,
        *u_inv_sq,
        *v_scalars,
        w * (proof.t_x - a * b),
        c * (delta - proof.t_x),
        -proof.e_blinding - c * proof.t_x_blinding,
        *g_scalars,
        *h_scalars,
    ]
    return backend.g1_msm(points, scalars).is_identity()
