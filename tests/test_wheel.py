"""The kit as users get it: a wheel built from this repository, installed into a
fresh virtual environment and run from a directory that is not the checkout.

First the plain install (the library and CLI for issuers and wallets): every
command's ``--help``, ``--version``, the demo and the library API work, and no
web-server, database or Ethereum-signing package is installed; ``zkattest
serve`` says which extra to install. Then the ``service`` extra: ``zkattest
serve`` creates and migrates its SQLite database in the working directory and
answers over loopback.

Slow by nature (a build and two installs, about a minute with a warm pip
cache), so the whole module shares one wheel and one environment.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import zkattest
from tests.servers import running_server
from zkattest.cli import _parser
from zkattest.service.storage.schema import HEAD_REVISION

pytestmark = pytest.mark.slow  # builds the wheel and installs it into new virtual environments

ROOT = Path(__file__).resolve().parent.parent

# Web-server, database and Ethereum-signing packages: only the `service` extra (or
# the test tools) may bring them. (pydantic is not among them: py-ecc's eth-utils
# needs it.)
SERVICE_ONLY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "pydantic_settings",
    "coincurve",
    "cryptography",
    "prometheus_client",
    "eth_account",
)


class Env:
    """A fresh virtual environment outside the checkout, and a place to run in."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.venv = home / "venv"
        self.cwd = home / "elsewhere"
        self.cwd.mkdir()
        venv.create(self.venv, with_pip=True)
        self.bin = self.venv / "bin"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZKATTEST_")}
        env.pop("PYTHONPATH", None)
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["HOME"] = str(self.home)
        return env

    def run(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 - our own commands in our own venv
            list(args),
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
        return result

    def pip_install(self, requirement: str) -> None:
        self.run(str(self.bin / "python"), "-m", "pip", "install", "-q", requirement, timeout=900)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603 - pip on our own tree
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("zkattest-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Env:
    env = Env(tmp_path_factory.mktemp("user"))
    env.pip_install(str(wheel))
    return env


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))


def test_the_wheel_ships_the_circuits_licence_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    circuits = sorted(p.name for p in (ROOT / "circuits").glob("*.toml"))
    assert circuits
    for name in circuits:
        assert f"zkattest/_circuits/{name}" in names
    assert "zkattest/py.typed" in names
    assert "zkattest/service/storage/migrations/env.py" in names
    assert "zkattest/service/storage/migrations/versions/0001_initial.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = (
        zipfile.ZipFile(wheel).read(f"zkattest-{zkattest.__version__}.dist-info/METADATA").decode()
    )
    assert "License-Expression: Apache-2.0" in metadata
    assert f"Version: {zkattest.__version__}" in metadata
    assert "Provides-Extra: service" in metadata
    # no file of the checkout outside the package
    assert not [n for n in names if not n.startswith(("zkattest/", "zkattest-"))]


def test_the_wheel_ships_the_circuits_and_schema_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("circuits", "schema"):
        modules = sorted((ROOT / "zkattest" / package).glob("*.py"))
        assert len(modules) > 1, package
        for module in modules:
            assert f"zkattest/{package}/{module.name}" in names


def test_plain_install_is_the_library_and_cli_only(installed: Env) -> None:
    python = str(installed.bin / "python")
    where = installed.run(python, "-c", "import zkattest; print(zkattest.__file__)").stdout
    assert str(installed.venv) in where
    assert str(ROOT) not in where
    probe = "import importlib.util as u; print(sorted(m for m in %r if u.find_spec(m)))"
    present = installed.run(python, "-c", probe % (SERVICE_ONLY,)).stdout.strip()
    assert present == "[]", f"the plain install pulled in {present}"


def test_version_and_every_help(installed: Env) -> None:
    zk = str(installed.bin / "zkattest")
    assert installed.run(zk, "--version").stdout.strip() == f"zkattest {zkattest.__version__}"
    commands = list(_commands(_parser()))
    assert len(commands) >= 10
    for command in commands:
        out = installed.run(zk, *command, "--help").stdout
        assert out.startswith("usage: zkattest"), command


