"""A platform's own circuits, through a registry: library, CLI and service.

The platform writes ``kyc_adult_21.toml`` (the built-in ``kyc_adult`` with the
age of majority fixed at 21); its verifier challenges for it, the wallet proves
it and the verifier checks it, each with a registry holding the file. Without
the file, the circuit is unknown, to the wallet and to the verifier alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest

from tests.conftest import sample_attributes
from zkattest import Challenge, IssuerSecretKey, issue_credential, prove
from zkattest import verify as _verify
from zkattest.circuits import CircuitRegistry, circuits_dir
from zkattest.cli import main
from zkattest.errors import InvalidInputError, VerificationError
from zkattest.holder import accept_challenge
from zkattest.schema import get_schema

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"

#: Unbound credentials' presentations (bound ones: test_holder_binding.py).
verify = functools.partial(_verify, require_binding=False)


def platform_circuit(folder: Path) -> Path:
    text = (circuits_dir() / "kyc_adult.toml").read_text()
    text = text.replace('id = "kyc_adult"', 'id = "kyc_adult_21"').replace(
        "default = 18", "default = 21"
    )
    path = folder / "kyc_adult_21.toml"
    path.write_text(text)
    return path


def test_a_platform_circuit_is_proven_and_verified_through_a_registry(tmp_path: Path) -> None:
    circuits = CircuitRegistry()
    circuit = circuits.add_file(platform_circuit(tmp_path))
    assert circuit.params == (("majority_age", 21),)
    issuer = IssuerSecretKey.generate()
    credential = issue_credential(
        issuer, get_schema("investor/v1"), sample_attributes(), today=NOW.date()
    )
    challenge = Challenge.create(
        circuit, verifier_domain="exchange.example", wallet_address=WALLET, chain_id=1, now=NOW
    )
    presentation = prove(credential, challenge, now=NOW, circuits=circuits)
    result = verify(presentation, challenge, issuer.public_key(), now=NOW, circuits=circuits)
    assert result.circuit_id == "kyc_adult_21"
    # without the platform's file the circuit is unknown to both sides
    with pytest.raises(InvalidInputError, match="kyc_adult_21"):
        accept_challenge(challenge, now=NOW)
    with pytest.raises(VerificationError):
        verify(presentation, challenge, issuer.public_key(), now=NOW)


def test_the_cli_takes_platform_circuit_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    circuit = str(platform_circuit(tmp_path))
    secret, public = tmp_path / "issuer.secret.json", tmp_path / "issuer.json"
    attrs, cred = tmp_path / "attrs.json", tmp_path / "credential.json"
    attrs.write_text(json.dumps(sample_attributes()))
    challenge, presentation = tmp_path / "challenge.json", tmp_path / "presentation.json"
    steps = [
        ["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)],
        ["holder", "init", "--out", str(tmp_path / "holder.json")],
        ["holder", "request", "--secret", str(tmp_path / "holder.json"), "--issuer", str(public),
         "--out", str(tmp_path / "req.json"), "--pending", str(tmp_path / "pending.json")],
        ["issuer", "issue", "--key", str(secret), "--attributes", str(attrs),
         "--request", str(tmp_path / "req.json"), "--customer", "C-1",
         "--ledger", str(tmp_path / "ledger.sqlite"), "--out", str(tmp_path / "issued.json")],
        ["holder", "accept", "--credential", str(tmp_path / "issued.json"), "--issuer", str(public),
         "--secret", str(tmp_path / "holder.json"), "--pending", str(tmp_path / "pending.json"),
         "--out", str(cred)],
        ["--circuit-file", circuit, "verifier", "challenge", "--circuit", "kyc_adult_21",
         "--domain", "exchange.example", "--wallet", WALLET, "--chain-id", "1",
         "--out", str(challenge)],
        ["--circuit-file", circuit, "holder", "prove", "--credential", str(cred),
         "--secret", str(tmp_path / "holder.json"),
         "--challenge", str(challenge), "--wallet", WALLET, "--issuer", str(public), "--yes",
         "--out", str(presentation)],
        ["--circuit-file", circuit, "verify", "--presentation", str(presentation),
         "--challenge", str(challenge), "--issuer", str(public)],
    ]  # fmt: skip
    for argv in steps:
        assert main(argv) == 0, argv
    assert "kyc_adult_21" in capsys.readouterr().out
    # the verifier without the file refuses the presentation (exit status 1: refused)
    assert main(["verify", "--presentation", str(presentation), "--challenge",
                 str(challenge), "--issuer", str(public)]) != 0  # fmt: skip
    # a file that is not a circuit stops the command, naming it
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 'x'\n")
    verify_with_bad = ["--circuit-file", str(bad), "verify", "--presentation", str(presentation),
                       "--challenge", str(challenge), "--issuer", str(public)]  # fmt: skip
    assert main(verify_with_bad) == 2
    assert "bad.toml" in capsys.readouterr().err
