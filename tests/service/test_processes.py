"""The service as deployed: real server processes over loopback.

- 50 concurrent submissions of one valid presentation: exactly one admission,
  the other 49 answered 409 — on SQLite (two workers), and on a real
  PostgreSQL server shared by two separate service processes.
- 50 concurrent presentations of one credential (one person) for 50 different
  wallets: exactly the seat limit admitted, the others 409 ``seat-limit-reached``
  — on SQLite (two workers) and on PostgreSQL shared by two processes.
- No personal data: after a whole flow with distinctive attribute values, the
  database file and the captured logs contain none of them, in any encoding.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import bound_credential, sample_attributes
from tests.servers import running_server
from tests.service.conftest import WALLET
from tests.wallets import submission, wallet_address
from zkattest import Challenge, Credential, HolderSecret, IssuerSecretKey, prove
from zkattest.schema import DATE_EPOCH
from zkattest.service.storage.models import Base

pytestmark = pytest.mark.slow  # server processes

POSTGRES_URL = os.environ.get("ZKATTEST_TEST_POSTGRES_URL")


@contextmanager
def serve(
    env: dict[str, str], log: Path, *, workers: int = 1, cwd: Path | None = None
) -> Iterator[str]:
    """Run `zkattest serve` on a free loopback port (in ``cwd``) until the block ends."""
    command = [sys.executable, "-m", "zkattest.cli", "serve", "--host", "127.0.0.1"]
    with running_server(
        [*command, "--workers", str(workers)], env={**os.environ, **env}, log=log, cwd=cwd
    ) as base:
        yield base


def _env(tmp: Path, issuer: IssuerSecretKey, database_url: str) -> dict[str, str]:
    issuer_file = tmp / "issuer.json"
    issuer_file.write_text(issuer.public_key().to_json())
    return {
        "ZKATTEST_DATABASE_URL": database_url,
        "ZKATTEST_TRUSTED_ISSUERS": str(issuer_file),
        "ZKATTEST_RECEIPT_KEY_PATH": str(tmp / "receipt-keys.json"),
        "ZKATTEST_VERIFIER_DOMAIN": "exchange.example",
        "ZKATTEST_RATE_LIMIT_PER_MINUTE": "100000",
        # room for every racer: this measures the database, not the verification pool
        "ZKATTEST_VERIFY_QUEUE": "100",
        "ZKATTEST_BACKEND": "arkworks",
    }


def _challenge_and_presentation(
    base: str, credential: tuple[Credential, HolderSecret], wallet: str = WALLET
) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/v1/challenges",
        json={"circuit_id": "accredited_investor_506c", "wallet_address": wallet, "chain_id": 1},
    )
    assert response.status_code == 201, response.text
    challenge = response.json()
    cred, holder = credential
    presentation = prove(cred, Challenge.from_json(json.dumps(challenge)), holder=holder)
    return submission(challenge, json.loads(presentation.to_json()))


def _race(
    bases: list[str], payload: dict[str, Any] | list[dict[str, Any]], count: int = 50
) -> list[int]:
    """``count`` submissions at once: of ``payload``, or of each of a list."""
    payloads = payload if isinstance(payload, list) else [payload] * count
    count = len(payloads)
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            code = client.post(
                f"{bases[i % len(bases)]}/v1/presentations", json=payloads[i]
            ).status_code
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _admissions(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM admissions")).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def credential() -> tuple[IssuerSecretKey, tuple[Credential, HolderSecret]]:
    issuer = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    return issuer, (bound_credential(issuer, holder), holder)


def test_race_on_sqlite(tmp_path: Path, credential: tuple[IssuerSecretKey, Credential]) -> None:
    issuer, cred = credential
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    with serve(_env(tmp_path, issuer, url), tmp_path / "log.txt", workers=2) as base:
        payload = _challenge_and_presentation(base, cred)
        statuses = _race([base], payload)
    # one admission; every other submission of the same presentation gets it back (200)
    assert sorted(statuses) == [200] * 49 + [201]
    assert _admissions(url) == 1


@pytest.mark.skipif(
    POSTGRES_URL is None, reason="set ZKATTEST_TEST_POSTGRES_URL (scripts/ci-postgres.sh)"
)
def test_race_on_postgresql_with_two_processes(
    tmp_path: Path, credential: tuple[IssuerSecretKey, Credential]
) -> None:
    assert POSTGRES_URL is not None
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:  # a fresh schema for this test: every table the models name
        for table in [*Base.metadata.tables, "alembic_version"]:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    issuer, cred = credential
    env = _env(tmp_path, issuer, POSTGRES_URL)
    with serve(env, tmp_path / "a.txt") as first, serve(env, tmp_path / "b.txt") as second:
        payload = _challenge_and_presentation(first, cred)
        statuses = _race([first, second], payload)
    assert sorted(statuses) == [200] * 49 + [201]
    assert _admissions(POSTGRES_URL) == 1


def _one_person_many_wallets(
    bases: list[str], person: tuple[Credential, HolderSecret]
) -> list[int]:
    payloads = [
        _challenge_and_presentation(bases[n % len(bases)], person, wallet_address(n + 2))
        for n in range(50)
    ]
    return _race(bases, payloads)


def _live_seats(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = "SELECT count(DISTINCT wallet_address) FROM admissions WHERE revoked_at IS NULL"
            return int(conn.execute(sa.text(query)).scalar_one())
    finally:
        engine.dispose()


def test_one_person_holds_one_seat_on_sqlite(
    tmp_path: Path, credential: tuple[IssuerSecretKey, tuple[Credential, HolderSecret]]
) -> None:
    issuer, person = credential
    url = f"sqlite:///{tmp_path / 'seats.sqlite3'}"
    with serve(_env(tmp_path, issuer, url), tmp_path / "log.txt", workers=2) as base:
        statuses = _one_person_many_wallets([base], person)
    assert sorted(statuses) == [201] + [409] * 49
    assert _live_seats(url) == 1


@pytest.mark.skipif(
    POSTGRES_URL is None, reason="set ZKATTEST_TEST_POSTGRES_URL (scripts/ci-postgres.sh)"
)
def test_one_person_holds_its_seats_on_postgresql_with_two_processes(
    tmp_path: Path, credential: tuple[IssuerSecretKey, tuple[Credential, HolderSecret]]
) -> None:
    assert POSTGRES_URL is not None
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        for table in [*Base.metadata.tables, "alembic_version"]:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    issuer, person = credential
    env = {**_env(tmp_path, issuer, POSTGRES_URL), "ZKATTEST_SEATS_PER_PERSON": "2"}
    with serve(env, tmp_path / "a.txt") as first, serve(env, tmp_path / "b.txt") as second:
        statuses = _one_person_many_wallets([first, second], person)
    assert sorted(statuses) == [201] * 2 + [409] * 48
    assert _live_seats(POSTGRES_URL) == 2


DISTINCTIVE = {
    "holder_ref": "holder-ref-Quokka-93817",
    "legal_name": "Zebulon Marchetti-Okonkwo",
    "birth_date": "1971-08-29",
    "country": "NZ",
    "net_worth_usd": 987_654_321,
    "annual_income_usd": 4_242_424,
    "total_assets_usd": 1_357_924_680,
    "securities_owned_usd": 86_420_975,
}


def _encodings(value: object) -> set[bytes]:
    out: set[bytes] = set()
    if isinstance(value, int):
        out.add(str(value).encode())
        out.add(format(value, "x").encode())
        for width in (8, 16, 32):
            big = value.to_bytes(width, "big")
            out.add(big.lstrip(b"\x00"))
            out.add(base64.b64encode(big.lstrip(b"\x00")).rstrip(b"="))
    elif isinstance(value, str):
        out |= {value.encode(), value.encode().hex().encode(), value.upper().encode()}
        if len(value) == 10 and value[4] == "-":
            import datetime as dt

            days = (dt.date.fromisoformat(value) - DATE_EPOCH).days
            out |= {str(days).encode(), value.replace("-", "").encode()}
    return {e for e in out if len(e) >= 4}


def test_no_personal_data_in_database_or_logs(tmp_path: Path) -> None:
    issuer = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    cred = (bound_credential(issuer, holder, sample_attributes(**DISTINCTIVE)), holder)
    db = tmp_path / "privacy.sqlite3"
    log = tmp_path / "service.log"
    with serve(_env(tmp_path, issuer, f"sqlite:///{db}"), log) as base:
        for _ in range(2):
            payload = _challenge_and_presentation(base, cred)
            assert httpx.post(f"{base}/v1/presentations", json=payload).status_code == 201
        # a refused one too
        payload = _challenge_and_presentation(base, cred)
        payload["presentation"]["proof"] = base64.b64encode(b"\x01" * 300).decode()
        assert httpx.post(f"{base}/v1/presentations", json=payload).status_code == 403
        named = {"circuit_id": "accredited_investor_506c"}
        assert httpx.get(f"{base}/v1/whitelist/{WALLET}", params=named).status_code == 200
    blobs = {
        "database": b"".join(p.read_bytes() for p in tmp_path.glob("privacy.sqlite3*")),
        "logs": log.read_bytes(),
    }
    assert b"admitted" in blobs["logs"]  # the logs did capture the service's events
    for name, value in DISTINCTIVE.items():
        for needle in _encodings(value):
            for where, blob in blobs.items():
                assert needle not in blob, (name, where)
