"""BBS interface behaviour beyond the published vectors: both ciphersuites, input validation."""

from __future__ import annotations

from typing import Any

import pytest

from zkattest.errors import InvalidInputError, VerificationError, ZkAttestError
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import core
from zkattest.hazmat.curve import Backend

SUITES = [bbs.BLS12_381_SHA_256, bbs.BLS12_381_SHAKE_256]
MESSAGES = [b"name:Ada", b"dob:1990-01-01", b"country:GB", b"", b"kyc:3"]


@pytest.fixture(params=SUITES, ids=lambda s: s.name)
def suite(request: pytest.FixtureRequest) -> bbs.Ciphersuite:
    return request.param  # type: ignore[no-any-return]


def _keys(suite: bbs.Ciphersuite) -> tuple[bytes, bytes]:
    sk = bbs.key_gen(b"k" * 32, b"issuer-1", suite=suite)
    return sk, bbs.sk_to_pk(sk, suite=suite)


def test_ciphersuite_identifiers() -> None:
    assert bbs.BLS12_381_SHA_256.api_id == b"BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_H2G_HM2S_"
    assert bbs.BLS12_381_SHAKE_256.api_id == b"BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_H2G_HM2S_"
    assert bbs.BLS12_381_SHAKE_256.hash_to_scalar_dst.endswith(b"H2G_HM2S_H2S_")
    assert bbs.SUITES["BLS12-381-SHAKE-256"] is bbs.BLS12_381_SHAKE_256


def test_round_trip(suite: bbs.Ciphersuite, backend: Backend) -> None:
    sk, pk = _keys(suite)
    assert len(sk) == 32
    assert len(pk) == 96
    signature = bbs.sign(sk, pk, b"hdr", MESSAGES, suite=suite)
    assert len(signature) == 80
    bbs.verify(pk, signature, b"hdr", MESSAGES, suite=suite)
    disclosed = [1, 3]
    proof = bbs.proof_gen(pk, signature, b"hdr", b"ph", MESSAGES, disclosed, suite=suite)
    assert len(proof) == 3 * 48 + (4 + 3) * 32
    bbs.proof_verify(pk, proof, b"hdr", b"ph", [MESSAGES[1], MESSAGES[3]], disclosed, suite=suite)
    with pytest.raises(VerificationError):
        bbs.proof_verify(
            pk, proof, b"hdr", b"ph2", [MESSAGES[1], MESSAGES[3]], disclosed, suite=suite
        )


def test_suites_are_domain_separated() -> None:
    sha, shake = SUITES
    sk, pk = _keys(sha)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=sha)
    with pytest.raises(VerificationError):
        bbs.verify(pk, signature, b"", MESSAGES, suite=shake)
    assert bbs.key_gen(b"k" * 32, suite=sha) != bbs.key_gen(b"k" * 32, suite=shake)


def test_proofs_are_randomized(suite: bbs.Ciphersuite) -> None:
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=suite)
    first = bbs.proof_gen(pk, signature, b"", b"", MESSAGES, [0], suite=suite)
    second = bbs.proof_gen(pk, signature, b"", b"", MESSAGES, [0], suite=suite)
    assert first != second


def test_no_messages_and_all_disclosed(suite: bbs.Ciphersuite) -> None:
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, b"", [], suite=suite)
    bbs.verify(pk, signature, b"", [], suite=suite)
    proof = bbs.proof_gen(pk, signature, b"", b"", [], [], suite=suite)
    bbs.proof_verify(pk, proof, b"", b"", [], [], suite=suite)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=suite)
    everything = list(range(len(MESSAGES)))
    proof = bbs.proof_gen(pk, signature, b"", b"", MESSAGES, everything, suite=suite)
    bbs.proof_verify(pk, proof, b"", b"", MESSAGES, everything, suite=suite)


