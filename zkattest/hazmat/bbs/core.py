r"""BBS core operations on scalar messages, draft-irtf-cfrg-bbs-signatures-09.

Revision implemented: -09 (algorithms and vectors as in -06..-09); -10's vectors
reproduce unchanged (``tests/vectors/bbs-10``), -11 could not be read here:
``tests/vectors/bbs/REVISION.md``.

This is the layer beneath the octet-string interface of
:mod:`zkattest.hazmat.bbs`: messages are already scalars, generators and
``api_id`` are chosen by the caller, and proof generation accepts the
blinding ``m~_j`` of chosen hidden messages and returns the challenge, so
that other sigma protocols can share it (see ``docs/notes/bbs.md``).

Signature (draft §3.6.1): with ``B = P1 + Q_1·domain + Σ_i H_i·m_i``,
``A = B·1/(SK + e)``, verified by ``e(A, W)·e(A·e − B, BP2) = 1``.

Proof (draft §3.6.3, §3.7): with ``D = B·r2``, ``Abar = A·(r1·r2)``,
``Bbar = D·r1 − Abar·e`` and ``r3 = 1/r2``, a Schnorr proof of::

    PK{(e, r1, r3, (m_j)_{j∈U}) :  Bbar = Abar·(−e) + D·r1
                                 ∧ B_v = D·r3 − Σ_{j∈U} H_j·m_j }

where ``B_v = P1 + Q_1·domain + Σ_{i∈R} H_i·m_i`` is computable by the
verifier, plus the pairing check ``e(Abar, W) = e(Bbar, BP2)``.

Notation follows the draft: ``A_bar``, ``B_bar``, ``D``, ``T1``, ``T2``,
``e_tilde`` (e~), ``r1_tilde``, ``r3_tilde``, ``m_tilde`` (m~_j), ``e_hat``
(e^), ``r1_hat``, ``r3_hat``, ``m_hat`` (m^_j), ``c``.

Variable-time: Python integers and the curve backends are not constant-time.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    IssuanceError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat.bbs.ciphersuites import Ciphersuite
from zkattest.hazmat.curve import (
    G1,
    G1_BYTES,
    G2,
    SCALAR_BYTES,
    Backend,
    R,
    get_backend,
    scalar_to_bytes,
)

__all__ = [
    "Proof",
    "ProofInitResult",
    "ProofResponses",
    "calculate_domain",
    "calculate_random_scalars",
    "core_proof_gen",
    "core_proof_verify",
    "core_sign",
    "core_verify",
    "create_generators",
    "messages_to_scalars",
    "octets_to_proof",
    "octets_to_pubkey",
    "octets_to_signature",
    "p1",
    "proof_challenge_calculate",
    "proof_challenge_input",
    "proof_finalize",
    "proof_init",
    "proof_pairing_check",
    "proof_verify_init",
    "signature_to_octets",
]

_MAX_U64 = 2**64 - 1


def _i2osp8(n: int) -> bytes:
    """I2OSP(n, 8) for the non-negative integers of draft §3.5 (serialize)."""
    if not 0 <= n <= _MAX_U64:
        raise InvalidInputError("integer does not fit in 8 bytes")
    return n.to_bytes(8, "big")


# ---------------------------------------------------------------------------
# Generators (draft §4.1.1) and P1 (draft §7.2), cached per backend and seed.
# ---------------------------------------------------------------------------

_generator_lock = threading.Lock()
# (backend, suite, generator_seed, seed_dst, generator_dst) -> (points, v)
_generator_cache: dict[tuple[str, str, bytes, bytes, bytes], tuple[list[G1], bytes]] = {}


def _generators(
    count: int,
    generator_seed: bytes,
    seed_dst: bytes,
    generator_dst: bytes,
    suite: Ciphersuite,
    backend: Backend,
) -> list[G1]:
    if not 0 <= count <= _MAX_U64:
        raise InvalidInputError("generator count out of range")
    key = (backend.name, suite.name, generator_seed, seed_dst, generator_dst)
    with _generator_lock:
        points, v = _generator_cache.get(key, ([], b""))
        if len(points) < count:
            points = list(points)
            if not points:
                v = suite.expand_message(generator_seed, seed_dst, suite.expand_len)
            for i in range(len(points) + 1, count + 1):
                v = suite.expand_message(v + _i2osp8(i), seed_dst, suite.expand_len)
                point = backend.hash_to_g1(v, generator_dst, suite.hash_to_curve_suite)
                backend.precompute(point)  # generators are long-lived: tabulate them
                points.append(point)
            _generator_cache[key] = (points, v)
        return points[:count]


def create_generators(count: int, api_id: bytes, *, suite: Ciphersuite) -> list[G1]:
    """create_generators(count, api_id), draft §4.1.1 (cached, as the draft permits)."""
    return _generators(
        count,
        api_id + b"MESSAGE_GENERATOR_SEED",
        api_id + b"SIG_GENERATOR_SEED_",
        api_id + b"SIG_GENERATOR_DST_",
        suite,
        get_backend(),
    )


def p1(*, suite: Ciphersuite) -> G1:
    """The suite's fixed point P1, draft §7.2 (create_generators with count 1 and its seeds)."""
    return _generators(
        1, suite.p1_generator_seed, suite.p1_seed_dst, suite.p1_generator_dst, suite, get_backend()
    )[0]


