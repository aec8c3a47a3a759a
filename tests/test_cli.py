"""The command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zkattest.cli import main


@pytest.mark.parametrize("suite", ["sha256", "shake256"])
def test_demo_runs_the_whole_flow(suite: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--suite", suite]) == 0
    out = capsys.readouterr().out
    assert "credential checked on receipt: signature valid" in out
    assert "proof valid" in out
    assert "replayed to another verifier: refused" in out
    # the verifier's section shows only the disclosed attributes
    verifier_view = out.split("== Verifier")[1]
    assert "accredited=true" in verifier_view
    assert "Ada Lovelace" not in verifier_view
    assert "1990-12-10" not in verifier_view


def test_demo_on_the_reference_backend(capsys: pytest.CaptureFixture[str]) -> None:
    from zkattest.hazmat.curve import get_backend, set_backend

    before = get_backend().name
    try:
        assert main(["--backend", "py-ecc", "demo"]) == 0
    finally:
        set_backend(before)
    assert "proof valid" in capsys.readouterr().out


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
