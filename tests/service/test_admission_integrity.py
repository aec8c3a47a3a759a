"""Regression tests for the review's findings on issuers, commits, clocks and receipts.

Items 2, 3, 5, 6 (the verification pool and the purge), 7 (library errors) and 8
of the hardening issue; each test here failed on the code before its fix.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import select
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from tests.conftest import bound_credential
from tests.service.conftest import ADMIN_TOKEN, WALLET, Service, make_settings
from tests.service.test_operations import SERVE, running
from tests.wallets import submission
from zkattest import Challenge, HolderSecret, IssuerSecretKey
from zkattest.errors import DecodeError, ZkAttestError
from zkattest.service import admission
from zkattest.service.app import check_startup, create_app
from zkattest.service.core.config import ConfigError, load_settings
from zkattest.service.core.pool import BoundedPool, PoolFull
from zkattest.service.receipts import ReceiptKeys
from zkattest.service.storage.models import AuditEvent
from zkattest.service.storage.models import Challenge as ChallengeRow
from zkattest.service.storage.repository import Store

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PROBLEM = "application/problem+json"


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:zkattest:problem:{slug}"
    return body


def _store(service: Service) -> Store:
    store: Store = service.client.app.state.zkattest.store  # type: ignore[attr-defined]
    return store


def _admit(service: Service) -> dict[str, Any]:
    challenge = service.challenge()
    response = service.submit(challenge, service.presentation(challenge))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# -- 2. trusted issuers can be removed ------------------------------------------------


def test_an_admin_disables_an_issuer_and_its_admissions_are_revoked(service: Service) -> None:
    key_id = service.issuer.public_key().key_id
    first = _admit(service)["admission"]
    challenge = service.challenge()  # answered after the disable, below
    presentation = service.presentation(challenge)

    _problem(service.client.delete(f"/v1/issuers/{key_id}"), 401, "unauthorized")
    response = service.client.delete(f"/v1/issuers/{key_id}", headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["revoked_admissions"] == 1
    assert body["issuer"]["key_id"] == key_id
    assert body["issuer"]["disabled_at"] is not None

    status = service.client.get(f"/v1/admissions/{first['admission_id']}").json()
    assert status["status"] == "revoked"
    assert service.client.get("/v1/issuers").json() == []
    refused = _problem(service.submit(challenge, presentation), 403, "presentation-refused")
    assert refused["reason"] == "untrusted_issuer"
    # disabling again changes nothing; an unknown key id is a 404; a malformed one a 422
    again = service.client.delete(f"/v1/issuers/{key_id}", headers=ADMIN).json()
    assert again["revoked_admissions"] == 0
    _problem(
        service.client.delete("/v1/issuers/" + "0" * 32, headers=ADMIN), 404, "issuer-not-found"
    )
    _problem(service.client.delete("/v1/issuers/nope", headers=ADMIN), 422, "invalid-request")
    # and a disabled key cannot be trusted again over the API
    _problem(
        service.client.post(
            "/v1/issuers", json=json.loads(service.issuer.public_key().to_json()), headers=ADMIN
        ),
        409,
        "issuer-disabled",
    )
    events = [e.event for e in _store(service).audit_events(limit=20)]
    assert "issuer_disabled" in events


def test_an_admission_checks_the_issuer_in_its_own_transaction(service: Service) -> None:
    """A process whose issuer cache still trusts a disabled issuer admits nothing."""
    _admit(service)  # the process now caches the issuer as trusted
    store = _store(service)
    store.disable_issuer(service.issuer.public_key().key_id, store.clock())  # another node
    challenge = service.challenge()
    refused = _problem(
        service.submit(challenge, service.presentation(challenge)), 403, "presentation-refused"
    )
    assert refused["reason"] == "untrusted_issuer"
    assert store.admission_for_challenge(challenge["challenge_id"]) is None


@pytest.mark.slow
def test_an_issuer_dropped_from_the_configuration_is_disabled_until_listed_again(
    tmp_path: Path, issuer: IssuerSecretKey, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, issuer)

    credential = bound_credential(issuer, holder := HolderSecret.generate())
    key_id = issuer.public_key().key_id
    with TestClient(create_app(settings)) as client:
        service = Service(client, settings, issuer, credential, tmp_path, holder)
        admission = _admit(service)["admission"]
        challenge = service.challenge()
        presentation = service.presentation(challenge)

    dropped = settings.model_copy(update={"trusted_issuers": []})
    with TestClient(create_app(dropped)) as client:
        assert client.get("/v1/issuers").json() == []
        status = client.get(f"/v1/admissions/{admission['admission_id']}").json()
        assert status["status"] == "revoked"
        response = client.post(
            "/v1/presentations",
            json=submission(challenge, presentation),
        )
        assert response.json()["reason"] == "untrusted_issuer"

    # Listed again, it is trusted again; what was revoked stays revoked.
    with TestClient(create_app(settings)) as client:
        assert [i["key_id"] for i in client.get("/v1/issuers").json()] == [key_id]
        status = client.get(f"/v1/admissions/{admission['admission_id']}").json()
        assert status["status"] == "revoked"
        # an admin disables it: that is for good
        assert client.delete(f"/v1/issuers/{key_id}", headers=ADMIN).status_code == 200
    with (
        caplog.at_level(logging.WARNING, logger="zkattest.service"),
        TestClient(create_app(settings)) as client,
    ):
        assert client.get("/v1/issuers").json() == []
    assert any("stays disabled" in r.getMessage() for r in caplog.records)


# -- 3. nothing is committed before everything that can fail has succeeded ------------


def test_a_challenge_answered_after_midnight_admits(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.datetime.now(dt.UTC).date()
    before = dt.datetime.combine(today, dt.time(23, 59, 30), dt.UTC)
    after = before + dt.timedelta(minutes=1)
    clock = [before]
    monkeypatch.setattr(Store, "clock", lambda self: clock[0])
    challenge = service.challenge()
    assert challenge["today"] == today.isoformat()
    presentation = service.presentation(challenge)
    clock[0] = after  # the next day
    response = service.submit(challenge, presentation)
    assert response.status_code == 201, response.text
    admission = response.json()["admission"]
    expires = dt.datetime.fromisoformat(admission["expires_at"])
    assert expires > after
    assert response.json()["receipt"]["jws"]


def test_receipts_are_signed_before_the_commit(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)

    def broken(self: ReceiptKeys, **_: Any) -> None:
        raise ZkAttestError("the signer failed")

    with monkeypatch.context() as patch:
        patch.setattr(ReceiptKeys, "sign_admission", broken)
        _problem(service.submit(challenge, presentation), 500, "internal")
    store = _store(service)
    record = store.get_challenge(challenge["challenge_id"])
    assert record is not None
    assert record.consumed_at is None  # nothing was committed
    assert store.admission_for_challenge(challenge["challenge_id"]) is None
    assert service.submit(challenge, presentation).status_code == 201


def test_the_same_presentation_again_gets_its_admission_and_receipts(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    first = service.submit(challenge, presentation)
    assert first.status_code == 201
    again = service.submit(challenge, presentation)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    listed = service.client.get(f"/v1/whitelist/{WALLET}", headers=ADMIN).json()
    assert len(listed["admissions"]) == 1  # admitted once
    # another presentation for the same challenge is a replay
    _problem(service.submit(challenge, service.presentation(challenge)), 409, "challenge-used")
    # a revoked admission is not handed out again
    service.client.delete(f"/v1/whitelist/{WALLET}", headers=ADMIN)
    _problem(service.submit(challenge, presentation), 409, "challenge-used")


# -- 5. one clock ----------------------------------------------------------------------


def test_challenge_expiry_is_decided_by_the_database_clock(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    store = _store(service)
    expired = store.clock() - dt.timedelta(seconds=10)
    with store.engine.begin() as conn:
        conn.execute(
            update(ChallengeRow)
            .where(ChallengeRow.challenge_id == challenge["challenge_id"])
            .values(expires_at=expired)
        )
    # This node's clock runs 400 s slow: by it, the challenge has 390 s to go.
    slow = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=400)
    with time_machine.travel(slow, tick=True):
        response = service.submit(challenge, presentation)
    _problem(response, 410, "challenge-expired")


def test_challenges_are_dated_by_the_database_clock(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    database_time = dt.datetime(2031, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    monkeypatch.setattr(Store, "clock", lambda self: database_time)
    challenge = service.challenge()
    assert challenge["today"] == "2031-03-04"
    assert challenge["expires_at"] == "2031-03-04T05:11:07Z"


@pytest.mark.parametrize("shift", [-400, 400])
def test_the_database_clock_is_not_the_nodes(service: Service, shift: int) -> None:
    store = _store(service)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift), tick=True):
        assert abs((store.clock() - dt.datetime.now(dt.UTC)).total_seconds() + shift) < 5


# -- 6. abuse costs the attacker: a bounded verification pool, a purge schedule -------


def test_a_full_verification_pool_refuses_at_once() -> None:
    async def scenario() -> None:
        pool = BoundedPool(1, 1)
        gate = threading.Event()
        first = asyncio.ensure_future(pool.run(gate.wait, 5))
        second = asyncio.ensure_future(pool.run(gate.wait, 5))
        await asyncio.sleep(0.05)
        assert pool.admitted == 2
        with pytest.raises(PoolFull):
            await pool.run(time.sleep, 0)
        # the event loop is free while the pool works
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        assert time.perf_counter() - started < 1
        gate.set()
        assert await first is True
        assert await second is True
        assert pool.admitted == 0
        assert await pool.run(sum, [1, 2]) == 3
        pool.shutdown()

    asyncio.run(scenario())


def test_a_busy_service_answers_503_with_retry_after(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    pool = BoundedPool(1, 0)
    gate = threading.Event()
    started = threading.Event()
    real_verify = admission.verify

    def slow_verify(*args: Any, **kwargs: Any) -> Any:
        started.set()
        gate.wait(10)
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(admission, "verify", slow_verify)
    monkeypatch.setattr(service.client.app.state.zkattest, "verifier", pool)  # type: ignore[attr-defined]
    results: list[int] = []
    worker = threading.Thread(
        target=lambda: results.append(service.submit(challenge, presentation).status_code)
    )
    worker.start()
    assert started.wait(10)
    other = service.challenge()
    busy = service.submit(other, service.presentation(other))
    _problem(busy, 503, "service-busy")
    assert busy.headers["Retry-After"] == "1"
    assert service.client.get("/healthz").status_code == 200
    gate.set()
    worker.join(10)
    assert results == [201]
    pool.shutdown()


@pytest.mark.slow
def test_expired_challenges_and_old_audit_events_are_purged_on_a_schedule(
    tmp_path: Path, issuer: IssuerSecretKey
) -> None:
    settings = make_settings(tmp_path, issuer, purge_interval_seconds=1, audit_retention_days=30)
    check_startup(settings)
    store = Store(settings.database_url)
    long_ago = store.clock() - dt.timedelta(days=90)
    with store.engine.begin() as conn:
        conn.execute(
            insert(ChallengeRow).values(
                challenge_id="stale",
                nonce="00" * 32,
                verifier_domain="exchange.example",
                circuit_id="kyc_adult",
                circuit_hash="ab" * 32,
                wallet_address=WALLET.lower(),
                chain_id=1,
                today=long_ago.date(),
                created_at=long_ago,
                expires_at=long_ago + dt.timedelta(minutes=5),
            )
        )
        conn.execute(insert(AuditEvent).values(at=long_ago, event="refused", outcome="invalid"))
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            events = store.audit_events(limit=1000)
            if store.get_challenge("stale") is None and all(e.at > long_ago for e in events):
                break
            time.sleep(0.2)
    assert store.get_challenge("stale") is None
    assert all(e.at > long_ago for e in store.audit_events(limit=1000))
    store.dispose()


# -- 7. every library error reaching the API is a 4xx ----------------------------------


def test_an_unexpected_library_error_is_a_400_not_a_500(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)

    def undecodable(record: Any) -> Challenge:
        raise DecodeError("stored circuit parameters are not valid")

    monkeypatch.setattr(admission, "challenge_from_record", undecodable)
    body = _problem(service.submit(challenge, presentation), 400, "invalid-input")
    assert "Traceback" not in json.dumps(body)


# -- 8. receipts a contract and a revocation can rely on -------------------------------


def test_the_jws_names_its_audience_and_its_admission(service: Service) -> None:
    body = _admit(service)
    jwks = service.client.get("/.well-known/jwks.json").json()
    claims = jwt.decode(
        body["receipt"]["jws"],
        jwt.PyJWK(jwks["keys"][0]),
        algorithms=["EdDSA"],
        audience="exchange.example",
        options={"require": ["aud", "iat", "exp", "jti"]},
    )
    assert claims["jti"] == body["admission"]["admission_id"]
    assert claims["exp"] > claims["iat"]
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(
            body["receipt"]["jws"],
            jwt.PyJWK(jwks["keys"][0]),
            algorithms=["EdDSA"],
            audience="another-platform.example",
        )


@pytest.mark.slow
def test_without_a_verifying_contract_there_is_no_eip712_receipt(
    tmp_path: Path, issuer: IssuerSecretKey, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        tmp_path, issuer, eip712_verifying_contract=None, receipt_audience="backend.exchange"
    )

    credential = bound_credential(issuer, holder := HolderSecret.generate())
    with (
        caplog.at_level(logging.WARNING, logger="zkattest.service"),
        TestClient(create_app(settings)) as client,
    ):
        service = Service(client, settings, issuer, credential, tmp_path, holder)
        body = _admit(service)
    assert body["receipt"]["eip712"] is None
    claims = jwt.decode(body["receipt"]["jws"], options={"verify_signature": False})
    assert claims["aud"] == "backend.exchange"
    assert any("no EIP-712 receipts" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
def test_nodes_on_one_database_must_share_the_receipt_key(
    tmp_path: Path, issuer: IssuerSecretKey
) -> None:
    first = make_settings(tmp_path, issuer)
    check_startup(first)
    second = first.model_copy(update={"receipt_key_path": tmp_path / "other-keys.json"})
    with pytest.raises(ConfigError) as info:
        check_startup(second)
    message = str(info.value)
    assert message.startswith("ZKATTEST_RECEIPT_KEY_PATH: ")
    assert ReceiptKeys.load_or_create(first.receipt_key_path).kid in message
    with pytest.raises(ConfigError), TestClient(create_app(second)):
        pass
    check_startup(first)  # the recorded key still starts


@pytest.mark.slow
def test_a_body_that_trickles_in_is_cut_off_with_a_408(tmp_path: Path) -> None:
    """The request head has a deadline in the server; the body has one in the app."""
    env = {"ZKATTEST_BODY_TIMEOUT_SECONDS": "1"}
    with running(SERVE, env, tmp_path, tmp_path / "serve.log") as base:
        address = urlsplit(base)
        body = b'{"circuit_id": "kyc_adult", "wallet_address": "0x' + b"0" * 40 + b'"}'
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/challenges HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            )
            started = time.monotonic()
            answer = b""
            for byte in body:  # one byte every 0.2 s: the whole body would take ~14 s
                try:
                    sock.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                readable, _, _ = select.select([sock], [], [], 0.2)
                if readable:
                    answer = sock.recv(65536)
                    break
            elapsed = time.monotonic() - started
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"application/problem+json" in answer
        assert elapsed < 5
        # a prompt body is served as before
        assert httpx.get(f"{base}/healthz").status_code == 200


@pytest.mark.parametrize(
    ("value", "accepted"), [("30", True), ("365", True), ("10", False), ("0", False)]
)
def test_the_admission_horizon_setting_is_one_of_the_published_steps(
    value: str, accepted: bool
) -> None:
    if accepted:
        assert load_settings(
            {"ZKATTEST_ADMISSION_HORIZON_DAYS": value}
        ).admission_horizon_days == int(value)
        return
    with pytest.raises(ConfigError, match="ZKATTEST_ADMISSION_HORIZON_DAYS"):
        load_settings({"ZKATTEST_ADMISSION_HORIZON_DAYS": value})