def messages_to_scalars(
    messages: Sequence[bytes], api_id: bytes, *, suite: Ciphersuite
) -> list[int]:
    """messages_to_scalars, draft §4.1.2: hash_to_scalar of each message."""
    map_dst = api_id + b"MAP_MSG_TO_SCALAR_AS_HASH_"
    return [suite.hash_to_scalar(msg, map_dst) for msg in messages]


def calculate_random_scalars(count: int) -> list[int]:
    """calculate_random_scalars, draft §4.2.1: OS2IP(get_random(48)) mod r from ``secrets``."""
    return [int.from_bytes(secrets.token_bytes(48), "big") % R for _ in range(count)]


def calculate_domain(
    pk: bytes, Q_1: G1, H_points: Sequence[G1], header: bytes, api_id: bytes, *, suite: Ciphersuite
) -> int:
    """calculate_domain, draft §4.2.3."""
    dom_octs = b"".join(
        [_i2osp8(len(H_points)), Q_1.to_bytes(), *(H.to_bytes() for H in H_points), api_id]
    )
    dom_input = pk + dom_octs + _i2osp8(len(header)) + header
    return suite.hash_to_scalar(dom_input, api_id + b"H2S_")


# ---------------------------------------------------------------------------
# Serialization (draft §4.2.4)
# ---------------------------------------------------------------------------


def signature_to_octets(A: G1, e: int) -> bytes:
    """signature_to_octets, draft §4.2.4.2."""
    return A.to_bytes() + scalar_to_bytes(e)


def octets_to_signature(signature_octets: bytes, backend: Backend | None = None) -> tuple[G1, int]:
    """octets_to_signature, draft §4.2.4.3: (A, e) with A in G1 \\ {1} and 0 < e < r."""
    backend = backend or get_backend()
    if len(signature_octets) != G1_BYTES + SCALAR_BYTES:
        raise DecodeError(f"a signature is {G1_BYTES + SCALAR_BYTES} bytes")
    A = backend.g1_from_bytes(signature_octets[:G1_BYTES])
    e = int.from_bytes(signature_octets[G1_BYTES:], "big")
    if e == 0 or e >= R:
        raise DecodeError("signature scalar out of range")
    return A, e


@lru_cache(maxsize=256)
def _pubkey(backend: Backend, pk: bytes) -> G2:
    return backend.g2_from_bytes(pk)


def octets_to_pubkey(pk: bytes, backend: Backend | None = None) -> G2:
    """octets_to_pubkey, draft §4.2.4.6: W in G2 \\ {1}; results are cached per key."""
    return _pubkey(backend or get_backend(), bytes(pk))


@dataclass(frozen=True)
class Proof:
    """A BBS proof (draft §3.6.3): three points, three scalars, the m^_j and the challenge."""

    A_bar: G1
    B_bar: G1
    D: G1
    e_hat: int
    r1_hat: int
    r3_hat: int
    m_hat: tuple[int, ...]
    c: int

    def to_bytes(self) -> bytes:
        """proof_to_octets, draft §4.2.4.4."""
        scalars = (self.e_hat, self.r1_hat, self.r3_hat, *self.m_hat, self.c)
        return b"".join(
            [self.A_bar.to_bytes(), self.B_bar.to_bytes(), self.D.to_bytes()]
            + [scalar_to_bytes(s) for s in scalars]
        )