def test_demo(installed: Env) -> None:
    for circuit in ("accredited_investor_506c", "kyc_adult"):
        out = installed.run(str(installed.bin / "zkattest"), "demo", "--circuit", circuit).stdout
        assert f"accepted: 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed satisfies {circuit}" in out
    unknown = installed.run(
        str(installed.bin / "zkattest"), "demo", "--circuit", "nope", check=False
    )
    assert unknown.returncode != 0
    assert "unknown circuit 'nope'; known: accredited_investor_506c" in unknown.stderr
    assert "Traceback" not in unknown.stderr


LIBRARY_USE = """
import datetime as dt, json
from zkattest import (Challenge, HolderSecret, IssuerLedger, IssuerSecretKey,
                      accept_credential, get_circuit, get_schema, issue_credential,
                      load_builtin_circuits, prove, request_credential, verify)
today = dt.date.today()
attributes = json.loads(open("investor.json").read())
attributes["issuance_date"] = today.isoformat()
attributes["expiry_date"] = (today + dt.timedelta(days=30)).isoformat()
key = IssuerSecretKey.generate()
holder = HolderSecret.generate()
pending = request_credential(holder, key.public_key(), "investor/v1")
issued = issue_credential(key, get_schema("investor/v1"), attributes, request=pending.request,
    customer="CUST-1", ledger=IssuerLedger("ledger.sqlite"))
credential = accept_credential(issued.to_json(), key.public_key(), holder=holder, pending=pending)
challenge = Challenge.create(get_circuit("kyc_adult"), verifier_domain="exchange.example",
    wallet_address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", chain_id=1)
result = verify(prove(credential, challenge, holder=holder), challenge, key.public_key())
print(sorted(load_builtin_circuits()), result.circuit_id, len(result.pseudonym))
"""


def test_library_api(installed: Env) -> None:
    attributes = json.loads((ROOT / "examples" / "investor.json").read_text())
    (installed.cwd / "investor.json").write_text(json.dumps(attributes))
    out = installed.run(str(installed.bin / "python"), "-c", LIBRARY_USE).stdout
    circuits = sorted(p.stem for p in (ROOT / "circuits").glob("*.toml"))
    assert out.strip() == f"{circuits} kyc_adult 96"


def test_serve_without_the_extra_names_it(installed: Env) -> None:
    result = installed.run(str(installed.bin / "zkattest"), "serve", check=False)
    assert result.returncode == 2
    assert "pip install 'zkattest[service]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_service_extra_serves_on_sqlite_with_migrations(installed: Env, wheel: Path) -> None:
    installed.pip_install(f"zkattest[service] @ {wheel.as_uri()}")
    log = installed.home / "serve.log"
    command = [str(installed.bin / "zkattest"), "serve"]
    with running_server(command, env=installed.env(), log=log, cwd=installed.cwd) as base:
        circuits = httpx.get(f"{base}/v1/circuits", timeout=5).json()
        assert sorted(c["id"] for c in circuits) == sorted(
            p.stem for p in (ROOT / "circuits").glob("*.toml")
        )
        created = httpx.post(
            f"{base}/v1/challenges",
            json={
                "circuit_id": "kyc_adult",
                "wallet_address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "chain_id": 1,
            },
            timeout=5,
        )
        assert created.status_code == 201, created.text
        assert created.json()["circuit_id"] == "kyc_adult"
        # the API docs and their assets come from the installed packages, not a CDN
        docs = httpx.get(f"{base}/docs", timeout=5)
        assert docs.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', docs.text)
        assert assets
        for asset in assets:
            assert asset.startswith("/"), asset
            assert httpx.get(f"{base}{asset}", timeout=5).status_code == 200
        assert "zkattest_challenges_total 1.0" in httpx.get(f"{base}/metrics", timeout=5).text
    database = installed.cwd / "zkattest.sqlite3"
    assert database.is_file()
    with sqlite3.connect(database) as db:
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert revision == HEAD_REVISION
    assert {"challenges", "admissions", "issuers"} <= tables
