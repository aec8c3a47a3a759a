"""The CLI's revocation commands: issuer registry, issue --registry, revoke, publish;
holder update; verifier challenge --max-state-age; verify --registry-state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import sample_attributes
from zkattest.cli import main

WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status, out, err = run(capsys, *args)
    assert status == 0, err
    return out + err


def test_revocation_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = {
        n: str(tmp_path / n)
        for n in (
            "issuer.secret.json",
            "issuer.json",
            "holder.json",
            "registry.sqlite",
            "state-0.json",
            "state-1.json",
            "attrs.json",
            "ledger.sqlite",
            "challenge.json",
            "presentation.json",
            "challenge2.json",
        )
    }
    Path(f["attrs.json"]).write_text(json.dumps(sample_attributes()))
    ok(
        capsys,
        "issuer",
        "keygen",
        "--secret-out",
        f["issuer.secret.json"],
        "--public-out",
        f["issuer.json"],
    )
    ok(capsys, "holder", "init", "--out", f["holder.json"])
    out = ok(
        capsys,
        "issuer",
        "registry",
        "--key",
        f["issuer.secret.json"],
        "--registry",
        f["registry.sqlite"],
        "--capacity",
        "8",
        "--out",
        f["state-0.json"],
    )
    assert "epoch 0 published" in out
    status, _, err = run(
        capsys,
        "issuer",
        "registry",
        "--key",
        f["issuer.secret.json"],
        "--registry",
        f["registry.sqlite"],
        "--capacity",
        "8",
    )
    assert status == 2
    assert "created once" in err

    def issue(customer: str) -> str:
        request, pending = tmp_path / f"{customer}.req", tmp_path / f"{customer}.pend"
        issued, credential = tmp_path / f"{customer}.issued", tmp_path / f"{customer}.cred"
        ok(
            capsys,
            "holder",
            "request",
            "--secret",
            f["holder.json"],
            "--issuer",
            f["issuer.json"],
            "--out",
            str(request),
            "--pending",
            str(pending),
        )
        out = ok(
            capsys,
            "issuer",
            "issue",
            "--key",
            f["issuer.secret.json"],
            "--attributes",
            f["attrs.json"],
            "--request",
            str(request),
            "--customer",
            customer,
            "--ledger",
            f["ledger.sqlite"],
            "--registry",
            f["registry.sqlite"],
            "--out",
            str(issued),
        )
        assert "revocable (registry epoch" in out
        ok(
            capsys,
            "holder",
            "accept",
            "--credential",
            str(issued),
            "--issuer",
            f["issuer.json"],
            "--secret",
            f["holder.json"],
            "--pending",
            str(pending),
            "--out",
            str(credential),
        )
        return str(credential)

    def challenge(out: str, *extra: str) -> None:
        circuit = ("--circuit", "accredited_investor_506c", "--domain", "exchange.example")
        wallet = ("--wallet", WALLET, "--chain-id", "1")
        ok(capsys, "verifier", "challenge", *circuit, *wallet, *extra, "--out", out)

    alice, bob = issue("alice"), issue("bob")
    challenge(f["challenge.json"], "--max-state-age", "3600")
    assert "registry_not_before" in Path(f["challenge.json"]).read_text()
    ok(
        capsys,
        "holder",
        "prove",
        "--credential",
        alice,
        "--secret",
        f["holder.json"],
        "--challenge",
        f["challenge.json"],
        "--wallet",
        WALLET,
        "--yes",
        "--out",
        f["presentation.json"],
    )
    verify = (
        "verify",
        "--presentation",
        f["presentation.json"],
        "--challenge",
        f["challenge.json"],
        "--issuer",
        f["issuer.json"],
    )
    out = ok(capsys, *verify, "--registry-state", f["state-0.json"])
    assert out.startswith("accepted:")
    # a verifier that follows the registry but was not given the state
    status, _, err = run(capsys, *verify, "--registry-state", str(tmp_path / "missing.json"))
    assert status == 2
    assert "missing.json" in err
    # revoke Bob, publish; Alice updates from the state, Bob cannot
    out = ok(
        capsys,
        "issuer",
        "revoke",
        "--key",
        f["issuer.secret.json"],
        "--registry",
        f["registry.sqlite"],
        "--customer",
        "bob",
    )
    assert "revoked 1 credential" in out
    status, out, _ = run(
        capsys,
        "issuer",
        "revoke",
        "--key",
        f["issuer.secret.json"],
        "--registry",
        f["registry.sqlite"],
        "--customer",
        "bob",
    )
    assert status == 1
    assert "no live revocable credential" in out
    out = ok(
        capsys,
        "issuer",
        "publish",
        "--key",
        f["issuer.secret.json"],
        "--registry",
        f["registry.sqlite"],
        "--out",
        f["state-1.json"],
    )
    assert "epoch 1 published (1 removed)" in out
    out = ok(
        capsys,
        "holder",
        "update",
        "--credential",
        alice,
        "--state",
        f["state-0.json"],
        "--state",
        f["state-1.json"],
    )
    assert "epoch 1" in out
    assert json.loads(Path(alice).read_text())["revocation"]["epoch"] == 1
    status, out, _ = run(
        capsys, "holder", "update", "--credential", bob, "--state", f["state-1.json"]
    )
    assert status == 1
    assert "revoked" in out
    assert json.loads(Path(bob).read_text())["revocation"]["epoch"] == 0  # left as it was
    # Bob's old-state presentation, to a verifier that knows only the new state: refused
    challenge(f["challenge2.json"])
    ok(
        capsys,
        "holder",
        "prove",
        "--credential",
        bob,
        "--secret",
        f["holder.json"],
        "--challenge",
        f["challenge2.json"],
        "--wallet",
        WALLET,
        "--yes",
        "--out",
        f["presentation.json"],
        "--force",
    )
    status, out, _ = run(
        capsys,
        "verify",
        "--presentation",
        f["presentation.json"],
        "--challenge",
        f["challenge2.json"],
        "--issuer",
        f["issuer.json"],
        "--registry-state",
        f["state-1.json"],
    )
    assert status == 1
    assert out.strip() == "refused: stale_registry_state"
