"""BBS per-verifier pseudonyms (zkattest.hazmat.bbs.pseudonym) against the published vectors.

``tests/vectors/bbs-pseudonyms/`` (SOURCE.md: the vector-of-nym-secrets design, and
what the vectors settle). Commitments, signatures, proofs and pseudonyms are
reproduced byte for byte from the mocked random scalars, with 1 and 10 nym
secrets, and verify; altered inputs are refused; both curve backends.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import VECTORS, load_vector, mocked_scalars
from zkattest.errors import VerificationError
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import pseudonym
from zkattest.hazmat.curve import Backend, R

SUITES = {
    "bls12-381-sha-256": bbs.BLS12_381_SHA_256,
    "bls12-381-shake-256": bbs.BLS12_381_SHAKE_256,
}
SUITE = bbs.BLS12_381_SHA_256


def cases(kind: str) -> list[tuple[str, str]]:
    """``(suite folder, file)`` for every case of ``kind``, both suites."""
    return [
        (folder, p.name)
        for folder in SUITES
        for p in sorted((VECTORS / "bbs-pseudonyms" / folder / kind).glob("*.json"))
    ]


COMMITS = cases("nymCommit")
SIGNATURES = cases("nymSignature")
PROOFS = cases("nymProof")


def h(value: str) -> bytes:
    return bytes.fromhex(value)


def scalars(values: list[str]) -> list[int]:
    return [int(v, 16) for v in values]


def mocked(suite: bbs.Ciphersuite, parameters: dict[str, Any], step: str, count: int) -> list[int]:
    return mocked_scalars(suite, parameters["SEED"], parameters[step]["DST"], count)


def test_the_vectors_are_all_here() -> None:
    assert (len(COMMITS), len(SIGNATURES), len(PROOFS)) == (8, 12, 22)
    assert (VECTORS / "bbs-pseudonyms" / "SOURCE.md").is_file()
    assert (VECTORS / "bbs-pseudonyms" / "SOURCE-shake-256.md").is_file()


@pytest.mark.parametrize("folder", SUITES)
def test_generators(backend: Backend, folder: str) -> None:
    SUITE = SUITES[folder]
    data = load_vector(f"bbs-pseudonyms/{folder}/generators.json")
    assert pseudonym.api_id(SUITE).decode() == data["generators"]["api_id"]
    made = bbs.core.create_generators(
        len(data["generators"]["MsgGenerators"]) + 1, pseudonym.api_id(SUITE), suite=SUITE
    )
    assert [g.to_bytes().hex() for g in made[1:]] == data["generators"]["MsgGenerators"]


@pytest.mark.parametrize(("folder", "name"), COMMITS)
def test_commit_with_nym(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    vector = load_vector(f"bbs-pseudonyms/{folder}/nymCommit/{name}")
    committed = [h(m) for m in vector["committedMessages"]]
    nyms = scalars(vector["proverNyms"])
    drawn = mocked(SUITE, vector["mockRngParameters"], "commit", len(committed) + len(nyms) + 2)
    commitment, prover_blind = pseudonym.commit_with_nym(
        committed, nyms, suite=SUITE, random_scalars=drawn
    )
    assert commitment.hex() == vector["commitmentWithProof"]
    assert prover_blind == int(vector["proverBlind"], 16)


@pytest.mark.parametrize(("folder", "name"), SIGNATURES)
def test_blind_sign_with_nym(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    vector = load_vector(f"bbs-pseudonyms/{folder}/nymSignature/{name}")
    keys = vector["signerKeyPair"]
    sk, pk = h(keys["secretKey"]), h(keys["publicKey"])
    messages = [h(m) for m in vector["messages"]]
    committed = [h(m) for m in vector["committedMessages"]]
    nyms = scalars(vector["proverNyms"])
    entropy = int(vector["signer_nym_entropy"], 16)
    header = h(vector["header"])
    signature = pseudonym.blind_sign_with_nym(
        sk, pk, h(vector["commitmentWithProof"]), len(nyms), entropy, header, messages,
        suite=SUITE,
    )  # fmt: skip
    assert signature.hex() == vector["signature"]
    blind = int(vector["proverBlind"], 16)
    secrets = pseudonym.verify_finalize_with_nym(
        pk, signature, header, messages, committed, nyms, entropy, blind, suite=SUITE
    )
    assert secrets == scalars(vector["nym_secrets"])
    with pytest.raises(VerificationError):  # the holder's nyms without the signer's entropy
        pseudonym.verify_finalize_with_nym(
            pk, signature, header, messages, committed, nyms, 0, blind, suite=SUITE
        )


@pytest.mark.parametrize(("folder", "name"), PROOFS)
def test_proof_with_nym(backend: Backend, folder: str, name: str) -> None:
    SUITE = SUITES[folder]
    MESSAGES = load_vector(f"bbs-pseudonyms/{folder}/messages.json")
    vector = load_vector(f"bbs-pseudonyms/{folder}/nymProof/{name}")
    pk, signature = h(vector["signerPublicKey"]), h(vector["signature"])
    header, ph = h(vector["header"]), h(vector["presentationHeader"])
    context = h(vector["context_id"])
    L = vector["L"]
    messages = [h(m) for m in vector.get("messages", MESSAGES["messages"][:L])]
    committed = [h(m) for m in vector.get("committedMessages", MESSAGES["committedMessages"])]
    secrets = scalars(vector["nym_secrets"])
    revealed = {int(i): h(m) for i, m in (vector["revealedMessages"] or {}).items()}
    revealed_committed = {
        int(i): h(m) for i, m in (vector["revealedCommittedMessages"] or {}).items()
    }
    hidden = (L - len(revealed)) + 1 + (len(committed) - len(revealed_committed)) + len(secrets)
    drawn = mocked(SUITE, vector["mockRngParameters"], "proof", 5 + hidden)
    proof, nym = pseudonym.proof_gen_with_nym(
        pk, signature, header, ph, secrets, context, messages, committed,
        sorted(revealed), sorted(revealed_committed), int(vector["proverBlind"], 16),
        suite=SUITE, random_scalars=drawn,
    )  # fmt: skip
    assert nym.hex() == vector["pseudonym"]
    assert proof.hex() == vector["proof"]

    def verify(proof: bytes = proof, nym: bytes = nym, context: bytes = context) -> None:
        pseudonym.proof_verify_with_nym(
            pk, proof, header, ph, nym, context, len(secrets), L,
            [revealed[i] for i in sorted(revealed)],
            [revealed_committed[j] for j in sorted(revealed_committed)],
            sorted(revealed), sorted(revealed_committed), suite=SUITE,
        )  # fmt: skip

    verify()
    with pytest.raises(VerificationError):  # another verifier's context
        verify(context=context + b"!")
    other = pseudonym.calculate_pseudonym(context, [s + 1 for s in secrets], suite=SUITE)
    with pytest.raises(VerificationError):  # another pseudonym
        verify(nym=other.to_bytes())
    with pytest.raises(VerificationError):
        verify(proof=proof[:-1] + bytes([proof[-1] ^ 1]))


def _issued(suite: bbs.Ciphersuite) -> dict[str, Any]:
    """A fresh credential with two nym secrets, issued blind."""
    sk = bbs.key_gen(b"k" * 32, b"pseudonym tests", suite=suite)
    pk = bbs.sk_to_pk(sk, suite=suite)
    nyms = [12345, 67890]
    commitment, prover_blind = pseudonym.commit_with_nym([b"holder secret"], nyms, suite=suite)
    messages = [b"kyc_level=3"]
    signature = pseudonym.blind_sign_with_nym(
        sk, pk, commitment, 2, 777, b"h", messages, suite=suite
    )
    secrets = pseudonym.verify_finalize_with_nym(
        pk, signature, b"h", messages, [b"holder secret"], nyms, 777, prover_blind, suite=suite
    )
    return {"pk": pk, "signature": signature, "messages": messages, "secrets": secrets,
            "blind": prover_blind}  # fmt: skip


def _prove(c: dict[str, Any], context: bytes, secrets: list[int], **kw: Any) -> tuple[bytes, bytes]:
    return pseudonym.proof_gen_with_nym(
        c["pk"], c["signature"], b"h", b"ph", secrets, context, c["messages"],
        [b"holder secret"], [], [], c["blind"], suite=SUITE, **kw,
    )  # fmt: skip


def _verify(c: dict[str, Any], proof: bytes, nym: bytes, context: bytes) -> None:
    pseudonym.proof_verify_with_nym(
        c["pk"], proof, b"h", b"ph", nym, context, 2, 1, [], [], [], [], suite=SUITE
    )


def test_one_pseudonym_per_context_unrelated_across_contexts(backend: Backend) -> None:
    c = _issued(SUITE)
    first, nym_a = _prove(c, b"exchange-a.example", c["secrets"])
    second, nym_a_again = _prove(c, b"exchange-a.example", c["secrets"])
    _, nym_b = _prove(c, b"exchange-b.example", c["secrets"])
    _verify(c, first, nym_a, b"exchange-a.example")
    _verify(c, second, nym_a_again, b"exchange-a.example")
    assert nym_a == nym_a_again
    assert nym_a != nym_b
    assert first != second  # the proofs themselves are unlinkable
    windows = {nym_a[i : i + 16] for i in range(len(nym_a) - 15)}
    assert not any(nym_b[i : i + 16] in windows for i in range(len(nym_b) - 15))


def test_a_deviating_prover_with_other_nym_secrets_is_refused(backend: Backend) -> None:
    """A prover with its own randomness shows the pseudonym of secrets other than
    the signed ones (to get a second seat): refused. The same steps with the
    signed secrets verify."""
    import random

    own = random.Random(5)
    c = _issued(SUITE)
    hidden = 1 + 1 + 1 + 2  # the signer's message, secret_prover_blind, holder secret, 2 nyms
    for forged_secrets in ([c["secrets"][0] + 1, c["secrets"][1]], [1, 2]):
        drawn = [own.randrange(1, R) for _ in range(5 + hidden)]
        proof, nym = _prove(c, b"exchange.example", forged_secrets, random_scalars=drawn)
        with pytest.raises(VerificationError):
            _verify(c, proof, nym, b"exchange.example")
    drawn = [own.randrange(1, R) for _ in range(5 + hidden)]
    proof, nym = _prove(c, b"exchange.example", c["secrets"], random_scalars=drawn)
    _verify(c, proof, nym, b"exchange.example")
