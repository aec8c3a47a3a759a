"""BBS signatures, draft-irtf-cfrg-bbs-signatures (-06 to -09; the algorithms are the same).

The BBS Signatures Interface of draft-09 §3.4 (``api_id = ciphersuite_id ||
"H2G_HM2S_"``): octet-string messages mapped to scalars with
``hash_to_scalar``, generators from ``create_generators``. Function names,
arguments and step order mirror the draft; each raises a zkattest error where
the draft returns INVALID:

- :func:`verify` and :func:`proof_verify` raise :class:`VerificationError`
  for anything that does not verify (malformed bytes included) and
  :class:`InvalidInputError` for arguments of the wrong Python type;
- the others raise :class:`InvalidInputError` / :class:`DecodeError` for bad
  input and :class:`IssuanceError` for a degenerate signature.

The scalar-message core, for protocols composed with BBS proofs, is
:mod:`zkattest.hazmat.bbs.core`.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkattest.errors import DecodeError, InvalidInputError, VerificationError
from zkattest.hazmat.bbs import core
from zkattest.hazmat.bbs.ciphersuites import (
    BLS12_381_SHA_256,
    BLS12_381_SHAKE_256,
    SUITES,
    Ciphersuite,
)
from zkattest.hazmat.curve import (
    G1_BYTES,
    SCALAR_BYTES,
    get_backend,
    scalar_from_bytes,
    scalar_to_bytes,
)

__all__ = [
    "BLS12_381_SHAKE_256",
    "BLS12_381_SHA_256",
    "SUITES",
    "Ciphersuite",
    "key_gen",
    "proof_gen",
    "proof_verify",
    "sign",
    "sk_to_pk",
    "verify",
]


def _octets(value: object, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise InvalidInputError(f"{what} must be bytes, not {type(value).__name__}")


def _octets_list(values: object, what: str) -> list[bytes]:
    if isinstance(values, (bytes, bytearray, memoryview, str)) or not isinstance(values, Sequence):
        raise InvalidInputError(f"{what} must be a sequence of bytes")
    return [_octets(v, what) for v in values]


def _index_list(values: object, what: str) -> list[int]:
    if isinstance(values, (bytes, bytearray, memoryview, str)) or not isinstance(values, Sequence):
        raise InvalidInputError(f"{what} must be a sequence of integers")
    out = list(values)
    for i in out:
        if type(i) is not int:
            raise InvalidInputError(f"{what} must be a sequence of integers")
    return out


def _suite(suite: object) -> Ciphersuite:
    if not isinstance(suite, Ciphersuite):
        raise InvalidInputError("suite must be BLS12_381_SHA_256 or BLS12_381_SHAKE_256")
    return suite


def _secret_key(secret_key: object) -> int:
    try:
        return scalar_from_bytes(_octets(secret_key, "secret_key"))
    except DecodeError:
        raise InvalidInputError("secret_key must be a canonical, non-zero 32-byte scalar") from None


def key_gen(
    key_material: bytes,
    key_info: bytes = b"",
    key_dst: bytes | None = None,
    *,
    suite: Ciphersuite,
) -> bytes:
    """KeyGen, draft §3.3.1: a 32-byte secret key from >= 32 bytes of key material.

    ``key_dst`` defaults to ``ciphersuite_id || "KEYGEN_DST_"``.
    """
    suite = _suite(suite)
    key_material = _octets(key_material, "key_material")
    key_info = _octets(key_info, "key_info")
    key_dst = suite.keygen_dst if key_dst is None else _octets(key_dst, "key_dst")
    if len(key_material) < 32:
        raise InvalidInputError("key_material must be at least 32 bytes")
    if len(key_info) > 65535:
        raise InvalidInputError("key_info must be at most 65535 bytes")
    derive_input = key_material + len(key_info).to_bytes(2, "big") + key_info
    SK = suite.hash_to_scalar(derive_input, key_dst)
    if SK == 0:  # probability ~2^-255
        raise InvalidInputError("key material yields an invalid key; use other key material")
    return scalar_to_bytes(SK)


def sk_to_pk(secret_key: bytes, *, suite: Ciphersuite) -> bytes:
    """SkToPk, draft §3.3.2: W = SK·BP2, 96 bytes compressed."""
    _suite(suite)
    SK = _secret_key(secret_key)
    return (get_backend().g2_generator() * SK).to_bytes()


def sign(
    secret_key: bytes,
    public_key: bytes,
    header: bytes,
    messages: Sequence[bytes],
    *,
    suite: Ciphersuite,
) -> bytes:
    """Sign, draft §3.4.1: an 80-byte signature over ``header`` and ``messages``."""
    suite = _suite(suite)
    SK = _secret_key(secret_key)
    PK = _octets(public_key, "public_key")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    try:
        core.octets_to_pubkey(PK)
    except DecodeError as exc:
        raise InvalidInputError(f"public_key: {exc}") from None
    message_scalars = core.messages_to_scalars(msgs, suite.api_id, suite=suite)
    generators = core.create_generators(len(msgs) + 1, suite.api_id, suite=suite)
    return core.core_sign(SK, PK, generators, header, message_scalars, suite.api_id, suite=suite)


def verify(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    messages: Sequence[bytes],
    *,
    suite: Ciphersuite,
) -> None:
    """Verify, draft §3.4.2: returns None or raises :class:`VerificationError`."""
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    msgs = _octets_list(messages, "messages")
    message_scalars = core.messages_to_scalars(msgs, suite.api_id, suite=suite)
    generators = core.create_generators(len(msgs) + 1, suite.api_id, suite=suite)
    core.core_verify(PK, signature, generators, header, message_scalars, suite.api_id, suite=suite)


def proof_gen(
    public_key: bytes,
    signature: bytes,
    header: bytes,
    presentation_header: bytes,
    messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    *,
    suite: Ciphersuite,
    random_scalars: Sequence[int] | None = None,
) -> bytes:
    """ProofGen, draft §3.4.3: a zero-knowledge proof disclosing ``disclosed_indexes``.

    ``disclosed_indexes`` must be ascending. ``random_scalars``, if given, are
    the draft's (r1, r2, e~, r1~, r3~, m~_j for each undisclosed j) in order,
    which reproduces published proofs; otherwise they come from ``secrets``.
    The signature is not re-verified here (a holder checks it on receipt); a
    proof from a bad signature simply does not verify.
    """
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    signature = _octets(signature, "signature")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    msgs = _octets_list(messages, "messages")
    indexes = _index_list(disclosed_indexes, "disclosed_indexes")
    try:
        core.octets_to_pubkey(PK)
    except DecodeError as exc:
        raise InvalidInputError(f"public_key: {exc}") from None
    message_scalars = core.messages_to_scalars(msgs, suite.api_id, suite=suite)
    generators = core.create_generators(len(msgs) + 1, suite.api_id, suite=suite)
    proof = core.core_proof_gen(
        PK,
        signature,
        generators,
        header,
        ph,
        message_scalars,
        indexes,
        suite.api_id,
        suite=suite,
        random_scalars=random_scalars,
    )
    return proof.to_bytes()


def proof_verify(
    public_key: bytes,
    proof: bytes,
    header: bytes,
    presentation_header: bytes,
    disclosed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    *,
    suite: Ciphersuite,
) -> None:
    """ProofVerify, draft §3.4.4: returns None or raises :class:`VerificationError`."""
    suite = _suite(suite)
    PK = _octets(public_key, "public_key")
    proof = _octets(proof, "proof")
    header = _octets(header, "header")
    ph = _octets(presentation_header, "presentation_header")
    msgs = _octets_list(disclosed_messages, "disclosed_messages")
    indexes = _index_list(disclosed_indexes, "disclosed_indexes")
    proof_len_floor = 3 * G1_BYTES + 4 * SCALAR_BYTES
    if len(proof) < proof_len_floor:
        raise VerificationError("invalid proof")
    U = (len(proof) - proof_len_floor) // SCALAR_BYTES
    # Indexes are checked before any generator is made, so a huge list is cheap to refuse.
    previous = -1
    for i in indexes:
        if not previous < i < U + len(indexes):
            raise VerificationError("invalid proof")
        previous = i
    if len(msgs) != len(indexes):
        raise VerificationError("invalid proof")
    message_scalars = core.messages_to_scalars(msgs, suite.api_id, suite=suite)
    generators = core.create_generators(U + len(indexes) + 1, suite.api_id, suite=suite)
    core.core_proof_verify(
        PK, proof, generators, header, ph, message_scalars, indexes, suite.api_id, suite=suite
    )
