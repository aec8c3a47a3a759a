"""The CLI over a circuit of two credentials: two issuers, one holder, the wallet's
choice among its credential files, and a verifier trusting each issuer for its schema
and role."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import sample_attributes
from zkattest.cli import main

WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
TODAY = dt.datetime.now(dt.UTC).date()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def credential(
    tmp: Path, capsys: pytest.CaptureFixture[str], name: str, schema: str, attributes: dict
) -> tuple[Path, Path]:
    """An issuer (``name``) and the holder's accepted credential from it: key files
    and credential file."""
    secret, public = tmp / f"{name}.secret.json", tmp / f"{name}.json"
    assert (
        run(capsys, "issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public))[0]
        == 0
    )
    request, pending, issued, accepted = (
        tmp / f"{name}.{n}.json" for n in ("req", "pend", "issued", "cred")
    )
    attrs = tmp / f"{name}.attrs.json"
    attrs.write_text(json.dumps(attributes))
    holder = str(tmp / "holder.json")
    assert (
        run(
            capsys,
            "holder",
            "request",
            "--secret",
            holder,
            "--issuer",
            str(public),
            "--schema",
            schema,
            "--out",
            str(request),
            "--pending",
            str(pending),
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "issuer",
            "issue",
            "--key",
            str(secret),
            "--attributes",
            str(attrs),
            "--schema",
            schema,
            "--request",
            str(request),
            "--customer",
            "CUST-1",
            "--ledger",
            str(tmp / f"{name}.ledger"),
            "--out",
            str(issued),
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "holder",
            "accept",
            "--credential",
            str(issued),
            "--issuer",
            str(public),
            "--secret",
            holder,
            "--pending",
            str(pending),
            "--out",
            str(accepted),
        )[0]
        == 0
    )
    return public, accepted  # fmt: skip


def test_two_credentials_from_two_issuers_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "holder", "init", "--out", str(tmp_path / "holder.json"))[0] == 0
    kyc_key, kyc = credential(tmp_path, capsys, "kyc", "investor/v1", sample_attributes())
    letter = {
        "holder_ref": "engagement-12",
        "accreditation_basis": "net_worth",
        "verifier_kind": "attorney",
        "verified_date": (TODAY - dt.timedelta(days=5)).isoformat(),
        "issuance_date": (TODAY - dt.timedelta(days=5)).isoformat(),
        "expiry_date": (TODAY + dt.timedelta(days=85)).isoformat(),
    }
    cpa_key, cpa = credential(tmp_path, capsys, "cpa", "accreditation/v1", letter)
    challenge, presentation = tmp_path / "challenge.json", tmp_path / "presentation.json"
    assert run(capsys, "verifier", "challenge", "--circuit", "accredited_investor_506c_verified",
               "--domain", "exchange.example", "--wallet", WALLET, "--chain-id", "1",
               "--out", str(challenge))[0] == 0  # fmt: skip
    prove = ["holder", "prove", "--secret", str(tmp_path / "holder.json"), "--challenge",
             str(challenge), "--wallet", WALLET, "--yes"]  # fmt: skip
    # one file short: the wallet names the credential it cannot fill
    status, _, err = run(capsys, *prove, "--credential", str(kyc))
    assert status == 1
    assert "cannot fill credential accreditation (accreditation/v1)" in err
    # given both, in any order, it picks one per credential of the circuit
    status, _, err = run(
        capsys,
        *prove,
        "--credential",
        str(cpa),
        "--credential",
        str(kyc),
        "--out",
        str(presentation),
    )
    assert status == 0, err
    assert "credential kyc (investor/v1)" in err
    assert "credential accreditation (accreditation/v1)" in err
    assert "the same holder secret in every credential" in err
    names = [c["name"] for c in json.loads(presentation.read_text())["credentials"]]
    assert names == ["kyc", "accreditation"]
    verify = [
        "verify",
        "--presentation",
        str(presentation),
        "--challenge",
        str(challenge),
    ]
    status, out, _ = run(
        capsys, *verify,
        "--trust", str(kyc_key), "investor/v1", "kyc_provider",
        "--trust", str(cpa_key), "accreditation/v1", "accreditation_verifier",
    )  # fmt: skip
    assert status == 0
    assert out.startswith(f"accepted: {WALLET}")
    # bare keys hold no role; a KYC key trusted in both roles but not for the schema: refused
    status, out, _ = run(capsys, *verify, "--issuer", str(kyc_key), "--issuer", str(cpa_key))
    assert (status, out.strip()) == (1, "refused: untrusted_issuer")
    status, out, _ = run(
        capsys, *verify,
        "--trust", str(kyc_key), "investor/v1", "kyc_provider",
        "--trust", str(cpa_key), "investor/v1", "accreditation_verifier",
    )  # fmt: skip
    assert (status, out.strip()) == (1, "refused: untrusted_issuer")
    status, _, err = run(capsys, *verify)
    assert status == 2
    assert "name the trusted issuers" in err
