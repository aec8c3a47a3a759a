"""The command line: the demo and the file-based issuer / holder / verifier flow."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sample_attributes
from zkattest.cli import main

WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.mark.parametrize("circuit", ["accredited_investor_506c", "kyc_adult"])
def test_demo_runs_the_whole_flow(circuit: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--circuit", circuit]) == 0
    out = capsys.readouterr().out
    assert "signature valid" in out
    assert f"satisfies {circuit}" in out
    assert "another wallet: refused (context_mismatch)" in out
    verifier_view = out.split("== Verifier sees only")[1]
    for secret in ("Ada Lovelace", "1990-12-10", "2400000", "GB", "net_worth"):
        assert secret not in verifier_view


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_file_based_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret, public = tmp_path / "issuer.secret.json", tmp_path / "issuer.json"
    attrs, cred = tmp_path / "attrs.json", tmp_path / "credential.json"
    challenge, presentation = tmp_path / "challenge.json", tmp_path / "presentation.json"
    attrs.write_text(json.dumps(sample_attributes()))

    assert (
        _run(
            ["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys
        )[0]
        == 0
    )
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert (
        _run(
            [
                "issuer",
                "issue",
                "--key",
                str(secret),
                "--attributes",
                str(attrs),
                "--out",
                str(cred),
            ],
            capsys,
        )[0]
        == 0
    )
    status, out, _ = _run(
        ["holder", "check", "--credential", str(cred), "--issuer", str(public)], capsys
    )
    assert status == 0
    assert "credential valid" in out
    assert (
        _run(
            [
                "verifier",
                "challenge",
                "--circuit",
                "kyc_adult",
                "--domain",
                "exchange.example",
                "--wallet",
                WALLET,
                "--chain-id",
                "1",
                "--out",
                str(challenge),
            ],
            capsys,
        )[0]
        == 0
    )
    assert (
        _run(
            [
                "holder",
                "prove",
                "--credential",
                str(cred),
                "--challenge",
                str(challenge),
                "--wallet",
                WALLET,
                "--issuer",
                str(public),
                "--out",
                str(presentation),
            ],
            capsys,
        )[0]
        == 0
    )
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 0
    assert out.startswith("accepted: 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")

    # refusals: another issuer, a tampered proof, an existing output file
    other_secret, other_public = tmp_path / "o.secret.json", tmp_path / "o.json"
    _run(
        ["issuer", "keygen", "--secret-out", str(other_secret), "--public-out", str(other_public)],
        capsys,
    )
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(other_public),
        ],
        capsys,
    )
    assert status == 1
    assert out.strip() == "refused: untrusted_issuer"
    doc = json.loads(presentation.read_text())
    doc["proof"] = doc["proof"][:-8] + "AAAAAAA="
    presentation.write_text(json.dumps(doc))
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 1
    assert out.strip() in ("refused: invalid", "refused: malformed")
    status, _, err = _run(
        ["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys
    )
    assert status == 1
    assert "exists" in err


def test_bad_issuer_input_and_wrong_wallet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, public = tmp_path / "s.json", tmp_path / "p.json"
    _run(["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys)
    attrs = tmp_path / "attrs.json"
    attrs.write_text(json.dumps(sample_attributes(net_worth_usd=-5)))
    status, _, err = _run(
        ["issuer", "issue", "--key", str(secret), "--attributes", str(attrs)], capsys
    )
    assert status == 1
    assert "net_worth_usd" in err
    attrs.write_text("[1, 2]")
    assert (
        _run(["issuer", "issue", "--key", str(secret), "--attributes", str(attrs)], capsys)[0] == 1
    )
    challenge = tmp_path / "c.json"
    _run(
        [
            "verifier",
            "challenge",
            "--circuit",
            "kyc_adult",
            "--domain",
            "exchange.example",
            "--wallet",
            WALLET,
            "--chain-id",
            "1",
            "--out",
            str(challenge),
        ],
        capsys,
    )
    attrs.write_text(json.dumps(sample_attributes()))
    cred = tmp_path / "cred.json"
    _run(
        ["issuer", "issue", "--key", str(secret), "--attributes", str(attrs), "--out", str(cred)],
        capsys,
    )
    status, _, err = _run(
        [
            "holder",
            "prove",
            "--credential",
            str(cred),
            "--challenge",
            str(challenge),
            "--wallet",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        ],
        capsys,
    )
    assert status == 1
    assert "another wallet" in err
    status, _, err = _run(
        [
            "holder",
            "check",
            "--credential",
            str(tmp_path / "missing.json"),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 1
    assert "cannot read" in err


def test_console_script_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "zkattest.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("zkattest ")


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["launch-rockets"])
    assert exc.value.code == 2
