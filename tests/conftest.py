"""Shared fixtures: every backend runs the same tests."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from zkattest.hazmat.curve import BACKEND_NAMES, Backend, R, use_backend

VECTORS = Path(__file__).parent / "vectors"


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Run the test once per curve backend, with that backend selected globally."""
    with use_backend(request.param) as selected:
        yield selected


def load_vector(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text())


def mocked_scalars(suite: Any, seed: str, dst: str, count: int) -> list[int]:
    """The BBS drafts' mocked calculate_random_scalars (base draft -09 §8.1):
    expand_message(seed, dst) cut into ``expand_len``-byte chunks, each mod r."""
    from zkattest.hazmat.curve import R

    n = suite.expand_len
    v = suite.expand_message(seed.encode(), dst.encode(), n * count)
    return [int.from_bytes(v[i * n : (i + 1) * n], "big") % R for i in range(count)]


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


def sample_letter(**overrides: object) -> dict[str, object]:
    """A complete accreditation/v1 letter: a CPA verified net worth on 2026-11-02,
    relied on until 2027-01-31."""
    letter: dict[str, object] = {
        "holder_ref": "engagement-12",
        "accreditation_basis": "net_worth",
        "verifier_kind": "cpa",
        "verified_date": "2026-11-02",
        "issuance_date": "2026-11-03",
        "expiry_date": "2027-01-31",
    }
    letter.update(overrides)
    return letter


def seeded(seed: int) -> Callable[[], int]:
    """A prover's random scalars from ``seed``: fixed, for tests only."""
    own = random.Random(seed)
    return lambda: own.randrange(1, R)


def pytest_configure(config: pytest.Config) -> None:
    """In CI (ZKATTEST_REQUIRE_POSTGRES=1) the PostgreSQL tests must run, not skip."""
    import os

    if os.environ.get("ZKATTEST_REQUIRE_POSTGRES") == "1" and not os.environ.get(
        "ZKATTEST_TEST_POSTGRES_URL"
    ):
        raise pytest.UsageError(
            "ZKATTEST_REQUIRE_POSTGRES=1 but no PostgreSQL server: scripts/ci-postgres.sh failed"
        )


#: What makes a test ``slow`` wherever it appears (``make test-fast`` leaves such
#: tests out; ``make test`` runs them): a parametrization on the pure-Python curve
#: backend or on PostgreSQL (a server), and the ``service`` fixture, which starts
#: the verifier service in process for each test (migration, keys and a full
#: garbage collection of the test process: about half a second). Tests that start
#: processes, servers or a browser, build the wheel, or start the service
#: themselves carry the marker in their own module.
SLOW_PARAMETERS = {"backend": "py-ecc", "database_url": "postgresql"}
SLOW_FIXTURES = {"service"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that SLOW_PARAMETERS and SLOW_FIXTURES make ``slow``."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) or any(
            params.get(name) == value for name, value in SLOW_PARAMETERS.items()
        ):
            item.add_marker(pytest.mark.slow)


def bound_credential(
    issuer: Any,
    holder: Any,
    attributes: dict[str, object] | None = None,
    *,
    today: Any = None,
    customer: str = "c-1",
    ledger: Any = None,
    schema_id: str = "investor/v1",
    registry: Any = None,
) -> Any:
    """A credential bound to ``holder``: requested, issued (on ``today``,
    default: its issuance date) and accepted, as the parties do it."""
    import datetime as dt

    from zkattest.holder import accept_credential, request_credential
    from zkattest.issuer import IssuerLedger, issue_credential
    from zkattest.schema import get_schema

    schema = get_schema(schema_id)
    attributes = sample_attributes() if attributes is None else attributes
    if today is None:
        today = dt.date.fromisoformat(str(attributes["issuance_date"]))
    pending = request_credential(holder, issuer.public_key(), schema.id)
    issued = issue_credential(
        issuer,
        schema,
        attributes,
        today=today,
        request=pending.request,
        customer=customer,
        ledger=ledger or IssuerLedger(":memory:"),
        registry=registry,
    )
    return accept_credential(issued.to_json(), issuer.public_key(), holder=holder, pending=pending)