def octets_to_proof(proof_octets: bytes, backend: Backend | None = None) -> Proof:
    """octets_to_proof, draft §4.2.4.5: points in G1 \\ {1}, every scalar in [1, r)."""
    backend = backend or get_backend()
    proof_len_floor = 3 * G1_BYTES + 4 * SCALAR_BYTES
    size = len(proof_octets)
    if size < proof_len_floor or (size - 3 * G1_BYTES) % SCALAR_BYTES:
        raise DecodeError("a proof is 3 points and at least 4 scalars")
    points = [
        backend.g1_from_bytes(proof_octets[i * G1_BYTES : (i + 1) * G1_BYTES]) for i in range(3)
    ]
    scalars = []
    for index in range(3 * G1_BYTES, size, SCALAR_BYTES):
        s = int.from_bytes(proof_octets[index : index + SCALAR_BYTES], "big")
        if s == 0 or s >= R:
            raise DecodeError("proof scalar out of range")
        scalars.append(s)
    return Proof(
        points[0],
        points[1],
        points[2],
        scalars[0],
        scalars[1],
        scalars[2],
        tuple(scalars[3:-1]),
        scalars[-1],
    )


# ---------------------------------------------------------------------------
# CoreSign / CoreVerify (draft §3.6.1, §3.6.2)
# ---------------------------------------------------------------------------


def _split_generators(generators: Sequence[G1], L: int) -> tuple[G1, Sequence[G1]]:
    if len(generators) != L + 1:
        raise InvalidInputError(f"need {L + 1} generators for {L} messages, got {len(generators)}")
    return generators[0], generators[1:]


def _check_scalars(values: Sequence[int], what: str) -> None:
    for value in values:
        if type(value) is not int or not 0 <= value < R:
            raise InvalidInputError(f"{what} must be integers in [0, r)")


def core_sign(
    SK: int,
    PK: bytes,
    generators: Sequence[G1],
    header: bytes,
    messages: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
) -> bytes:
    """CoreSign, draft §3.6.1."""
    backend = get_backend()
    _check_scalars(messages, "message scalars")
    if type(SK) is not int or not 0 < SK < R:
        raise InvalidInputError("the secret key must be an integer in [1, r)")
    Q_1, H = _split_generators(generators, len(messages))
    domain = calculate_domain(PK, Q_1, H, header, api_id, suite=suite)
    e_input = b"".join(scalar_to_bytes(s) for s in (SK, *messages, domain))
    e = suite.hash_to_scalar(e_input, api_id + b"H2S_")
    if (SK + e) % R == 0:  # probability ~2^-255, checked as the draft's note allows
        raise IssuanceError("degenerate signature; retry with another key")
    # B = P1 + Q_1·domain + Σ H_i·msg_i and A = B·(1/(SK + e)), in one MSM
    inv = pow(SK + e, -1, R)
    A = backend.g1_msm(
        [p1(suite=suite), Q_1, *H], [inv, domain * inv, *(m * inv for m in messages)]
    )
    if A.is_identity() or e == 0:
        raise IssuanceError("degenerate signature")
    return signature_to_octets(A, e)


def core_verify(
    PK: bytes,
    signature: bytes,
    generators: Sequence[G1],
    header: bytes,
    messages: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
) -> None:
    """CoreVerify, draft §3.6.2; raises :class:`VerificationError` on INVALID."""
    backend = get_backend()
    _check_scalars(messages, "message scalars")
    Q_1, H = _split_generators(generators, len(messages))
    try:
        A, e = octets_to_signature(signature, backend)
        W = octets_to_pubkey(PK, backend)
    except DecodeError:
        raise VerificationError("invalid signature") from None
    domain = calculate_domain(PK, Q_1, H, header, api_id, suite=suite)
    # A·e − B in one MSM: A·e − P1 − Q_1·domain − Σ H_i·m_i
    A_e_minus_B = backend.g1_msm(
        [A, p1(suite=suite), Q_1, *H], [e, R - 1, -domain, *(-m for m in messages)]
    )
    if not backend.pairing_product_is_one([(A, W), (A_e_minus_B, backend.g2_generator())]):
        raise VerificationError("invalid signature")


