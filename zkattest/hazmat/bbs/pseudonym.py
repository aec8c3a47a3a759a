r"""BBS per-verifier pseudonyms, draft-irtf-cfrg-bbs-per-verifier-linkability (nym vectors).

Revision implemented: the repository at ``fcbba95`` (after -02, the last
published revision), over the base draft's -09: ``tests/vectors/bbs-pseudonyms/REVISION.md``.

A holder's credential signs, hidden among its committed messages, a vector of
``N`` nym secrets; for a context (a verifier's domain) the holder shows a
pseudonym that stays the same for that context and is unlinkable across
contexts, and proves it comes from the signed secrets::

    OP = hash_to_curve_g1(context_id),  z = hash_to_scalar(context_id),
    pseudonym = OP · Σ_{i<N} nym_secrets[i]·z^i
    PK{(A, e, (m_j)_{j hidden}, nym_secrets) : BBS(W; header || I2OSP(N, 8); m ... nym_secrets)
                                              ∧ pseudonym = OP · Σ_i nym_secrets[i]·z^i}

Issuance is blind BBS (:mod:`zkattest.hazmat.bbs.blind`): the holder commits to its
messages and its part of the secrets, ``prover_nyms``; the signer adds
``signer_nym_entropy`` to the last one (``B += J_last·signer_nym_entropy``), so
neither alone chooses them. The pseudonym proof shares the BBS proof's
randomness for the secrets (their ``m~``) and its one challenge, which hashes
``pseudonym``, ``Ut`` and ``context_id`` too.

Implemented from the draft text at the pseudonyms repository's commit fcbba95
(the -02 design with a vector of nym secrets) and its published vectors
(``tests/vectors/bbs-pseudonyms/``, SOURCE.md), which settle what the text
leaves open: ``api_id = ciphersuite_id || "H2G_HM2S_PSEUDONYM_"``, blind
generators from ``"BLIND_" || api_id``, and ``api_id`` itself as the
hash-to-curve DST of ``OP``; ``z`` uses ``api_id || "VECT_NYM_SECRETS"``. The
blind signing follows the vectors as :mod:`~zkattest.hazmat.bbs.blind` does.

Verification takes ``length_nym_vector`` (``N``), as the draft's
ProofVerifyWithNym does: the verifier must know it to rebuild the header and the
pseudonym's polynomial.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkattest.errors import DecodeError, InvalidInputError, VerificationError
from zkattest.hazmat.bbs import (
    Ciphersuite,
    _index_list,
    _octets,
    _octets_list,
    _secret_key,
    _suite,
    blind,
    core,
)
from zkattest.hazmat.curve import G1, G1_BYTES, SCALAR_BYTES, R, get_backend, scalar_to_bytes

__all__ = [
    "MAX_NYM_SECRETS",
    "blind_sign_with_nym",
    "commit_with_nym",
    "proof_gen_with_nym",
    "proof_verify_with_nym",
    "verify_finalize_with_nym",
]

#: The longest nym-secret vector accepted.
MAX_NYM_SECRETS = 64


def api_id(suite: Ciphersuite) -> bytes:
    """The pseudonym interface identifier: ``ciphersuite_id || "H2G_HM2S_PSEUDONYM_"``."""
    return suite.ciphersuite_id + b"H2G_HM2S_PSEUDONYM_"


def _scalars(values: object, what: str, *, nonzero: bool = False) -> list[int]:
    if isinstance(values, (bytes, str)) or not isinstance(values, Sequence):
        raise InvalidInputError(f"{what} must be a sequence of scalars")
    out = list(values)
    low = 1 if nonzero else 0
    if not all(type(v) is int and low <= v < R for v in out):
        raise InvalidInputError(f"{what} must be integers in [{low}, r)")
    return out


def _nym_count(n: object) -> int:
    if type(n) is not int or not 1 <= n <= MAX_NYM_SECRETS:
        raise InvalidInputError(f"the nym vector's length must be 1 to {MAX_NYM_SECRETS}")
    return n


def _combined(header: bytes, n: int) -> bytes:
    return header + n.to_bytes(8, "big")


# ---------------------------------------------------------------------------
# Issuance
# ---------------------------------------------------------------------------


def commit_with_nym(
    committed_messages: Sequence[bytes],
    prover_nyms: Sequence[int],
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> tuple[bytes, int]:
    """CommitWithNym: a blind commitment to ``committed_messages || prover_nyms``;
    ``(commitment_with_proof, secret_prover_blind)``. ``random_scalars`` as
    :func:`~zkattest.hazmat.bbs.blind.commit` takes them."""
    suite = _suite(suite)
    msgs = _octets_list(committed_messages, "committed_messages")
    nyms = _scalars(prover_nyms, "prover_nyms")
    _nym_count(len(nyms))
    api = api_id(suite)
    scalars = core.messages_to_scalars(msgs, api, suite=suite) + nyms
    return blind.core_commit(
        blind.blind_generators(len(scalars) + 1, suite, api), scalars, api, suite, random_scalars
    )


def blind_sign_with_nym(
    secret_key: bytes,
    public_key: bytes,
    commitment_with_proof: bytes,
    length_nym_vector: int,
    signer_nym_entropy: int,
    header: bytes,
    messages: Sequence[bytes],
    *,
    suite: Ciphersuite,
) -> bytes:
    """BlindSignWithNym: a signature over ``messages`` and the commitment, the
    last committed value (the last prover nym) raised by ``signer_nym_entropy``,
    with the header extended by ``I2OSP(length_nym_vector, 8)``.

    Refused like :func:`~zkattest.hazmat.bbs.blind.blind_sign`; also a commitment
    carrying fewer values than ``length_nym_vector``.
    """
    suite = _suite(suite)
    SK = _secret_key(secret_key)
    PK = _octets(public_key, "public_key")
    cwp = _octets(commitment_with_proof, "commitment_with_proof")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    n = _nym_count(length_nym_vector)
    (entropy,) = _scalars([signer_nym_entropy], "signer_nym_entropy")
    try:
        core.octets_to_pubkey(PK)
    except DecodeError as exc:
        raise InvalidInputError(f"public_key: {exc}") from None
    size = len(cwp) - G1_BYTES - SCALAR_BYTES
    if size < SCALAR_BYTES or size % SCALAR_BYTES:
        raise InvalidInputError("commitment_with_proof has the wrong length")
    M = size // SCALAR_BYTES  # blind generators: Q_2 and one J per committed value
    if n > M - 1:
        raise InvalidInputError("the commitment carries fewer values than the nym vector")
    if M - 1 > blind.MAX_COMMITTED_MESSAGES + MAX_NYM_SECRETS:
        raise InvalidInputError("the commitment carries too many messages")
    api = api_id(suite)
    generators = core.create_generators(len(msgs) + 1, api, suite=suite)
    blind_gens = blind.blind_generators(M, suite, api)
    C = blind.deserialize_and_validate_commit(cwp, blind_gens, api, suite)
    message_scalars = core.messages_to_scalars(msgs, api, suite=suite)
    return blind.finalize_blind_sign(
        SK,
        PK,
        C + blind_gens[-1] * entropy,
        message_scalars,
        generators,
        blind_gens,
        _combined(header, n),
        api,
        suite,
    )


def verify_finalize_with_nym(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    prover_nyms: Sequence[int],
    signer_nym_entropy: int,
    secret_prover_blind: int,
    *,
    suite: Ciphersuite,
) -> list[int]:
    """VerifyFinalizeWithNym: check the signature and return the ``nym_secrets``
    (``prover_nyms`` with ``signer_nym_entropy`` added to the last);
    :class:`VerificationError` if it does not verify."""
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    committed = _octets_list(committed_messages, "committed_messages")
    nyms = _scalars(prover_nyms, "prover_nyms")
    n = _nym_count(len(nyms))
    (entropy,) = _scalars([signer_nym_entropy], "signer_nym_entropy")
    (prover_blind,) = _scalars([secret_prover_blind], "secret_prover_blind")
    scalars, generators = blind.prepare_parameters(
        msgs, committed, len(msgs) + 1, len(committed) + n + 1, prover_blind, suite, api_id(suite)
    )
    nym_secrets = [*nyms[:-1], (nyms[-1] + entropy) % R]
    core.core_verify(
        PK,
        signature,
        generators,
        _combined(header, n),
        scalars + nym_secrets,
        api_id(suite),
        suite=suite,
    )
    return nym_secrets


# ---------------------------------------------------------------------------
# Proofs
# ---------------------------------------------------------------------------


def _op_and_z(context_id: bytes, suite: Ciphersuite) -> tuple[G1, int]:
    api = api_id(suite)
    OP = get_backend().hash_to_g1(context_id, api, suite.hash_to_curve_suite)
    z = suite.hash_to_scalar(context_id, api + b"VECT_NYM_SECRETS")
    return OP, z


def _poly(values: Sequence[int], z: int) -> int:
    """Σ_i values[i]·z^i, by Horner's rule."""
    out = 0
    for value in reversed(values):
        out = (out * z + value) % R
    return out


