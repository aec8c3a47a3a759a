"""Running the service: settings checked at start-up, metrics that hold with
several workers, structured logs with a request id, the same under
``zkattest serve`` and plain ``uvicorn --factory``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.conftest import WALLET
from zkattest.credentials import IssuerSecretKey
from zkattest.service.core.config import (
    ConfigError,
    Settings,
    load_settings,
    unknown_variables,
)

ROOT = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "zkattest.cli", "serve", "--host", "127.0.0.1"]
UVICORN = [
    sys.executable,
    "-m",
    "uvicorn",
    "--factory",
    "zkattest.service.app:create_app",
    "--host",
    "127.0.0.1",
]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ZKATTEST_", "PROMETHEUS_"))}


@contextmanager
def running(
    command: list[str], env: dict[str, str], cwd: Path, log: Path, *extra: str
) -> Iterator[str]:
    """Start a server process on a free loopback port until the block ends."""
    port = _free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own commands
            [*command, "--port", str(port), *extra],
            env={**_clean_environ(), **env},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"service did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start_fails(
    command: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own commands
        [*command, "--port", str(_free_port())],
        env={**_clean_environ(), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- settings --------------------------------------------------------------------------


@pytest.fixture
def key_files(tmp_path: Path) -> tuple[Path, Path]:
    key = IssuerSecretKey.generate()
    public = tmp_path / "issuer.json"
    secret = tmp_path / "issuer.secret.json"
    public.write_text(key.public_key().to_json())
    secret.write_text(key.to_json_secret())
    return public, secret


def test_good_settings_load(key_files: tuple[Path, Path]) -> None:
    public, _ = key_files
    settings = load_settings(
        {
            "ZKATTEST_TRUSTED_ISSUERS": f"{public},{public}",
            "ZKATTEST_CHALLENGE_LIFETIME_SECONDS": "600",
            "ZKATTEST_VERIFIER_DOMAIN": "exchange.example",
            "ZKATTEST_DATABASE_URL": "postgresql://u:p@db.internal:5432/zk",
            "ZKATTEST_LOG_FORMAT": "json",
        }
    )
    assert settings.trusted_issuers == [public, public]
    assert settings.challenge_lifetime_seconds == 600
    assert settings.log_format == "json"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ZKATTEST_TRUSTED_ISSUERS", "{missing}", "{missing}: no such file"),
        ("ZKATTEST_TRUSTED_ISSUERS", "{secret}", "holds an issuer SECRET key"),
        ("ZKATTEST_TRUSTED_ISSUERS", "{garbage}", "not valid JSON"),
        ("ZKATTEST_DATABASE_URL", "mysql://u:hunter2@db/zk", "must be sqlite:/// or postgresql"),
        ("ZKATTEST_DATABASE_URL", "not a url", "not a valid SQLAlchemy URL"),
        ("ZKATTEST_CHALLENGE_LIFETIME_SECONDS", "five", "must be a whole number >= 10 and <= 3600"),
        ("ZKATTEST_CHALLENGE_LIFETIME_SECONDS", "1.5", "must be a whole number >= 10 and <= 3600"),
        ("ZKATTEST_CHALLENGE_LIFETIME_SECONDS", "9", "must be a whole number >= 10 and <= 3600"),
        ("ZKATTEST_MAX_BODY_BYTES", "99999999", "must be a whole number >= 1024"),
        ("ZKATTEST_VERIFIER_DOMAIN", "https://exchange.example/", "must be a lower-case host"),
        ("ZKATTEST_VERIFIER_DOMAIN", "Exchange.Example", "must be a lower-case host"),
        ("ZKATTEST_VERIFIER_DOMAIN", "exchange.example:443", "must be a lower-case host"),
        ("ZKATTEST_VERIFIER_DOMAIN", "-bad-.example", "must be a lower-case host"),
        ("ZKATTEST_LOG_FORMAT", "xml", "must be 'text' or 'json'"),
        ("ZKATTEST_LOG_LEVEL", "verbose", "must be 'debug', 'info', 'warning' or 'error'"),
        ("ZKATTEST_EIP712_VERIFYING_CONTRACT", "0x1234", "20-byte hex address"),
        ("ZKATTEST_ADMIN_TOKEN", "   ", "is empty"),
    ],
)
def test_bad_settings_name_the_variable(
    tmp_path: Path, key_files: tuple[Path, Path], variable: str, value: str, expected: str
) -> None:
    _, secret = key_files
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    paths = {
        "missing": str(tmp_path / "absent.json"),
        "secret": str(secret),
        "garbage": str(garbage),
    }
    value = value.format(**paths)
    with pytest.raises(ConfigError) as info:
        load_settings({variable: value})
    message = str(info.value)
    assert message.startswith(f"{variable}: "), message
    assert expected.format(**paths) in message
    assert "\n" not in message  # one line for one bad variable
    assert "hunter2" not in message  # a database URL may hold a password
    if variable == "ZKATTEST_TRUSTED_ISSUERS" and "secret" in value:
        assert IssuerSecretKey.from_json(secret.read_text()).to_json_secret() not in message


def test_several_bad_settings_one_line_each() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"ZKATTEST_LOG_FORMAT": "xml", "ZKATTEST_RATE_LIMIT_PER_MINUTE": "0"})
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert {line.split(":")[0] for line in lines} == {
        "ZKATTEST_LOG_FORMAT",
        "ZKATTEST_RATE_LIMIT_PER_MINUTE",
    }


def test_unknown_variables_are_warned_about() -> None:
    warnings = unknown_variables(
        {
            "ZKATTEST_TRUSTED_ISSUER": "issuer.json",
            "ZKATTEST_BACKEND": "arkworks",
            "ZKATTEST_CIRCUITS_DIR": "/x",
            "ZKATTEST_DATABASE_URL": "sqlite:///x.db",
            "ZKATTEST_COLOUR": "blue",
            "OTHER": "1",
        }
    )
    assert warnings == [
        "ZKATTEST_COLOUR is not a zkattest setting and is ignored",
        "ZKATTEST_TRUSTED_ISSUER is not a zkattest setting and is ignored; "
        "did you mean ZKATTEST_TRUSTED_ISSUERS?",
    ]


@pytest.mark.parametrize("command", [SERVE, UVICORN], ids=["zkattest-serve", "uvicorn-factory"])
def test_a_bad_setting_stops_start_up_with_exit_2(
    tmp_path: Path, key_files: tuple[Path, Path], command: list[str]
) -> None:
    _, secret = key_files
    result = _start_fails(
        command,
        {"ZKATTEST_TRUSTED_ISSUERS": str(secret), "ZKATTEST_CHALLENGE_LIFETIME_SECONDS": "soon"},
        tmp_path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("ZKATTEST_")]
    assert [line.split(":")[0] for line in lines] == [
        "ZKATTEST_TRUSTED_ISSUERS",
        "ZKATTEST_CHALLENGE_LIFETIME_SECONDS",
    ]
    assert "holds an issuer SECRET key" in lines[0]
    assert not (tmp_path / "zkattest.sqlite3").exists()  # nothing was started


def test_readme_lists_every_setting_with_its_bounds() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, field in Settings.model_fields.items():
        row = re.search(rf"^\| `ZKATTEST_{name.upper()}` \|.*$", readme, re.M)
        assert row, f"README has no row for ZKATTEST_{name.upper()}"
        for constraint in field.metadata:
            for bound in ("ge", "le"):
                if (value := getattr(constraint, bound, None)) is not None:
                    assert f"{value:,}" in row.group(0) or str(value) in row.group(0), name


# -- metrics with several workers -----------------------------------------------------


def _samples(text: str, name: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line.startswith(name):
            series, _, value = line.rpartition(" ")
            found[series] = float(value)
    return found


def test_metrics_add_up_over_workers_and_never_go_backwards(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"ZKATTEST_RATE_LIMIT_PER_MINUTE": "100000", "TMPDIR": str(temp)}
    with running(SERVE, env, tmp_path, tmp_path / "serve.log", "--workers", "2") as base:
        issued = 0
        last = 0.0
        for round_ in range(6):
            for _ in range(5):
                # a fresh connection each time: the kernel hands it to either worker
                response = httpx.post(
                    f"{base}/v1/challenges",
                    json={"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 1},
                    timeout=10,
                )
                assert response.status_code == 201, response.text
                issued += 1
            assert httpx.get(f"{base}/nowhere/{round_}", timeout=10).status_code == 404
            for _ in range(4):
                text = httpx.get(f"{base}/metrics", timeout=10).text
                total = _samples(text, "zkattest_challenges_total")["zkattest_challenges_total"]
                assert total >= last  # never backwards, whichever worker answered
                assert total == issued  # and every worker's count is in it
                last = total
                requests = _samples(text, "http_requests_total")
                key = 'http_requests_total{handler="/v1/challenges",method="POST",status="201"}'
                assert requests[key] == issued
                assert requests[
                    'http_requests_total{handler="none",method="GET",status="404"}'
                ] == (round_ + 1)
        latency = _samples(text, "http_request_duration_seconds_count")
        assert any('handler="/v1/challenges"' in series for series in latency)
        assert not any("/nowhere" in line for line in text.splitlines())
        assert len(list(temp.glob("zkattest-metrics-*/*.db"))) >= 2  # one file per worker at least
    log = (tmp_path / "serve.log").read_text()
    assert log.count("Application startup complete") == 2
    assert not list(temp.iterdir())  # the private multiprocess directory is removed at exit


# -- logs ------------------------------------------------------------------------------


def _request_lines(log: Path, request_id: str) -> list[dict[str, Any]]:
    lines = []
    for line in log.read_text().splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)  # every line is one JSON object
        if record.get("request_id") == request_id:
            lines.append(record)
    return lines


@pytest.mark.parametrize("command", [SERVE, UVICORN], ids=["zkattest-serve", "uvicorn-factory"])
def test_json_logs_carry_the_request_id(tmp_path: Path, command: list[str]) -> None:
    log = tmp_path / "service.log"
    request_id = str(uuid.uuid4())
    with running(command, {"ZKATTEST_LOG_FORMAT": "json"}, tmp_path, log) as base:
        response = httpx.post(
            f"{base}/v1/challenges",
            json={"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 1},
            headers={"X-Request-ID": request_id},
            timeout=10,
        )
        assert response.status_code == 201
        assert response.headers["x-request-id"] == request_id
        forged = httpx.get(
            f"{base}/healthz", headers={"X-Request-ID": "not-a-uuid " + "x" * 200}, timeout=10
        )
        assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])
    for line in log.read_text().splitlines():
        assert isinstance(json.loads(line), dict), line  # every line, uvicorn's own included
    records = _request_lines(log, request_id)
    assert [(r["logger"], r["level"]) for r in records] == [
        ("zkattest.service", "INFO"),
        ("zkattest.access", "INFO"),
    ]
    event, access = records
    assert event["message"] == f"challenge issued circuit=kyc_adult wallet={WALLET.lower()}"
    assert {k: access[k] for k in ("method", "route", "status")} == {
        "method": "POST",
        "route": "/v1/challenges",
        "status": 201,
    }
    assert set(event) == {"time", "level", "logger", "request_id", "message"}