# ---------------------------------------------------------------------------
# Proof subroutines (draft §3.7) and CoreProofGen / CoreProofVerify (§3.6.3-4)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofInitResult:
    """init_res of draft §3.7.1 / §3.7.3: (Abar, Bbar, D, T1, T2, domain)."""

    A_bar: G1
    B_bar: G1
    D: G1
    T1: G1
    T2: G1
    domain: int


@dataclass(frozen=True)
class ProofResponses:
    """What a verified proof tells a composing protocol: the challenge and each m^_j."""

    c: int
    m_hat: Mapping[int, int]


def _check_indexes(indexes: Sequence[int], L: int, what: str) -> list[int]:
    out = list(indexes)
    previous = -1
    for i in out:
        if type(i) is not int or not previous < i < L:
            raise InvalidInputError(
                f"{what} must be distinct integers in [0, {L}) in ascending order"
            )
        previous = i
    return out


def proof_init(
    PK: bytes,
    signature: tuple[G1, int],
    generators: Sequence[G1],
    random_scalars: Sequence[int],
    header: bytes,
    messages: Sequence[int],
    undisclosed_indexes: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
) -> ProofInitResult:
    """ProofInit, draft §3.7.1."""
    backend = get_backend()
    A, e = signature
    L = len(messages)
    U = len(undisclosed_indexes)
    if len(random_scalars) != U + 5:
        raise InvalidInputError(f"need {U + 5} random scalars, got {len(random_scalars)}")
    r1, r2, e_tilde, r1_tilde, r3_tilde, *m_tilde = random_scalars
    Q_1, H = _split_generators(generators, L)
    undisclosed = _check_indexes(undisclosed_indexes, L, "undisclosed indexes")

    domain = calculate_domain(PK, Q_1, H, header, api_id, suite=suite)
    # B = P1 + Q_1·domain + Σ H_i·msg_i and D = B·r2, in one MSM
    D = backend.g1_msm([p1(suite=suite), Q_1, *H], [r2, domain * r2, *(m * r2 for m in messages)])
    A_bar = A * (r1 * r2 % R)
    B_bar = backend.g1_msm([D, A_bar], [r1, -e])
    T1 = backend.g1_msm([A_bar, D], [e_tilde, r1_tilde])
    T2 = backend.g1_msm([D, *(H[j] for j in undisclosed)], [r3_tilde, *m_tilde])
    return ProofInitResult(A_bar, B_bar, D, T1, T2, domain)


def proof_challenge_calculate(
    init_res: ProofInitResult,
    disclosed_messages: Sequence[int],
    disclosed_indexes: Sequence[int],
    ph: bytes,
    api_id: bytes,
    *,
    suite: Ciphersuite,
) -> int:
    """ProofChallengeCalculate, draft §3.7.4."""
    c_octs = proof_challenge_input(init_res, disclosed_messages, disclosed_indexes)
    return suite.hash_to_scalar(c_octs + _i2osp8(len(ph)) + ph, api_id + b"H2S_")


def proof_challenge_input(
    init_res: ProofInitResult,
    disclosed_messages: Sequence[int],
    disclosed_indexes: Sequence[int],
) -> bytes:
    """The octets ProofChallengeCalculate (draft §3.7.4) hashes, up to but not
    including the presentation header's length and the header: the disclosed
    messages with their indexes, then Abar, Bbar, D, T1, T2 and the domain.

    A proof composed of several BBS proofs under one challenge hashes these for
    every proof but the one whose challenge it takes (``zkattest.composite``).
    """
    if len(disclosed_messages) != len(disclosed_indexes):
        raise InvalidInputError("one disclosed message per disclosed index")
    parts = [_i2osp8(len(disclosed_indexes))]
    for i, msg in zip(disclosed_indexes, disclosed_messages, strict=True):
        parts += [_i2osp8(i), scalar_to_bytes(msg)]
    parts += [
        init_res.A_bar.to_bytes(),
        init_res.B_bar.to_bytes(),
        init_res.D.to_bytes(),
        init_res.T1.to_bytes(),
        init_res.T2.to_bytes(),
        scalar_to_bytes(init_res.domain),
    ]
    return b"".join(parts)


