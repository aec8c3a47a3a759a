"""One version: ``zkattest.__version__``. The distribution's metadata (pyproject.toml
reads the attribute), ``zkattest --version`` and the service's ``/healthz`` and
OpenAPI document all report it; nothing else writes the number."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import zkattest
from tests.service.conftest import make_settings
from zkattest import IssuerSecretKey
from zkattest.cli import main
from zkattest.service.app import create_app


def test_the_installed_distribution_has_the_package_version() -> None:
    # An editable install records the version when it is installed: after a change
    # to __version__, `make install` (which every make target runs) brings it along.
    assert importlib.metadata.version("zkattest") == zkattest.__version__


def test_cli_version_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"zkattest {zkattest.__version__}\n"


def test_the_service_reports_it(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, IssuerSecretKey.generate()))
    client = TestClient(app)  # not started: /healthz and the document need no database
    assert client.get("/healthz").json() == {"status": "ok", "version": zkattest.__version__}
    assert client.get("/openapi.json").json()["info"]["version"] == zkattest.__version__
