"""The README's walk-through works as written (the service on a free loopback port)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the README's walk-through: a server process and curl

ROOT = Path(__file__).resolve().parent.parent


def _walkthrough() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- walkthrough -->\s*```sh\n(.*?)```\s*<!-- /walkthrough -->", text, re.S)
    assert match, "README lost its walk-through block"
    return match.group(1)


def test_walkthrough_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is required by the README walk-through")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The package is already installed in this interpreter's environment: the
    # `make install` step is the only line not re-run; the port is a free one.
    script = _walkthrough().replace("make install && . .venv/bin/activate", "true")
    script = script.replace("8000", str(port))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TMPDIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - the README's own commands
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert '"admission":' in out
    assert '"jws":' in out
    # the anonymous whitelist answer is yes for the circuit named, and nothing else
    status = (
        r'\{"wallet_address":"0x[0-9a-f]{40}",'
        r'"circuit_id":"accredited_investor_506c","admitted":true\}'
    )
    assert re.search(status, out), out[-2000:]
    # the same presentation again: the same admission, answered 200, admitted once
    admissions = re.findall(r'"admission_id":"([0-9a-f-]{36})"', out)
    assert len(admissions) == 2, out[-2000:]
    assert admissions[0] == admissions[1]
    assert re.search(r"\} 200\n", out), out[-2000:]
    assert '"kty":"OKP"' in out
    # revocation: the registry's first state stored before the admission, the next
    # state stored (201) after the revocation, then the wallet cannot follow it
    assert re.search(r'"epoch":0,[^}]*"created":true\}', out), out[-2000:]
    assert re.search(r"publish\n201\nrefused: revoked", out), out[-2000:]
    assert "the wallet cannot prove again" in out
    assert "refused: revoked" in out
