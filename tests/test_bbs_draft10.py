"""The base draft's -10 vectors (a transcription, tests/vectors/bbs-10/SOURCE.md)
against zkattest's -09 implementation: the same bytes, both suites, both backends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import load_vector, mocked_scalars
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import Backend

VECTORS: dict[str, Any] = load_vector("bbs-10/vectors.json")
SUITES = {"sha256": bbs.BLS12_381_SHA_256, "shake256": bbs.BLS12_381_SHAKE_256}


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("name", sorted(SUITES))
def test_draft10_keys_signatures_and_proofs_reproduce(name: str, backend: Backend) -> None:
    suite, data = SUITES[name], VECTORS[name]
    key = data["keygen"]
    sk = bbs.key_gen(h(key["keyMaterial"]), h(key["keyInfo"]), h(key["keyDst"]), suite=suite)
    assert sk.hex() == key["secretKey"]
    pk = bbs.sk_to_pk(sk, suite=suite)
    assert pk.hex() == key["publicKey"]
    for case in data["signatures"]:
        messages = [h(m) for m in case["messages"]]
        signature = bbs.sign(sk, pk, h(case["header"]), messages, suite=suite)
        assert signature.hex() == case["signature"], case["section"]
        bbs.verify(pk, signature, h(case["header"]), messages, suite=suite)
    for case in data["proofs"]:
        messages = [h(m) for m in case["messages"]]
        hidden = len(messages) - len(case["disclosedIndexes"])
        scalars = mocked_scalars(
            suite,
            h(case["seed"]).decode(),
            (suite.ciphersuite_id + b"H2G_HM2S_MOCK_RANDOM_SCALARS_DST_").decode(),
            5 + hidden,
        )
        args = (pk, h(case["signature"]), h(case["header"]), h(case["presentationHeader"]))
        proof = bbs.proof_gen(
            *args, messages, case["disclosedIndexes"], suite=suite, random_scalars=scalars
        )
        assert proof.hex() == case["proof"], case["section"]
        disclosed = [messages[i] for i in case["disclosedIndexes"]]
        bbs.proof_verify(
            pk, proof, h(case["header"]), h(case["presentationHeader"]), disclosed,
            case["disclosedIndexes"], suite=suite,
        )  # fmt: skip


def test_draft10_sha256_vectors_are_the_draft09_fixtures() -> None:
    """-10's SHA-256 signatures and proofs are byte for byte those of -06..-09."""
    data = VECTORS["sha256"]
    pairs = [("signature/signature001.json", data["signatures"][0]["signature"], "signature"),
             ("signature/signature004.json", data["signatures"][1]["signature"], "signature"),
             ("signature/signature010.json", data["signatures"][2]["signature"], "signature"),
             ("proof/proof001.json", data["proofs"][0]["proof"], "proof"),
             ("proof/proof002.json", data["proofs"][1]["proof"], "proof"),
             ("proof/proof003.json", data["proofs"][2]["proof"], "proof")]  # fmt: skip
    for path, value, field in pairs:
        fixture = load_vector(f"bbs/bls12-381-sha-256/{path}")
        assert fixture[field] == value, path
    assert json.dumps(load_vector("bbs/bls12-381-sha-256/keypair.json")["keyPair"]) == json.dumps(
        {"secretKey": data["keygen"]["secretKey"], "publicKey": data["keygen"]["publicKey"]}
    )