def calculate_pseudonym(context_id: bytes, nym_secrets: Sequence[int], *, suite: Ciphersuite) -> G1:
    """The pseudonym of ``nym_secrets`` for ``context_id`` (the draft's §5)."""
    OP, z = _op_and_z(context_id, suite)
    return OP * _poly(nym_secrets, z)


def _challenge(
    init: core.ProofInitResult,
    pseudonym: G1,
    Ut: G1,
    context_id: bytes,
    disclosed_indexes: Sequence[int],
    disclosed_messages: Sequence[int],
    ph: bytes,
    suite: Ciphersuite,
) -> int:
    """ProofWithPseudonymChallengeCalculate."""
    parts = [len(disclosed_indexes).to_bytes(8, "big")]
    for i, m in zip(disclosed_indexes, disclosed_messages, strict=True):
        parts += [i.to_bytes(8, "big"), scalar_to_bytes(m)]
    parts += [p.to_bytes() for p in (init.A_bar, init.B_bar, init.D, init.T1, init.T2)]
    parts += [pseudonym.to_bytes(), Ut.to_bytes(), scalar_to_bytes(init.domain)]
    parts += [len(ph).to_bytes(8, "big"), ph, len(context_id).to_bytes(8, "big"), context_id]
    return suite.hash_to_scalar(b"".join(parts), api_id(suite) + b"H2S_")


