r"""Blind BBS signatures, draft-irtf-cfrg-bbs-blind-signatures (the -02 algorithms).

Revision implemented: -02, as the repository's fixtures at ``cf6ad94`` decide it
(unchanged in -03), over the base draft's -09: ``tests/vectors/bbs-blind/REVISION.md``.

A prover commits to messages the signer never sees, with a proof that it knows
their opening; the signer signs its own messages and the commitment; the
prover's proofs then treat the committed messages like any other::

    Commit:  C = Q_2·secret_prover_blind + Σ_j J_j·msg_j,
             PK{(secret_prover_blind, msg_1..msg_M) : C = Q_2·secret_prover_blind + Σ_j J_j·msg_j}
    Sign:    B = P1 + Q_1·domain + Σ_i H_i·msg_i + C,
             e = hash_to_scalar(SK || B),  A = B·1/(SK + e)

The signature is a BBS signature (draft-irtf-cfrg-bbs-signatures-09) over the
messages ``signer messages || secret_prover_blind || committed messages`` with
generators ``(Q_1, H_1..H_L) || (Q_2, J_1..J_M)``: committed message ``j`` is
message ``L + 1 + j``, and proofs are the base draft's CoreProofGen /
CoreProofVerify over them. The interface identifier is ``ciphersuite_id ||
"BLIND_H2G_HM2S_"``; the blind generators are made with ``"BLIND_" || api_id``.

Where the -02 text and its published vectors (``tests/vectors/bbs-blind/``,
SOURCE.md) differ, this follows the vectors, which an independent
implementation also produced:

- ``domain`` is calculated over ``(H_1..H_L, Q_2, J_1..J_M)`` (``Q_2`` included),
  and ``B`` is the base draft's ``P1 + Q_1·domain + ...`` plus the commitment;
- ``e = hash_to_scalar(serialize((SK, B)), api_id || "H2S_")`` (no domain: ``B``
  holds it);
- with no commitment, ``Q_2`` is still a generator, for ``secret_prover_blind = 0``;
- FinalizeBlindSign's "``L <= 0`` or ``M <= 0``: INVALID" is not applied (the
  vectors sign with no messages at all);
- a proof is 3 points and at least 4 scalars, as in the base draft -09.

Functions raise a zkattest error where the draft returns INVALID: the
verifying ones :class:`VerificationError`, the others
:class:`InvalidInputError` (or :class:`DecodeError`) and :class:`IssuanceError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkattest.errors import DecodeError, InvalidInputError, IssuanceError, VerificationError
from zkattest.hazmat.bbs import (
    Ciphersuite,
    _index_list,
    _octets,
    _octets_list,
    _secret_key,
    _suite,
    core,
)
from zkattest.hazmat.curve import G1, G1_BYTES, SCALAR_BYTES, R, get_backend, scalar_to_bytes

__all__ = [
    "MAX_COMMITTED_MESSAGES",
    "blind_proof_gen",
    "blind_proof_verify",
    "blind_sign",
    "commit",
    "verify_blind_sign",
]

#: The most messages a commitment may carry; ``blind_sign`` refuses more
#: (each costs the signer a generator and a scalar multiplication).
MAX_COMMITTED_MESSAGES = 64


def api_id(suite: Ciphersuite) -> bytes:
    """The Blind BBS interface identifier: ``ciphersuite_id || "BLIND_H2G_HM2S_"``."""
    return suite.ciphersuite_id + b"BLIND_H2G_HM2S_"


def blind_generators(count: int, suite: Ciphersuite, api: bytes | None = None) -> list[G1]:
    """``(Q_2, J_1, ..., J_(count-1))``: create_generators with ``"BLIND_" || api_id``
    (``api``: another interface's identifier, e.g. the pseudonym interface's)."""
    return core.create_generators(count, b"BLIND_" + (api or api_id(suite)), suite=suite)


# ---------------------------------------------------------------------------
# Commit (draft §4.1.1, §5.1)
# ---------------------------------------------------------------------------


def commit(
    committed_messages: Sequence[bytes],
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> tuple[bytes, int]:
    """Commit, draft §4.1.1: ``(commitment_with_proof, secret_prover_blind)``.

    ``random_scalars``, if given, replace calculate_random_scalars' output, in
    the order CoreCommit uses them: ``secret_prover_blind``, ``s~``, then
    ``m~_j`` per committed message.
    """
    suite = _suite(suite)
    msgs = _octets_list(committed_messages, "committed_messages")
    api = api_id(suite)
    scalars = core.messages_to_scalars(msgs, api, suite=suite)
    return core_commit(
        blind_generators(len(scalars) + 1, suite), scalars, api, suite, random_scalars
    )


def core_commit(
    generators: Sequence[G1],
    committed_scalars: Sequence[int],
    api: bytes,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> tuple[bytes, int]:
    """CoreCommit, draft §5.1."""
    M = len(committed_scalars)
    if len(generators) != M + 1:
        raise InvalidInputError(f"need {M + 1} blind generators, got {len(generators)}")
    if random_scalars is None:
        drawn = core.calculate_random_scalars(M + 2)
    else:
        drawn = list(random_scalars)
        if len(drawn) != M + 2 or not all(type(s) is int and 0 <= s < R for s in drawn):
            raise InvalidInputError(f"need {M + 2} random scalars, each in [0, r)")
    secret_prover_blind, s_tilde, *m_tilde = drawn
    backend = get_backend()
    C = backend.g1_msm(list(generators), [secret_prover_blind, *committed_scalars])
    C_bar = backend.g1_msm(list(generators), [s_tilde, *m_tilde])
    challenge = calculate_blind_challenge(C, C_bar, generators, api, suite)
    s_hat = (s_tilde + secret_prover_blind * challenge) % R
    m_hat = [(mt + m * challenge) % R for mt, m in zip(m_tilde, committed_scalars, strict=True)]
    return commitment_with_proof_to_octets(C, s_hat, m_hat, challenge), secret_prover_blind


def core_commit_verify(
    C: G1,
    s_hat: int,
    m_hat: Sequence[int],
    challenge: int,
    generators: Sequence[G1],
    api: bytes,
    suite: Ciphersuite,
) -> None:
    """CoreCommitVerify, draft §5.2: raises :class:`VerificationError` on INVALID."""
    if len(generators) != len(m_hat) + 1:
        raise VerificationError("invalid commitment")
    C_bar = get_backend().g1_msm([*generators, C], [s_hat, *m_hat, -challenge % R])
    if calculate_blind_challenge(C, C_bar, generators, api, suite) != challenge:
        raise VerificationError("invalid commitment")


def calculate_blind_challenge(
    C: G1, C_bar: G1, generators: Sequence[G1], api: bytes, suite: Ciphersuite
) -> int:
    """calculate_blind_challenge, draft §6.3: hash of ``(M, Q_2, J_1..J_M, C, Cbar)``."""
    if not generators:
        raise InvalidInputError("the blind challenge needs at least one generator")
    octets = (len(generators) - 1).to_bytes(8, "big") + b"".join(
        point.to_bytes() for point in (*generators, C, C_bar)
    )
    return suite.hash_to_scalar(octets, api + b"H2S_")


def commitment_with_proof_to_octets(
    C: G1, s_hat: int, m_hat: Sequence[int], challenge: int
) -> bytes:
    """commitment_with_proof_to_octets, draft §6.4.1."""
    return C.to_bytes() + b"".join(scalar_to_bytes(s) for s in (s_hat, *m_hat, challenge))


def octets_to_commitment_with_proof(octets: bytes) -> tuple[G1, int, list[int], int]:
    """octets_to_commitment_with_proof, draft §6.4.2: ``(C, s^, (m^_j), challenge)``;
    :class:`DecodeError` for a wrong length, a point off the subgroup or the
    identity, or a scalar that is 0 or ``>= r``."""
    if len(octets) < G1_BYTES + 2 * SCALAR_BYTES or (len(octets) - G1_BYTES) % SCALAR_BYTES:
        raise DecodeError("a commitment with proof is a point and at least two scalars")
    C = get_backend().g1_from_bytes(octets[:G1_BYTES])
    if C.is_identity():
        raise DecodeError("the commitment is the identity")
    scalars = []
    for index in range(G1_BYTES, len(octets), SCALAR_BYTES):
        s = int.from_bytes(octets[index : index + SCALAR_BYTES], "big")
        if s == 0 or s >= R:
            raise DecodeError("a commitment proof scalar is out of range")
        scalars.append(s)
    return C, scalars[0], scalars[1:-1], scalars[-1]


def deserialize_and_validate_commit(
    commitment_with_proof: bytes, generators: Sequence[G1], api: bytes, suite: Ciphersuite
) -> G1:
    """deserialize_and_validate_commit, draft §4.1.2: the commitment, or the
    identity for none; :class:`VerificationError` if its proof does not verify."""
    if not commitment_with_proof:
        return get_backend().g1_identity()
    try:
        C, s_hat, m_hat, challenge = octets_to_commitment_with_proof(commitment_with_proof)
    except DecodeError:
        raise VerificationError("invalid commitment") from None
    core_commit_verify(C, s_hat, m_hat, challenge, generators, api, suite)
    return C


# ---------------------------------------------------------------------------
# BlindSign, VerifyBlindSign (draft §4.2.1, §4.2.2)
# ---------------------------------------------------------------------------


def blind_sign(
    secret_key: bytes,
    public_key: bytes,
    commitment_with_proof: bytes,
    header: bytes,
    messages: Sequence[bytes],
    *,
    suite: Ciphersuite,
) -> bytes:
    """BlindSign, draft §4.2.1: a signature over ``messages`` and the commitment.

    ``commitment_with_proof`` may be empty (no committed messages). Refused
    with :class:`VerificationError` if the commitment's proof does not verify
    and with :class:`InvalidInputError` if it is malformed or carries more than
    :data:`MAX_COMMITTED_MESSAGES` messages.
    """
    suite = _suite(suite)
    SK = _secret_key(secret_key)
    PK = _octets(public_key, "public_key")
    cwp = _octets(commitment_with_proof, "commitment_with_proof")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    try:
        core.octets_to_pubkey(PK)
    except DecodeError as exc:
        raise InvalidInputError(f"public_key: {exc}") from None
    M = 0
    if cwp:
        M, rest = divmod(len(cwp) - G1_BYTES - SCALAR_BYTES, SCALAR_BYTES)
        if len(cwp) < G1_BYTES + 2 * SCALAR_BYTES or rest:
            raise InvalidInputError("commitment_with_proof has the wrong length")
        M -= 1
    if M > MAX_COMMITTED_MESSAGES:
        raise InvalidInputError(
            f"the commitment carries {M} messages; at most {MAX_COMMITTED_MESSAGES} are signed"
        )
    api = api_id(suite)
    generators = core.create_generators(len(msgs) + 1, api, suite=suite)
    blind = blind_generators(M + 1, suite)
    C = deserialize_and_validate_commit(cwp, blind, api, suite)
    message_scalars = core.messages_to_scalars(msgs, api, suite=suite)
    return finalize_blind_sign(SK, PK, C, message_scalars, generators, blind, header, api, suite)


def finalize_blind_sign(
    SK: int,
    PK: bytes,
    C: G1,
    message_scalars: Sequence[int],
    generators: Sequence[G1],
    blind: Sequence[G1],
    header: bytes,
    api: bytes,
    suite: Ciphersuite,
) -> bytes:
    """B_calculate and FinalizeBlindSign, draft §6.2 and §5.3, as the vectors do
    them (see the module docstring)."""
    backend = get_backend()
    Q_1, H = generators[0], list(generators[1:])
    if len(H) != len(message_scalars):
        raise InvalidInputError("one generator per message")
    domain = core.calculate_domain(PK, Q_1, [*H, *blind], header, api, suite=suite)
    B = backend.g1_msm([core.p1(suite=suite), Q_1, *H], [1, domain, *message_scalars]) + C
    if B.is_identity():
        raise IssuanceError("degenerate signature: B is the identity")
    e = suite.hash_to_scalar(scalar_to_bytes(SK) + B.to_bytes(), api + b"H2S_")
    if (SK + e) % R == 0:
        raise IssuanceError("degenerate signature; retry with another key")
    return core.signature_to_octets(B * pow(SK + e, -1, R), e)


def verify_blind_sign(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    secret_prover_blind: int,
    *,
    suite: Ciphersuite,
) -> None:
    """VerifyBlindSign, draft §4.2.2: None, or :class:`VerificationError`."""
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    committed = _octets_list(committed_messages, "committed_messages")
    blind_scalar = _blind(secret_prover_blind)
    scalars, generators = prepare_parameters(
        msgs, committed, len(msgs) + 1, len(committed) + 1, blind_scalar, suite
    )
    core.core_verify(PK, signature, generators, header, scalars, api_id(suite), suite=suite)


def prepare_parameters(
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    generators_number: int,
    blind_generators_number: int,
    secret_prover_blind: int | None,
    suite: Ciphersuite,
    api: bytes | None = None,
) -> tuple[list[int], list[G1]]:
    """prepare_parameters, draft §6.1: the message scalars ``messages ||
    [secret_prover_blind] || committed`` and generators ``(Q_1, H..) || (Q_2, J..)``
    (``api``: another interface's identifier, e.g. the pseudonym interface's)."""
    api = api or api_id(suite)
    scalars = core.messages_to_scalars(messages, api, suite=suite)
    if secret_prover_blind is not None:
        scalars.append(secret_prover_blind)
    scalars += core.messages_to_scalars(committed_messages, api, suite=suite)
    generators = core.create_generators(generators_number, api, suite=suite)
    return scalars, generators + blind_generators(blind_generators_number, suite, api)


def _blind(value: object) -> int:
    if type(value) is not int or not 0 <= value < R:
        raise InvalidInputError("secret_prover_blind must be an integer in [0, r)")
    return value


# ---------------------------------------------------------------------------
# BlindProofGen, BlindProofVerify (draft §4.2.3, §4.2.4)
# ---------------------------------------------------------------------------


def blind_proof_gen(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    presentation_header: bytes,
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    disclosed_commitment_indexes: Sequence[int],
    secret_prover_blind: int,
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> bytes:
    """BlindProofGen, draft §4.2.3: a BBS proof over the signer's and the
    committed messages, disclosing ``disclosed_indexes`` of the first and
    ``disclosed_commitment_indexes`` of the second (each ascending).

    ``random_scalars``, if given, replace calculate_random_scalars' output:
    r1, r2, e~, r1~, r3~, then m~_j per undisclosed message (in message order,
    ``secret_prover_blind`` among them).
    """
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    msgs = _octets_list(messages, "messages")
    committed = _octets_list(committed_messages, "committed_messages")
    disclosed = _index_list(disclosed_indexes, "disclosed_indexes")
    disclosed_committed = _index_list(disclosed_commitment_indexes, "disclosed_commitment_indexes")
    L, M = len(msgs), len(committed)
    _ascending(disclosed, L, "disclosed_indexes", InvalidInputError)
    _ascending(disclosed_committed, M, "disclosed_commitment_indexes", InvalidInputError)
    try:
        core.octets_to_pubkey(PK)
    except DecodeError as exc:
        raise InvalidInputError(f"public_key: {exc}") from None
    scalars, generators = prepare_parameters(
        msgs, committed, L + 1, M + 1, _blind(secret_prover_blind), suite
    )
    indexes = disclosed + [j + L + 1 for j in disclosed_committed]
    proof = core.core_proof_gen(
        PK,
        signature,
        generators,
        header,
        ph,
        scalars,
        indexes,
        api_id(suite),
        suite=suite,
        random_scalars=random_scalars,
    )
    return proof.to_bytes()


def blind_proof_verify(
    public_key: bytes,
    proof: bytes,
    header: bytes,
    presentation_header: bytes,
    L: int,
    disclosed_messages: Sequence[bytes],
    disclosed_committed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    disclosed_committed_indexes: Sequence[int],
    *,
    suite: Ciphersuite,
) -> None:
    """BlindProofVerify, draft §4.2.4: None, or :class:`VerificationError`.

    ``L`` is the number of the signer's messages; the number of committed
    messages follows from the proof's length.
    """
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    proof = _octets(proof, "proof")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    msgs = _octets_list(disclosed_messages, "disclosed_messages")
    committed = _octets_list(disclosed_committed_messages, "disclosed_committed_messages")
    disclosed = _index_list(disclosed_indexes, "disclosed_indexes")
    disclosed_committed = _index_list(disclosed_committed_indexes, "disclosed_committed_indexes")
    if type(L) is not int or L < 0:
        raise InvalidInputError("L must be a non-negative integer")
    proof_len_floor = 3 * G1_BYTES + 4 * SCALAR_BYTES
    if len(proof) < proof_len_floor:
        raise VerificationError("invalid proof")
    U = (len(proof) - proof_len_floor) // SCALAR_BYTES
    # M counts secret_prover_blind (always hidden) and the committed messages.
    M = len(disclosed) + len(disclosed_committed) + U - L
    if M < 1 or len(msgs) != len(disclosed) or len(committed) != len(disclosed_committed):
        raise VerificationError("invalid proof")
    _ascending(disclosed, L, "disclosed_indexes", VerificationError)
    _ascending(disclosed_committed, M - 1, "disclosed_committed_indexes", VerificationError)
    scalars, generators = prepare_parameters(msgs, committed, L + 1, M, None, suite)
    indexes = disclosed + [j + L + 1 for j in disclosed_committed]
    core.core_proof_verify(
        PK, proof, generators, header, ph, scalars, indexes, api_id(suite), suite=suite
    )


def _ascending(
    indexes: list[int], bound: int, what: str, error: type[InvalidInputError | VerificationError]
) -> None:
    previous = -1
    for i in indexes:
        if not previous < i < bound:
            if error is VerificationError:
                raise VerificationError("invalid proof")
            raise InvalidInputError(f"{what} must be distinct, ascending, in [0, {bound})")
        previous = i