def proof_finalize(
    init_res: ProofInitResult,
    challenge: int,
    e_value: int,
    random_scalars: Sequence[int],
    undisclosed_messages: Sequence[int],
) -> Proof:
    """ProofFinalize, draft §3.7.2 (returns the proof; ``Proof.to_bytes`` is proof_to_octets)."""
    U = len(undisclosed_messages)
    if len(random_scalars) != U + 5:
        raise InvalidInputError(f"need {U + 5} random scalars, got {len(random_scalars)}")
    r1, r2, e_tilde, r1_tilde, r3_tilde, *m_tilde = random_scalars
    if r2 % R == 0:
        raise InvalidInputError("r2 must not be zero")
    r3 = pow(r2, -1, R)
    e_hat = (e_tilde + e_value * challenge) % R
    r1_hat = (r1_tilde - r1 * challenge) % R
    r3_hat = (r3_tilde - r3 * challenge) % R
    m_hat = tuple(
        (mt + msg * challenge) % R for mt, msg in zip(m_tilde, undisclosed_messages, strict=True)
    )
    return Proof(
        init_res.A_bar, init_res.B_bar, init_res.D, e_hat, r1_hat, r3_hat, m_hat, challenge
    )


def core_proof_gen(
    PK: bytes,
    signature: bytes,
    generators: Sequence[G1],
    header: bytes,
    ph: bytes,
    messages: Sequence[int],
    disclosed_indexes: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
    m_tilde: Mapping[int, int] | None = None,
) -> Proof:
    """CoreProofGen, draft §3.6.3.

    ``random_scalars`` are the draft's (r1, r2, e~, r1~, r3~, m~_j1..m~_jU); if
    omitted they come from ``secrets``. ``m_tilde`` fixes the blinding ``m~_j``
    of chosen undisclosed indexes ``j`` (the others stay random), so that a
    composed proof can reuse them; the returned :class:`Proof` carries the
    challenge ``c`` and ``m^_j = m~_j + c·m_j``.
    """
    _check_scalars(messages, "message scalars")
    try:
        A, e = octets_to_signature(signature)
    except DecodeError as exc:
        raise InvalidInputError(f"invalid signature encoding: {exc}") from None
    L = len(messages)
    disclosed = _check_indexes(disclosed_indexes, L, "disclosed indexes")
    disclosed_set = set(disclosed)
    undisclosed = [j for j in range(L) if j not in disclosed_set]
    U = len(undisclosed)
    if random_scalars is None:
        scalars = calculate_random_scalars(5 + U)
    else:
        scalars = list(random_scalars)
        if len(scalars) != 5 + U:
            raise InvalidInputError(f"need {5 + U} random scalars, got {len(scalars)}")
        _check_scalars(scalars, "random scalars")
    if m_tilde:
        position = {j: k for k, j in enumerate(undisclosed)}
        for j, value in m_tilde.items():
            if j not in position:
                raise InvalidInputError("m_tilde names a message that is not undisclosed")
            _check_scalars([value], "m_tilde values")
            scalars[5 + position[j]] = value
    init_res = proof_init(
        PK, (A, e), generators, scalars, header, messages, undisclosed, api_id, suite=suite
    )
    challenge = proof_challenge_calculate(
        init_res, [messages[i] for i in disclosed], disclosed, ph, api_id, suite=suite
    )
    return proof_finalize(init_res, challenge, e, scalars, [messages[j] for j in undisclosed])


def proof_verify_init(
    PK: bytes,
    proof: Proof,
    generators: Sequence[G1],
    header: bytes,
    disclosed_messages: Sequence[int],
    disclosed_indexes: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
) -> ProofInitResult:
    """ProofVerifyInit, draft §3.7.3 (T2 computed in one MSM with B_v expanded)."""
    backend = get_backend()
    U = len(proof.m_hat)
    R_count = len(disclosed_indexes)
    L = R_count + U
    disclosed = _check_indexes(disclosed_indexes, L, "disclosed indexes")
    if len(disclosed_messages) != R_count:
        raise InvalidInputError("one disclosed message per disclosed index")
    disclosed_set = set(disclosed)
    undisclosed = [j for j in range(L) if j not in disclosed_set]
    Q_1, H = _split_generators(generators, L)
    c = proof.c

    domain = calculate_domain(PK, Q_1, H, header, api_id, suite=suite)
    T1 = backend.g1_msm([proof.B_bar, proof.A_bar, proof.D], [c, proof.e_hat, proof.r1_hat])
    # T2 = B_v·c + D·r3^ + Σ H_j·m^_j with B_v = P1 + Q_1·domain + Σ H_i·msg_i
    T2 = backend.g1_msm(
        [p1(suite=suite), Q_1, *(H[i] for i in disclosed), proof.D, *(H[j] for j in undisclosed)],
        [c, c * domain, *(c * m for m in disclosed_messages), proof.r3_hat, *proof.m_hat],
    )
    return ProofInitResult(proof.A_bar, proof.B_bar, proof.D, T1, T2, domain)