def proof_gen_with_nym(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    presentation_header: bytes,
    nym_secrets: Sequence[int],
    context_id: bytes,
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    disclosed_commitment_indexes: Sequence[int],
    secret_prover_blind: int,
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> tuple[bytes, bytes]:
    """ProofGenWithNym: ``(proof, pseudonym)``, the pseudonym for ``context_id``
    proven from the signed, hidden ``nym_secrets``.

    ``random_scalars``, if given, replace calculate_random_scalars' output:
    r1, r2, e~, r1~, r3~, then m~_j per undisclosed message in message order
    (``secret_prover_blind``, then hidden committed messages, then the nym secrets).
    """
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    context = _octets(context_id, "context_id")
    nyms = _scalars(nym_secrets, "nym_secrets")
    n = _nym_count(len(nyms))
    msgs = _octets_list(messages, "messages")
    committed = _octets_list(committed_messages, "committed_messages")
    disclosed = _index_list(disclosed_indexes, "disclosed_indexes")
    disclosed_committed = _index_list(disclosed_commitment_indexes, "disclosed_commitment_indexes")
    (prover_blind,) = _scalars([secret_prover_blind], "secret_prover_blind")
    L, M = len(msgs), len(committed)
    blind._ascending(disclosed, L, "disclosed_indexes", InvalidInputError)
    blind._ascending(disclosed_committed, M, "disclosed_commitment_indexes", InvalidInputError)
    try:
        core.octets_to_pubkey(PK)
        A, e = core.octets_to_signature(signature)
    except DecodeError as exc:
        raise InvalidInputError(f"invalid input: {exc}") from None
    api = api_id(suite)
    scalars, generators = blind.prepare_parameters(
        msgs, committed, L + 1, M + n + 1, prover_blind, suite, api
    )
    scalars += nyms
    indexes = disclosed + [j + L + 1 for j in disclosed_committed]
    undisclosed = [j for j in range(len(scalars)) if j not in set(indexes)]
    U = len(undisclosed)
    if random_scalars is None:
        drawn = core.calculate_random_scalars(5 + U)
    else:
        drawn = _scalars(random_scalars, "random_scalars")
        if len(drawn) != 5 + U:
            raise InvalidInputError(f"need {5 + U} random scalars, got {len(drawn)}")
    init = core.proof_init(
        PK, (A, e), generators, drawn, _combined(header, n), scalars, undisclosed, api, suite=suite
    )
    OP, z = _op_and_z(context, suite)
    pseudonym = OP * _poly(nyms, z)
    Ut = OP * _poly(drawn[-n:], z)
    if pseudonym.is_identity() or Ut.is_identity():
        raise InvalidInputError("degenerate pseudonym")
    c = _challenge(init, pseudonym, Ut, context, indexes, [scalars[i] for i in indexes], ph, suite)
    proof = core.proof_finalize(init, c, e, drawn, [scalars[j] for j in undisclosed])
    return proof.to_bytes(), pseudonym.to_bytes()


def proof_verify_with_nym(
    public_key: bytes,
    proof: bytes,
    header: bytes,
    presentation_header: bytes,
    pseudonym: bytes,
    context_id: bytes,
    length_nym_vector: int,
    L: int,
    disclosed_messages: Sequence[bytes],
    disclosed_committed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    disclosed_committed_indexes: Sequence[int],
    *,
    suite: Ciphersuite,
) -> None:
    """ProofVerifyWithNym: None, or :class:`VerificationError`."""
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    proof = _octets(proof, "proof")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    nym_bytes = _octets(pseudonym, "pseudonym")
    context = _octets(context_id, "context_id")
    n = _nym_count(length_nym_vector)
    msgs = _octets_list(disclosed_messages, "disclosed_messages")
    committed = _octets_list(disclosed_committed_messages, "disclosed_committed_messages")
    disclosed = _index_list(disclosed_indexes, "disclosed_indexes")
    disclosed_committed = _index_list(disclosed_committed_indexes, "disclosed_committed_indexes")
    if type(L) is not int or L < 0:
        raise InvalidInputError("L must be a non-negative integer")
    backend = get_backend()
    try:
        parsed = core.octets_to_proof(proof, backend)
        W = core.octets_to_pubkey(PK, backend)
        nym = backend.g1_from_bytes(nym_bytes)
    except DecodeError:
        raise VerificationError("invalid proof") from None
    if nym.is_identity() or nym == backend.g1_generator():
        raise VerificationError("invalid proof")
    U = len(parsed.m_hat)
    # blind messages: secret_prover_blind, the committed messages and the nym secrets
    M = len(disclosed) + len(disclosed_committed) + U - L
    if n + 1 > M or len(msgs) != len(disclosed) or len(committed) != len(disclosed_committed):
        raise VerificationError("invalid proof")
    blind._ascending(disclosed, L, "disclosed_indexes", VerificationError)
    blind._ascending(
        disclosed_committed, M - n - 1, "disclosed_committed_indexes", VerificationError
    )
    api = api_id(suite)
    scalars, generators = blind.prepare_parameters(msgs, committed, L + 1, M, None, suite, api)
    indexes = disclosed + [j + L + 1 for j in disclosed_committed]
    try:
        init = core.proof_verify_init(
            PK, parsed, generators, _combined(header, n), scalars, indexes, api, suite=suite
        )
    except InvalidInputError:
        raise VerificationError("invalid proof") from None
    OP, z = _op_and_z(context, suite)
    Uv = backend.g1_msm([OP, nym], [_poly(parsed.m_hat[-n:], z), -parsed.c % R])
    if Uv.is_identity():
        raise VerificationError("invalid proof")
    if _challenge(init, nym, Uv, context, indexes, scalars, ph, suite) != parsed.c:
        raise VerificationError("invalid proof")
    if not backend.pairing_product_is_one(
        [(parsed.A_bar, W), (-parsed.B_bar, backend.g2_generator())]
    ):
        raise VerificationError("invalid proof")