def test_core_exposes_challenge_and_chosen_blindings(suite: bbs.Ciphersuite) -> None:
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=suite)
    scalars = core.messages_to_scalars(MESSAGES, suite.api_id, suite=suite)
    generators = core.create_generators(len(MESSAGES) + 1, suite.api_id, suite=suite)
    m_tilde = 0xC0FFEE
    proof = core.core_proof_gen(
        pk,
        signature,
        generators,
        b"",
        b"ph",
        scalars,
        [0, 1],
        suite.api_id,
        suite=suite,
        m_tilde={3: m_tilde},
    )
    responses = core.core_proof_verify(
        pk,
        proof.to_bytes(),
        generators,
        b"",
        b"ph",
        scalars[:2],
        [0, 1],
        suite.api_id,
        suite=suite,
    )
    assert responses.c == proof.c
    assert sorted(responses.m_hat) == [2, 3, 4]
    # m^_3 = m~_3 + c·m_3: a composed protocol can check this against its own commitment
    from zkattest.hazmat.curve import R

    assert responses.m_hat[3] == (m_tilde + proof.c * scalars[3]) % R
    with pytest.raises(InvalidInputError):
        core.core_proof_gen(
            pk,
            signature,
            generators,
            b"",
            b"",
            scalars,
            [0, 1],
            suite.api_id,
            suite=suite,
            m_tilde={0: 1},
        )


BAD_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "short key material": ("key_gen", {"key_material": b"x" * 31}),
    "str key material": ("key_gen", {"key_material": "x" * 40}),
    "long key info": ("key_gen", {"key_material": b"x" * 32, "key_info": b"i" * 65536}),
    "zero secret key": ("sk_to_pk", {"secret_key": bytes(32)}),
    "non-canonical secret key": ("sk_to_pk", {"secret_key": b"\xff" * 32}),
    "short secret key": ("sk_to_pk", {"secret_key": b"\x01" * 31}),
    "messages as str": ("sign", {"messages": "abc"}),
    "message not bytes": ("sign", {"messages": [b"a", 1]}),
    "bad public key": ("sign", {"public_key": b"\x00" * 96}),
    "header not bytes": ("sign", {"header": None}),
    "unsorted indexes": ("proof_gen", {"disclosed_indexes": [2, 1]}),
    "repeated indexes": ("proof_gen", {"disclosed_indexes": [1, 1]}),
    "index out of range": ("proof_gen", {"disclosed_indexes": [5]}),
    "negative index": ("proof_gen", {"disclosed_indexes": [-1]}),
    "bool index": ("proof_gen", {"disclosed_indexes": [True]}),
    "wrong number of random scalars": ("proof_gen", {"random_scalars": [1, 2, 3]}),
    "random scalar out of range": ("proof_gen", {"random_scalars": [2**256] * 9}),
    "malformed signature": ("proof_gen", {"signature": b"\x00" * 80}),
    "wrong suite": ("sign", {"suite": "BLS12-381-SHA-256"}),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_is_refused_with_our_error(case: str) -> None:
    suite = bbs.BLS12_381_SHA_256
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=suite)
    defaults: dict[str, dict[str, Any]] = {
        "key_gen": {"key_material": b"x" * 32},
        "sk_to_pk": {"secret_key": sk},
        "sign": {"secret_key": sk, "public_key": pk, "header": b"", "messages": MESSAGES},
        "proof_gen": {
            "public_key": pk,
            "signature": signature,
            "header": b"",
            "presentation_header": b"",
            "messages": MESSAGES,
            "disclosed_indexes": [0],
        },
    }
    name, overrides = BAD_CALLS[case]
    kwargs = {"suite": suite, **defaults[name], **overrides}
    with pytest.raises(InvalidInputError):
        getattr(bbs, name)(**kwargs)


def test_verify_refuses_wrong_types_and_mismatches(suite: bbs.Ciphersuite) -> None:
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, b"", MESSAGES, suite=suite)
    with pytest.raises(InvalidInputError):
        bbs.verify(pk, signature.hex(), b"", MESSAGES, suite=suite)  # type: ignore[arg-type]
    with pytest.raises(VerificationError):
        bbs.verify(pk[:-1], signature, b"", MESSAGES, suite=suite)
    with pytest.raises(VerificationError):
        bbs.verify(pk, signature, b"", MESSAGES[:-1], suite=suite)
    proof = bbs.proof_gen(pk, signature, b"", b"", MESSAGES, [0, 1], suite=suite)
    for indexes, disclosed in [
        ([1, 0], MESSAGES[:2]),
        ([0], MESSAGES[:2]),
        ([0, 9], MESSAGES[:2]),
        ([0, 1], MESSAGES[:1]),
        ([0, 2**70], MESSAGES[:2]),
    ]:
        with pytest.raises(ZkAttestError):
            bbs.proof_verify(pk, proof, b"", b"", disclosed, indexes, suite=suite)
