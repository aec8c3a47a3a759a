"""Shared fixtures: every backend runs the same tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zkattest.hazmat.curve import BACKEND_NAMES, Backend, use_backend

VECTORS = Path(__file__).parent / "vectors"


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Run the test once per curve backend, with that backend selected globally."""
    with use_backend(request.param) as selected:
        yield selected


def load_vector(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text())


def sample_attributes(**overrides: object) -> dict[str, object]:
    """A complete, distinctive investor/v1 attribute set (an accredited adult in GB)."""
    attributes: dict[str, object] = {
        "holder_ref": "wallet-holder-7f3a9c",
        "legal_name": "Ada Quintessa Lovelace",
        "birth_date": "1987-03-14",
        "country": "GB",
        "investor_type": "individual",
        "net_worth_usd": 3_141_592,
        "annual_income_usd": 271_828,
        "total_assets_usd": 4_669_201,
        "securities_owned_usd": 1_618_033,
        "licence_series_7": False,
        "licence_series_65": True,
        "licence_series_82": False,
        "kyc_level": 3,
        "sanctions_screening": "clear",
        "accreditation_basis": "net_worth",
        "issuance_date": "2026-01-15",
        "expiry_date": "2046-01-15",  # far enough ahead for tests run years from now
    }
    attributes.update(overrides)
    return attributes


def pytest_configure(config: pytest.Config) -> None:
    """In CI (ZKATTEST_REQUIRE_POSTGRES=1) the PostgreSQL tests must run, not skip."""
    import os

    if os.environ.get("ZKATTEST_REQUIRE_POSTGRES") == "1" and not os.environ.get(
        "ZKATTEST_TEST_POSTGRES_URL"
    ):
        raise pytest.UsageError(
            "ZKATTEST_REQUIRE_POSTGRES=1 but no PostgreSQL server: scripts/ci-postgres.sh failed"
        )