def core_proof_verify(
    PK: bytes,
    proof: bytes | Proof,
    generators: Sequence[G1],
    header: bytes,
    ph: bytes,
    disclosed_messages: Sequence[int],
    disclosed_indexes: Sequence[int],
    api_id: bytes,
    *,
    suite: Ciphersuite,
    batch: Sequence[tuple[G1, G2]] = (),
) -> ProofResponses:
    """CoreProofVerify, draft §3.6.4; raises :class:`VerificationError` on INVALID.

    On success returns the challenge and the responses ``m^_j`` keyed by the
    undisclosed message index, for protocols composed with this proof.
    ``proof`` is its octets, or the :class:`Proof` :func:`octets_to_proof`
    made of them (a caller that read it already). ``batch``: the pairing
    equation ``prod e(P_i, Q_i) = 1`` of a protocol composed with this proof,
    checked with the proof's own as one product (see :func:`proof_pairing_check`).
    """
    backend = get_backend()
    _check_scalars(disclosed_messages, "disclosed message scalars")
    try:
        parsed = proof if isinstance(proof, Proof) else octets_to_proof(proof, backend)
        W = octets_to_pubkey(PK, backend)
        init_res = proof_verify_init(
            PK,
            parsed,
            generators,
            header,
            disclosed_messages,
            disclosed_indexes,
            api_id,
            suite=suite,
        )
        challenge = proof_challenge_calculate(
            init_res, disclosed_messages, disclosed_indexes, ph, api_id, suite=suite
        )
    except ZkAttestError:
        raise VerificationError("invalid proof") from None
    if challenge != parsed.c:
        raise VerificationError("invalid proof")
    _pairing_check(backend, W, parsed, batch)
    L = len(disclosed_indexes) + len(parsed.m_hat)
    disclosed_set = set(disclosed_indexes)
    undisclosed = [j for j in range(L) if j not in disclosed_set]
    return ProofResponses(parsed.c, dict(zip(undisclosed, parsed.m_hat, strict=True)))


def proof_pairing_check(PK: bytes, proof: Proof, batch: Sequence[tuple[G1, G2]] = ()) -> None:
    """The last step of CoreProofVerify, draft §3.6.4: ``e(Abar, W) · e(Bbar, −BP2) = 1``.

    For a proof whose challenge was checked elsewhere (``zkattest.composite``);
    raises :class:`VerificationError`. ``batch``: another equation
    ``prod e(P_i, Q_i) = 1`` to check with this one, as the product of this
    one and that one raised to a random 128-bit ``ρ`` the verifier draws
    (one final exponentiation, and terms in the same G2 point merged: a
    false equation passes with probability at most 2^-128, since GT has prime
    order).
    """
    backend = get_backend()
    try:
        W = octets_to_pubkey(PK, backend)
    except ZkAttestError:
        raise VerificationError("invalid proof") from None
    _pairing_check(backend, W, proof, batch)


def _pairing_check(
    backend: Backend, W: G2, proof: Proof, batch: Sequence[tuple[G1, G2]] = ()
) -> None:
    # e(Abar, W) · e(Bbar, −BP2) = 1, negating on the cheaper G1 side
    terms = [(proof.A_bar, W), (-proof.B_bar, backend.g2_generator())]
    if batch:
        rho = 1 + secrets.randbelow(2**128 - 1)
        for P, Q in batch:
            scaled = P * rho
            same = next((k for k, (_, other) in enumerate(terms) if other == Q), None)
            if same is None:
                terms.append((scaled, Q))
            else:
                terms[same] = (terms[same][0] + scaled, Q)
    if not backend.pairing_product_is_one(terms):
        raise VerificationError("invalid proof")
