"""Make the golden presentations: one per built-in circuit, from fixed inputs.

    .venv/bin/python -m tests.vectors.presentations.make     # rewrites the *.json here

Every input is fixed: the issuer key (draft KeyGen on fixed key material), the
credential (BBS signing is deterministic), each challenge (id, nonce, date,
horizon, expiry), the holder's clock, and every random scalar of the proof,
drawn from :func:`seeded_rng` (SHA-256 in counter mode, reduced mod r).
``tests/test_golden_presentations.py`` makes each presentation again, compares
it byte for byte with the stored one, and verifies the stored one. Run this
script only to change the proof format on purpose; SOURCE.md says when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zkattest import Challenge, Credential, IssuerSecretKey, issue_credential, prove
from zkattest.circuits import get_circuit, load_builtin_circuits
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import R
from zkattest.schema import get_schema

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
KEY_MATERIAL = b"zkattest golden presentations: issuer key material, not secret"
NOW = dt.datetime(2026, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
HORIZON_DAYS = 30


def seeded_rng(label: str) -> Callable[[], int]:
    """Scalars in [1, r): SHA-256(label ‖ counter) twice (64 bytes), mod (r - 1), + 1."""
    counter = 0

    def draw() -> int:
        nonlocal counter
        block = b"".join(
            hashlib.sha256(f"{label}/{counter}/{half}".encode()).digest() for half in (0, 1)
        )
        counter += 1
        return 1 + int.from_bytes(block, "big") % (R - 1)

    return draw


def issuer() -> IssuerSecretKey:
    suite = bbs.BLS12_381_SHA_256
    return IssuerSecretKey(bbs.key_gen(KEY_MATERIAL, b"zkattest/issuer", suite=suite), suite)


#: The example investor (examples/investor.json), changed where a circuit asks for
#: another kind of holder: Rule 144A is for qualified institutional buyers.
OVERRIDES: dict[str, dict[str, object]] = {
    "qib_144a": {
        "legal_name": "Example Fund LP",
        "investor_type": "entity",
        "securities_owned_usd": 250_000_000,
    },
}


def credential(circuit_id: str) -> Credential:
    attributes = json.loads((ROOT / "examples" / "investor.json").read_text())
    attributes.update(OVERRIDES.get(circuit_id, {}))
    return issue_credential(
        issuer(), get_schema("investor/v1"), attributes, today=dt.date(2026, 1, 15)
    )


def challenge(circuit_id: str) -> Challenge:
    circuit = get_circuit(circuit_id)
    return Challenge(
        challenge_id=f"golden-{circuit_id}"[:64],
        nonce=hashlib.sha256(f"golden nonce {circuit_id}".encode()).digest(),
        verifier_domain="exchange.example",
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=WALLET,
        chain_id=1,
        today=NOW.date(),
        horizon_days=HORIZON_DAYS,
        expires_at=NOW + dt.timedelta(minutes=5),
        circuit_params=dict(circuit.params),
    )


def vector(circuit_id: str) -> dict[str, Any]:
    """The stored form: inputs and the presentation, as JSON objects."""
    made = challenge(circuit_id)
    held = credential(circuit_id)
    presentation = prove(held, made, rng=seeded_rng(circuit_id), now=NOW)
    return {
        "circuit_id": circuit_id,
        "issuer_public_key": json.loads(issuer().public_key().to_json()),
        "credential": json.loads(held.to_json()),
        "challenge": json.loads(made.to_json()),
        "now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rng": f"seeded_rng({circuit_id!r})",
        "presentation": json.loads(presentation.to_json()),
    }


def main() -> None:
    for circuit_id in sorted(load_builtin_circuits()):
        path = HERE / f"{circuit_id}.json"
        path.write_text(json.dumps(vector(circuit_id), indent=2, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
