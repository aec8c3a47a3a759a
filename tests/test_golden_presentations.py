"""Golden presentations: fixed inputs give the stored bytes, and those verify.

The files in tests/vectors/presentations/ (see its SOURCE.md) pin the proof's
wire format: a restructuring of the prover or the verifier must leave them
unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.vectors.presentations import make
from zkattest import Challenge, Credential, IssuerPublicKey, Presentation, prove
from zkattest import verify as _verify
from zkattest.circuits import load_builtin_circuits
from zkattest.errors import VerificationError
from zkattest.hazmat.curve import use_backend

VECTORS = Path(__file__).parent / "vectors" / "presentations"
#: The one-credential circuits (the presentation of several credentials, always
#: bound, is pinned by test_several_credentials.py).
CIRCUITS = sorted(c.id for c in load_builtin_circuits().values() if len(c.credentials) == 1)

#: Unbound credentials' presentations (bound ones: test_holder_binding.py).
verify = functools.partial(_verify, require_binding=False)


def stored(circuit_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / f"{circuit_id}.json").read_text())
    return data


def test_there_is_one_vector_per_built_in_circuit() -> None:
    assert sorted(p.stem for p in VECTORS.glob("*.json")) == CIRCUITS


@pytest.mark.parametrize("circuit_id", CIRCUITS)
def test_fixed_inputs_give_the_stored_presentation(circuit_id: str) -> None:
    vector = stored(circuit_id)
    assert make.vector(circuit_id) == vector
    held = Credential.from_json(json.dumps(vector["credential"]))
    challenge = Challenge.from_json(json.dumps(vector["challenge"]))
    presentation = prove(held, challenge, rng=make.seeded_rng(circuit_id), now=make.NOW)
    expected = Presentation.from_json(json.dumps(vector["presentation"]))
    assert presentation.proof == expected.proof
    assert presentation.to_json() == json.dumps(
        vector["presentation"], sort_keys=True, separators=(",", ":")
    )


@pytest.mark.parametrize("circuit_id", CIRCUITS)
def test_the_stored_presentation_verifies(circuit_id: str) -> None:
    vector = stored(circuit_id)
    issuer = IssuerPublicKey.from_json(json.dumps(vector["issuer_public_key"]))
    challenge = Challenge.from_json(json.dumps(vector["challenge"]))
    presentation = Presentation.from_json(json.dumps(vector["presentation"]))
    now = dt.datetime.fromisoformat(vector["now"])
    result = verify(presentation, challenge, {issuer.key_id: issuer}, now=now)
    assert result.issuer_key_id == issuer.key_id
    assert result.valid_through == challenge.today + dt.timedelta(days=make.HORIZON_DAYS)
    # one flipped bit anywhere in the proof is refused
    proof = bytearray(presentation.proof)
    proof[len(proof) // 2] ^= 1
    tampered = Presentation(**{**presentation.__dict__, "proof": bytes(proof)})
    with pytest.raises(VerificationError):
        verify(tampered, challenge, {issuer.key_id: issuer}, now=now)


@pytest.mark.slow
def test_the_pure_python_backend_gives_the_same_bytes() -> None:
    vector = stored("kyc_adult")
    held = Credential.from_json(json.dumps(vector["credential"]))
    challenge = Challenge.from_json(json.dumps(vector["challenge"]))
    with use_backend("py-ecc"):
        presentation = prove(held, challenge, rng=make.seeded_rng("kyc_adult"), now=make.NOW)
    assert json.loads(presentation.to_json()) == vector["presentation"]


def test_the_seeded_rng_is_fixed() -> None:
    draw = make.seeded_rng("label")
    first = [draw() for _ in range(3)]
    again = make.seeded_rng("label")
    assert [again() for _ in range(3)] == first
    assert len(set(first)) == 3
    assert all(0 < x < 2**255 for x in first)
