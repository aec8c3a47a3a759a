"""Regression tests for the findings of the outside security and reliability review.

Each test here failed on the code before its fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import ADMIN_TOKEN, WALLET, Service, make_settings
from zkattest import IssuerSecretKey
from zkattest.service.app import create_app
from zkattest.service.core.config import ConfigError, Settings, load_settings

ADMIN_FAILURES_PER_MINUTE = Settings.model_fields["admin_failures_per_minute"].default

PROBLEM = "application/problem+json"

# -- 1. admin access fails closed --------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("\t\n", "is empty"),
        ("x" * 31, "at least 32 characters"),
        ("change-me", "at least 32 characters"),
        ("a" * 20 + " " + "b" * 20, "no whitespace"),
        (" " + "c" * 40, "no whitespace"),
    ],
)
def test_a_weak_admin_token_stops_start_up(token: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"ZKATTEST_ADMIN_TOKEN": token})
    message = str(info.value)
    assert message.startswith("ZKATTEST_ADMIN_TOKEN: ")
    assert expected in message
    if token.strip():
        assert token.strip() not in message  # a secret is never echoed


def test_a_long_admin_token_is_accepted() -> None:
    settings = load_settings({"ZKATTEST_ADMIN_TOKEN": "k" * 32})
    assert settings.admin_token is not None
    assert settings.admin_token.get_secret_value() == "k" * 32


def test_the_fixture_token_is_long_enough() -> None:
    assert len(ADMIN_TOKEN) >= 32


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer    ", "bearer"])
def test_an_empty_bearer_token_is_refused(service: Service, header: str) -> None:
    response = service.client.delete(f"/v1/whitelist/{WALLET}", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:zkattest:problem:unauthorized"


@pytest.mark.slow
def test_failed_admin_attempts_are_rate_limited(tmp_path: Path) -> None:
    issuer = IssuerSecretKey.generate()
    with TestClient(create_app(make_settings(tmp_path, issuer))) as client:
        wrong = {"Authorization": "Bearer " + "w" * 40}
        right = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        statuses = [
            client.delete(f"/v1/whitelist/{WALLET}", headers=wrong).status_code
            for _ in range(ADMIN_FAILURES_PER_MINUTE)
        ]
        assert statuses == [401] * ADMIN_FAILURES_PER_MINUTE
        throttled = client.delete(f"/v1/whitelist/{WALLET}", headers=wrong)
        assert throttled.status_code == 429
        assert throttled.headers["content-type"] == PROBLEM
        assert int(throttled.headers["retry-after"]) >= 1
        # while throttled, even the right token waits: guessing costs time, not just tries
        assert client.delete(f"/v1/whitelist/{WALLET}", headers=right).status_code == 429
        # non-admin endpoints are not affected
        assert client.get("/healthz").status_code == 200


@pytest.mark.slow
def test_admin_throttling_is_per_client(tmp_path: Path) -> None:
    issuer = IssuerSecretKey.generate()
    app = create_app(make_settings(tmp_path, issuer))
    with TestClient(app, client=("203.0.113.7", 5000)) as attacker:
        wrong = {"Authorization": "Bearer " + "w" * 40}
        for _ in range(ADMIN_FAILURES_PER_MINUTE + 1):
            attacker.delete(f"/v1/whitelist/{WALLET}", headers=wrong)
        assert attacker.delete(f"/v1/whitelist/{WALLET}", headers=wrong).status_code == 429
        admin = TestClient(app, client=("198.51.100.9", 5000))  # same app, same state
        response = admin.delete(
            f"/v1/whitelist/{WALLET}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert response.status_code == 404  # authorised; nothing to revoke
        assert attacker.delete(f"/v1/whitelist/{WALLET}", headers=wrong).status_code == 429


# -- 7. every bad input is a 4xx ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/challenges", {"POST"}),
        ("GET", "/v1/presentations", {"POST"}),
        ("POST", "/healthz", {"GET"}),
        ("PATCH", f"/v1/whitelist/{WALLET}", {"GET", "DELETE"}),
    ],
)
def test_405_keeps_its_allow_header(
    service: Service, method: str, path: str, allowed: set[str]
) -> None:
    response = service.client.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


@pytest.mark.parametrize(
    ("address", "status"),
    [
        (WALLET.lower() + "%0A", 422),  # a trailing newline
        (WALLET[:-1] + WALLET[-1].swapcase(), 400),  # one letter's case flipped
        (WALLET.upper().replace("0X", "0x") + "%0A", 422),
    ],
)
def test_odd_wallet_addresses_are_4xx_everywhere(
    service: Service, address: str, status: int
) -> None:
    for method in ("GET", "DELETE"):
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if method == "DELETE" else {}
        response = service.client.request(method, f"/v1/whitelist/{address}", headers=headers)
        assert response.status_code == status, (method, response.text)
        assert response.headers["content-type"] == PROBLEM
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    decoded = address.replace("%0A", "\n")
    response = service.submit(challenge, {**presentation, "wallet_address": decoded})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == PROBLEM


# -- 9. the whitelist does not publish eligibility ----------------------------------------

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_anonymous_callers_learn_only_yes_or_no_for_a_circuit_they_name(service: Service) -> None:
    challenge = service.challenge("accredited_investor_506c")
    assert service.submit(challenge, service.presentation(challenge)).status_code == 201
    client = service.client

    named = client.get(f"/v1/whitelist/{WALLET}", params={"circuit_id": "accredited_investor_506c"})
    assert named.status_code == 200
    assert named.json() == {
        "wallet_address": WALLET.lower(),
        "circuit_id": "accredited_investor_506c",
        "admitted": True,
    }
    other = client.get(f"/v1/whitelist/{WALLET}", params={"circuit_id": "kyc_adult"})
    assert other.status_code == 404
    assert other.json()["type"] == "urn:zkattest:problem:not-whitelisted"

    # no circuit named: the record (circuits, issuer, times) is for the admin only
    anonymous = client.get(f"/v1/whitelist/{WALLET}")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    assert "accredited_investor_506c" not in anonymous.text
    unknown = client.get(f"/v1/whitelist/{WALLET}", params={"circuit_id": "no_such_circuit"})
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "urn:zkattest:problem:unknown-circuit"

    full = client.get(f"/v1/whitelist/{WALLET}", headers=ADMIN)
    assert full.status_code == 200
    (record,) = full.json()["admissions"]
    assert record["circuit_id"] == "accredited_investor_506c"
    assert record["issuer_key_id"] == service.issuer.public_key().key_id
    wrong = client.get(f"/v1/whitelist/{WALLET}", headers={"Authorization": "Bearer " + "w" * 40})
    assert wrong.status_code == 401


def test_the_whitelist_lookup_documents_its_optional_admin_token(service: Service) -> None:
    operation = service.client.get("/openapi.json").json()["paths"][
        "/v1/whitelist/{wallet_address}"
    ]
    get = operation["get"]
    assert {"adminBearer": []} in get["security"]
    assert {} in get["security"]  # anonymous, with a circuit named
    (query,) = [p for p in get["parameters"] if p["in"] == "query"]
    assert query["name"] == "circuit_id"


# -- 6. abuse costs the attacker: who a client is ------------------------------------------


@pytest.mark.parametrize(
    ("client", "key"),
    [
        (("203.0.113.7", 1), "203.0.113.7"),
        (("2001:db8:1:2:aaaa::1", 1), "2001:db8:1:2::/64"),
        (("2001:db8:1:2:ffff:ffff:ffff:ffff", 1), "2001:db8:1:2::/64"),
        (("2001:db8:1:3::1", 1), "2001:db8:1:3::/64"),
        (("::ffff:203.0.113.7", 1), "203.0.113.7"),  # an IPv4 client on a dual stack
        (None, "unknown"),
    ],
)
def test_clients_are_keyed_by_address_and_ipv6_by_64(client: object, key: str) -> None:
    from zkattest.service.core.limits import client_key

    assert client_key({"type": "http", "client": client}) == key


def test_trusted_proxies_setting(tmp_path: Path) -> None:
    settings = load_settings({"ZKATTEST_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,fd00::/8"})
    assert settings.trusted_proxies == ["10.0.0.1", "192.168.0.0/16", "fd00::/8"]
    assert load_settings({}).trusted_proxies == []
    with pytest.raises(ConfigError, match=r"ZKATTEST_TRUSTED_PROXIES: .*not-an-ip"):
        load_settings({"ZKATTEST_TRUSTED_PROXIES": "not-an-ip"})
    with pytest.raises(ConfigError, match=r"ZKATTEST_TRUSTED_PROXIES: .*everyone"):
        load_settings({"ZKATTEST_TRUSTED_PROXIES": "*"})


@pytest.mark.slow
def test_forwarded_headers_are_not_trusted_by_default(tmp_path: Path) -> None:
    """Over loopback (which uvicorn trusts by default) a client that makes up
    X-Forwarded-For for each request still shares one rate-limit bucket."""
    import sys

    import httpx

    from tests.servers import running_server

    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("ZKATTEST_")} | {
        "ZKATTEST_RATE_LIMIT_PER_MINUTE": "3"
    }
    command = [sys.executable, "-m", "zkattest.cli", "serve", "--host", "127.0.0.1"]
    body = {"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 1}
    with running_server(command, env=env, log=tmp_path / "serve.log", cwd=tmp_path) as base:
        statuses = []
        for i in range(5):
            forged = {"X-Forwarded-For": f"198.51.100.{i}", "Forwarded": f"for=198.51.100.{i}"}
            response = httpx.post(f"{base}/v1/challenges", json=body, headers=forged, timeout=10)
            statuses.append(response.status_code)
    assert statuses == [201, 201, 201, 429, 429]


# -- 6. /healthz is cheap; /readyz tells whether the database takes writes ----------------


def test_healthz_does_not_touch_the_database(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = service.client.app.state.zkattest.store  # type: ignore[attr-defined]

    def no_database(*_: object, **__: object) -> None:
        raise AssertionError("a liveness check must not query the database")

    monkeypatch.setattr(store, "counts", no_database)
    monkeypatch.setattr(store, "check_writable", no_database)
    response = service.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_writes_to_the_database(service: Service) -> None:
    response = service.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "writable"}


def test_readyz_reports_a_database_that_refuses_writes(service: Service) -> None:
    """SQLite's query_only mode on every new connection: the database answers
    reads and refuses every write (the tests run as root, to whom a read-only
    file is still writable)."""
    from sqlalchemy import event

    store = service.client.app.state.zkattest.store  # type: ignore[attr-defined]

    def refuse_writes(dbapi_connection: Any, _: object) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(store.engine, "connect", refuse_writes)
    store.dispose()  # the pooled connections go; new ones refuse writes
    try:
        assert service.client.get("/healthz").status_code == 200  # alive all the same
        response = service.client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:zkattest:problem:not-ready"
        assert int(response.headers["retry-after"]) >= 1
    finally:
        event.remove(store.engine, "connect", refuse_writes)
        store.dispose()
    assert service.client.get("/readyz").status_code == 200


# -- 6. one challenge buys a few verifications, not unlimited ones --------------------------


def _tampered(presentation: dict[str, Any]) -> dict[str, Any]:
    import base64

    proof = bytearray(base64.b64decode(presentation["proof"]))
    proof[-1] ^= 1
    return {**presentation, "proof": base64.b64encode(bytes(proof)).decode()}


def test_a_challenge_is_burned_after_three_refused_presentations(service: Service) -> None:
    challenge = service.challenge()
    honest = service.presentation(challenge)
    for _ in range(3):
        refused = service.submit(challenge, _tampered(honest))
        assert refused.status_code == 403
        assert refused.json()["type"] == "urn:zkattest:problem:presentation-refused"
    burned = service.submit(challenge, honest)  # even an honest one, now
    assert burned.status_code == 409
    assert burned.headers["content-type"] == PROBLEM
    assert burned.json()["type"] == "urn:zkattest:problem:challenge-burned"
    named = {"circuit_id": "accredited_investor_506c"}
    assert service.client.get(f"/v1/whitelist/{WALLET}", params=named).status_code == 404
    # a fresh challenge works
    fresh = service.challenge()
    assert service.submit(fresh, service.presentation(fresh)).status_code == 201


@pytest.mark.slow
def test_fewer_refusals_do_not_burn_and_the_limit_is_a_setting(tmp_path: Path) -> None:
    from tests.conftest import bound_credential
    from tests.service.conftest import Service as Svc
    from zkattest import HolderSecret

    issuer = IssuerSecretKey.generate()
    settings = make_settings(tmp_path, issuer, max_refused_presentations=1)
    credential = bound_credential(issuer, holder := HolderSecret.generate())
    with TestClient(create_app(settings)) as client:
        service = Svc(client, settings, issuer, credential, tmp_path, holder)
        challenge = service.challenge()
        honest = service.presentation(challenge)
        assert service.submit(challenge, _tampered(honest)).status_code == 403
        assert service.submit(challenge, honest).status_code == 409
    with pytest.raises(ConfigError, match="ZKATTEST_MAX_REFUSED_PRESENTATIONS"):
        load_settings({"ZKATTEST_MAX_REFUSED_PRESENTATIONS": "0"})


def test_two_refusals_leave_the_challenge_usable(service: Service) -> None:
    challenge = service.challenge()
    honest = service.presentation(challenge)
    for _ in range(2):
        assert service.submit(challenge, _tampered(honest)).status_code == 403
    assert service.submit(challenge, honest).status_code == 201


# -- 8. an admission's status can be looked up by its id ----------------------------------


def test_an_admissions_status_by_its_id(service: Service) -> None:
    import datetime as dt

    from sqlalchemy import update

    from zkattest.service.storage.models import Admission

    challenge = service.challenge()
    created = service.submit(challenge, service.presentation(challenge))
    assert created.status_code == 201
    admission = created.json()["admission"]
    admission_id = admission["admission_id"]
    client = service.client

    live = client.get(f"/v1/admissions/{admission_id}")
    assert live.status_code == 200
    assert live.json() == {
        "admission_id": admission_id,
        "status": "live",
        "expires_at": admission["expires_at"],
    }
    assert client.delete(f"/v1/whitelist/{WALLET}", headers=ADMIN).status_code == 200
    assert client.get(f"/v1/admissions/{admission_id}").json()["status"] == "revoked"

    again = service.challenge()
    second = service.submit(again, service.presentation(again)).json()["admission"]
    store = client.app.state.zkattest.store  # type: ignore[attr-defined]
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with store.engine.begin() as conn:
        conn.execute(
            update(Admission).where(Admission.id == second["admission_id"]).values(expires_at=past)
        )
    assert client.get(f"/v1/admissions/{second['admission_id']}").json()["status"] == "expired"

    unknown = client.get("/v1/admissions/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "urn:zkattest:problem:admission-not-found"
    malformed = client.get("/v1/admissions/not-an-id")
    assert malformed.status_code == 422
    assert malformed.headers["content-type"] == PROBLEM
