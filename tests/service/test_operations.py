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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import free_port, running_server
from tests.service.conftest import WALLET, Service, make_settings
from zkattest import IssuerSecretKey
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


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ZKATTEST_", "PROMETHEUS_"))}


@contextmanager
def running(
    command: list[str], env: dict[str, str], cwd: Path, log: Path, *extra: str
) -> Iterator[str]:
    """Start a server process on a free loopback port until the block ends."""
    with running_server(
        [*command, *extra], env={**_clean_environ(), **env}, log=log, cwd=cwd
    ) as base:
        yield base


def _start_fails(
    command: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own commands
        [*command, "--port", str(free_port())],
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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
        odd_ids = [
            "not-a-uuid " + "x" * 200,
            "urn:uuid:urn:uuid:" + "-" * 3000 + "0b5a1c2e8a434c579f0e3a2b1c4d5e6f",
            "{" + str(uuid.uuid4()) + "}",
        ]
        for odd in odd_ids:
            forged = httpx.get(f"{base}/healthz", headers={"X-Request-ID": odd}, timeout=10)
            assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])
        assert httpx.get(f"{base}/openapi.json", timeout=10).status_code == 200
    for line in log.read_text().splitlines():
        assert isinstance(json.loads(line), dict), line  # every line, uvicorn's own included
    records = _request_lines(log, request_id)
    assert [(r["logger"], r["level"]) for r in records] == [
        ("zkattest.service", "INFO"),
        ("zkattest.access", "INFO"),
    ]
    event, access = records
    routes = [json.loads(line).get("route") for line in log.read_text().splitlines()]
    assert "/openapi.json" in routes  # a plain route is logged by its path
    assert not [r for r in routes if r and ("urn:" in r or "not-a-uuid" in r)]
    assert event["message"] == f"challenge issued circuit=kyc_adult wallet={WALLET.lower()}"
    assert {k: access[k] for k in ("method", "route", "status")} == {
        "method": "POST",
        "route": "/v1/challenges",
        "status": 201,
    }
    assert set(event) == {"time", "level", "logger", "request_id", "message"}


# -- what an outside review found ------------------------------------------------------


@pytest.fixture
def service_settings(tmp_path: Path, issuer: IssuerSecretKey) -> Settings:
    return make_settings(tmp_path, issuer)


def test_load_settings_reads_only_the_mapping_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKATTEST_LOG_LEVEL", "bogus")
    monkeypatch.setenv("ZKATTEST_CHALLENGE_LIFETIME_SECONDS", "12")
    settings = load_settings({})
    assert settings.log_level == "info"
    assert settings.challenge_lifetime_seconds == 300


def test_paths_clients_make_up_never_become_metric_labels(service: Service) -> None:
    client = service.client
    for i in range(20):
        # with a trailing slash the framework used to answer 307 and the
        # instrumentation took the raw path as the label
        assert client.get(f"/v1/whitelist/attacker-{i}/").status_code == 404
        assert client.get(f"/v1/whitelist/{WALLET}/").status_code == 404
        assert client.get(f"/made/up/{i}").status_code == 404
    text = client.get("/metrics").text
    assert "attacker" not in text
    assert WALLET.lower() not in text.lower()
    assert 'http_requests_total{handler="none",method="GET",status="404"} 60.0' in text


@pytest.mark.slow
def test_an_embedding_application_keeps_its_logging(
    service_settings: Settings, tmp_path: Path
) -> None:
    import logging

    from fastapi.testclient import TestClient

    from zkattest.service.app import create_app

    host_log = tmp_path / "host.log"
    handler = logging.FileHandler(host_log)
    root = logging.getLogger()
    root.addHandler(handler)
    ours = logging.getLogger("zkattest")
    before = list(ours.handlers)
    try:
        with TestClient(create_app(service_settings)) as client:
            assert client.get("/healthz").status_code == 200
        logging.getLogger("myapp").warning("still logged")
        handler.flush()
        assert "still logged" in host_log.read_text()
        assert not handler.stream.closed
        assert ours.handlers == before
    finally:
        root.removeHandler(handler)
        handler.close()


def test_workers_without_a_shared_metrics_dir_are_warned(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import multiprocessing

    from zkattest.service import app

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    with caplog.at_level("WARNING", logger="zkattest.service"):
        app._warn_if_workers_without_shared_metrics()
    assert "PROMETHEUS_MULTIPROC_DIR is not set" in caplog.text
    caplog.clear()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/somewhere")
    with caplog.at_level("WARNING", logger="zkattest.service"):
        app._warn_if_workers_without_shared_metrics()
    assert caplog.text == ""


def test_only_prometheus_files_are_cleared_from_the_metrics_dir(tmp_path: Path) -> None:
    from zkattest.errors import InvalidInputError
    from zkattest.service.server import clear_metrics_dir

    stale = ["counter_12.db", "histogram_12.db", "gauge_livesum_12.db", "summary_7.db"]
    kept = ["customers.db", "counter.db", "notes.txt", "counter_12.db.bak"]
    for name in stale + kept:
        (tmp_path / name).write_text("x")
    clear_metrics_dir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    with pytest.raises(InvalidInputError, match="not a directory"):
        clear_metrics_dir(tmp_path / "absent")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"ZKATTEST_DATABASE_URL": "postgresql+psycopg://zk:hunter2@127.0.0.1:1/zk"},
            "ZKATTEST_DATABASE_URL: cannot use the database",
        ),
        (
            {"ZKATTEST_DATABASE_URL": "sqlite:////nonexistent/dir/zk.sqlite3"},
            "ZKATTEST_DATABASE_URL: cannot use the database",
        ),
        ({"ZKATTEST_RECEIPT_KEY_PATH": "{bad_keys}"}, "ZKATTEST_RECEIPT_KEY_PATH: "),
    ],
)
@pytest.mark.parametrize("command", [SERVE, UVICORN], ids=["zkattest-serve", "uvicorn-factory"])
def test_start_up_failures_are_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], expected: str, command: list[str]
) -> None:
    bad_keys = tmp_path / "keys.json"
    bad_keys.write_text('{"not": "receipt keys"}')
    env = {k: v.format(bad_keys=bad_keys) for k, v in env.items()}
    result = _start_fails(command, env, tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


@pytest.mark.slow
def test_serve_refuses_a_missing_metrics_dir(tmp_path: Path) -> None:
    result = _start_fails(SERVE, {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "absent")}, tmp_path)
    assert result.returncode == 2
    assert "PROMETHEUS_MULTIPROC_DIR=" in result.stderr
    assert "not a directory" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(  # noqa: S603 - our own command
            [*SERVE, "--port", str(port)],
            env=_clean_environ(),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
