"""Blind BBS (zkattest.hazmat.bbs.blind) against the draft's published vectors.

The vectors are in ``tests/vectors/bbs-blind/`` (SOURCE.md: the -02 algorithms, and
where the draft's prose and the vectors differ). Each valid case is reproduced byte
for byte (commitments, signatures, proofs) from the draft's mocked random scalars,
and verifies; altered inputs are refused. Every test runs on both curve backends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import VECTORS, load_vector, mocked_scalars
from zkattest.errors import InvalidInputError, VerificationError
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import blind
from zkattest.hazmat.curve import Backend, R

SUITES = {
    "bls12-381-sha-256": bbs.BLS12_381_SHA_256,
    "bls12-381-shake-256": bbs.BLS12_381_SHAKE_256,
}
SUITE = bbs.BLS12_381_SHA_256
DIR = "bbs-blind/bls12-381-sha-256"


def cases(kind: str) -> list[tuple[str, str]]:
    """``(suite folder, file)`` for every case of ``kind``, both suites."""
    return [
        (folder, p.name)
        for folder in SUITES
        for p in sorted((VECTORS / "bbs-blind" / folder / kind).glob("*.json"))
    ]


COMMITS = cases("commit")
SIGNATURES = cases("signature")
PROOFS = cases("proof")


def h(value: str) -> bytes:
    return bytes.fromhex(value)


def mocked(suite: bbs.Ciphersuite, parameters: dict[str, Any], step: str) -> list[int]:
    step_parameters = parameters[step]
    return mocked_scalars(
        suite, parameters["SEED"], step_parameters["DST"], step_parameters["count"]
    )


def blind_of(vector: dict[str, Any]) -> int:
    return int(vector["proverBlind"], 16) if vector["proverBlind"] else 0


def test_the_vectors_are_all_here() -> None:
    assert (len(COMMITS), len(SIGNATURES), len(PROOFS)) == (4, 10, 16)
    assert Path(VECTORS / "bbs-blind" / "SOURCE.md").is_file()
    assert Path(VECTORS / "bbs-blind" / "SOURCE-shake-256.md").is_file()


@pytest.mark.parametrize("folder", SUITES)
def test_generators(backend: Backend, folder: str) -> None:
    SUITE = SUITES[folder]
    data = load_vector(f"bbs-blind/{folder}/generators.json")
    assert blind.api_id(SUITE).decode() == data["generators"]["api_id"]
    count = len(data["generators"]["MsgGenerators"]) + 1
    made = bbs.core.create_generators(count, blind.api_id(SUITE), suite=SUITE)
    assert made[0].to_bytes().hex() == data["generators"]["Q1"]
    assert [g.to_bytes().hex() for g in made[1:]] == data["generators"]["MsgGenerators"]
    blind_count = len(data["blindGenerators"]["MsgGenerators"]) + 1
    made = blind.blind_generators(blind_count, SUITE)
    assert made[0].to_bytes().hex() == data["blindGenerators"]["Q1"]  # Q_2
    assert [g.to_bytes().hex() for g in made[1:]] == data["blindGenerators"]["MsgGenerators"]


@pytest.mark.parametrize(("folder", "name"), COMMITS)
def test_commit(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    vector = load_vector(f"bbs-blind/{folder}/commit/{name}")
    committed = [h(m) for m in vector["committedMessages"]]
    scalars = mocked(SUITE, vector["mockRngParameters"], "commit")
    commitment, prover_blind = blind.commit(committed, suite=SUITE, random_scalars=scalars)
    assert commitment.hex() == vector["commitmentWithProof"]
    assert prover_blind == int(vector["proverBlind"], 16)
    trace = vector["trace"]["random_scalars"]
    assert scalars[1] == int(trace["s_tilde"], 16)
    assert scalars[2:] == [int(m, 16) for m in trace["m_tildes"]]


@pytest.mark.parametrize(("folder", "name"), SIGNATURES)
def test_blind_sign(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    vector = load_vector(f"bbs-blind/{folder}/signature/{name}")
    keys = vector["signerKeyPair"]
    sk, pk = h(keys["secretKey"]), h(keys["publicKey"])
    commitment = h(vector["commitmentWithProof"] or "")
    messages = [h(m) for m in vector["messages"]]
    committed = [h(m) for m in vector["committedMessages"] or []]
    header = h(vector["header"])
    signature = blind.blind_sign(sk, pk, commitment, header, messages, suite=SUITE)
    assert signature.hex() == vector["signature"]
    blind.verify_blind_sign(
        pk, signature, header, messages, committed, blind_of(vector), suite=SUITE
    )
    with pytest.raises(VerificationError):
        blind.verify_blind_sign(
            pk, signature, header + b"!", messages, committed, blind_of(vector), suite=SUITE
        )
    with pytest.raises(VerificationError):
        blind.verify_blind_sign(
            pk, signature, header, messages, committed, (blind_of(vector) + 1) % R, suite=SUITE
        )


@pytest.mark.parametrize(("folder", "name"), PROOFS)
def test_blind_proof(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    MESSAGES = load_vector(f"bbs-blind/{folder}/messages.json")
    vector = load_vector(f"bbs-blind/{folder}/proof/{name}")
    pk, signature = h(vector["signerPublicKey"]), h(vector["signature"])
    header, ph = h(vector["header"]), h(vector["presentationHeader"])
    L = vector["L"]
    messages = [h(m) for m in MESSAGES["messages"][:L]]
    revealed = {int(i): h(m) for i, m in vector["revealedMessages"].items()}
    revealed_committed = {
        int(i): h(m) for i, m in (vector["revealedCommittedMessages"] or {}).items()
    }
    committed = (
        [h(m) for m in MESSAGES["committedMessages"]] if vector["commitmentWithProof"] else []
    )
    assert all(messages[i] == m for i, m in revealed.items())
    assert all(committed[j] == m for j, m in revealed_committed.items())
    scalars = mocked(SUITE, vector["mockRngParameters"], "proof")
    proof = blind.blind_proof_gen(
        pk,
        signature,
        header,
        ph,
        messages,
        committed,
        sorted(revealed),
        sorted(revealed_committed),
        blind_of(vector),
        suite=SUITE,
        random_scalars=scalars,
    )
    assert proof.hex() == vector["proof"]

    def verify(proof: bytes, ph: bytes = ph, disclosed: dict[int, bytes] = revealed) -> None:
        blind.blind_proof_verify(
            pk,
            proof,
            header,
            ph,
            L,
            [disclosed[i] for i in sorted(disclosed)],
            [revealed_committed[j] for j in sorted(revealed_committed)],
            sorted(disclosed),
            sorted(revealed_committed),
            suite=SUITE,
        )

    verify(proof)
    with pytest.raises(VerificationError):
        verify(proof, ph=ph + b"!")
    with pytest.raises(VerificationError):
        verify(proof[:-1] + bytes([proof[-1] ^ 1]))
    if revealed:
        first = min(revealed)
        with pytest.raises(VerificationError):
            verify(proof, disclosed={**revealed, first: revealed[first] + b"!"})


def test_blind_sign_refuses_a_commitment_whose_proof_does_not_verify() -> None:
    vector = load_vector(f"{DIR}/signature/signature004.json")
    keys = vector["signerKeyPair"]
    commitment = bytearray(h(vector["commitmentWithProof"]))
    commitment[-1] ^= 1  # the proof's challenge
    with pytest.raises(VerificationError):
        blind.blind_sign(
            h(keys["secretKey"]), h(keys["publicKey"]), bytes(commitment), b"", [], suite=SUITE
        )
    # a commitment with more messages than a signer signs
    too_many, _ = blind.commit([b"m"] * (blind.MAX_COMMITTED_MESSAGES + 1), suite=SUITE)
    with pytest.raises(InvalidInputError, match="at most"):
        blind.blind_sign(h(keys["secretKey"]), h(keys["publicKey"]), too_many, b"", [], suite=SUITE)
    for malformed in (b"\x00" * 47, h(vector["commitmentWithProof"])[:-1]):
        with pytest.raises((InvalidInputError, VerificationError)):
            blind.blind_sign(
                h(keys["secretKey"]), h(keys["publicKey"]), malformed, b"", [], suite=SUITE
            )


@pytest.mark.parametrize("folder", SUITES)
def test_a_round_trip_with_fresh_randomness(backend: Backend, folder: str) -> None:
    """Commit to a holder secret, get it signed unseen, prove without disclosing it."""
    suite = SUITES[folder]
    sk = bbs.key_gen(b"k" * 32, b"blind round trip", suite=suite)
    pk = bbs.sk_to_pk(sk, suite=suite)
    committed = [b"holder secret", b"nym secret"]
    commitment, prover_blind = blind.commit(committed, suite=suite)
    messages = [b"kyc_level=3", b"country=GB"]
    signature = blind.blind_sign(sk, pk, commitment, b"hdr", messages, suite=suite)
    blind.verify_blind_sign(pk, signature, b"hdr", messages, committed, prover_blind, suite=suite)
    with pytest.raises(VerificationError):  # another holder secret
        blind.verify_blind_sign(
            pk, signature, b"hdr", messages, [b"other", b"nym secret"], prover_blind, suite=suite
        )
    proof = blind.blind_proof_gen(
        pk, signature, b"hdr", b"ph", messages, committed, [0], [], prover_blind, suite=suite
    )
    blind.blind_proof_verify(pk, proof, b"hdr", b"ph", 2, [messages[0]], [], [0], [], suite=suite)
    with pytest.raises(VerificationError):  # a verifier that miscounts the signer's messages
        blind.blind_proof_verify(
            pk, proof, b"hdr", b"ph", 3, [messages[0]], [], [0], [], suite=suite
        )


def test_a_deviating_committer_without_an_opening_is_refused(backend: Backend) -> None:
    """A prover that does not know an opening of its commitment, with its own
    randomness, fakes the proof of knowledge: the signer refuses it. The same
    steps from a real opening are accepted, so the refusal is the missing opening's."""
    import random

    from zkattest.hazmat.curve import get_backend

    own = random.Random(11)
    suite = SUITE
    sk = bbs.key_gen(b"k" * 32, b"deviating committer", suite=suite)
    pk = bbs.sk_to_pk(sk, suite=suite)
    api = blind.api_id(suite)
    generators = blind.blind_generators(2, suite)
    # C = x·G1 for an x it knows, but no opening over (Q_2, J_1)
    C = get_backend().g1_generator() * own.randrange(1, R)
    s_hat, m_hat = own.randrange(1, R), own.randrange(1, R)
    for _ in range(8):
        challenge = own.randrange(1, R)
        forged = blind.commitment_with_proof_to_octets(C, s_hat, [m_hat], challenge)
        with pytest.raises(VerificationError):
            blind.blind_sign(sk, pk, forged, b"", [b"m"], suite=suite)
    # a real opening, its proof made with the same kind of randomness, passes
    scalars = [own.randrange(1, R) for _ in range(3)]
    honest, _ = blind.core_commit(
        generators, [own.randrange(1, R)], api, suite, random_scalars=scalars
    )
    blind.blind_sign(sk, pk, honest, b"", [b"m"], suite=suite)
    # and a real proof moved onto another commitment point is refused
    moved_C, s, m, c = blind.octets_to_commitment_with_proof(honest)
    moved = blind.commitment_with_proof_to_octets(moved_C + generators[0], s, m, c)
    with pytest.raises(VerificationError):
        blind.blind_sign(sk, pk, moved, b"", [b"m"], suite=suite)
