"""The verifier service's HTTP API, end to end in process."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import jwt
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.conftest import bound_credential
from tests.service.conftest import ADMIN_TOKEN, CONTRACT, WALLET, Service, make_settings
from tests.wallets import OTHER_WALLET
from zkattest import Challenge, HolderSecret, IssuerSecretKey, prove
from zkattest.service.app import create_app
from zkattest.service.storage.records import ChallengeRecord

PROBLEM = "application/problem+json"


def _problem(response: object, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["type"] == f"urn:zkattest:problem:{slug}"
    assert body["status"] == status
    assert "Traceback" not in json.dumps(body)
    return body


def test_full_flow_with_receipts(service: Service) -> None:
    challenge = service.challenge()
    assert challenge["wallet_address"] == WALLET.lower()
    assert challenge["verifier_domain"] == "exchange.example"
    response = service.submit(challenge, service.presentation(challenge))
    assert response.status_code == 201, response.text
    body = response.json()
    admission = body["admission"]
    assert admission["wallet_address"] == WALLET.lower()
    assert admission["circuit_id"] == "accredited_investor_506c"

    # (a) the JWS, verified with PyJWT against the published JWKS
    jwks = service.client.get("/.well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(
        body["receipt"]["jws"],
        key,
        algorithms=["EdDSA"],
        audience="exchange.example",
        options={"require": ["aud", "iat", "exp", "jti", "iss", "sub"]},
    )
    assert claims["iss"] == "exchange.example"
    assert claims["sub"] == WALLET.lower()
    assert claims["jti"] == admission["admission_id"]
    assert claims["circuit_hash"] == "0x" + challenge["circuit_hash"]
    assert claims["exp"] == int(dt.datetime.fromisoformat(admission["expires_at"]).timestamp())

    # (b) the EIP-712 signature, recovered with eth-account
    typed = body["receipt"]["eip712"]
    signable = encode_typed_data(
        full_message={k: typed[k] for k in ("domain", "types", "primaryType", "message")}
    )
    assert Account.recover_message(signable, signature=typed["signature"]) == typed["signer"]
    assert typed["message"]["wallet"].lower() == WALLET.lower()
    assert typed["message"]["expiry"] == claims["exp"]
    assert typed["message"]["admissionId"] == "0x" + uuid.UUID(claims["jti"]).hex
    assert typed["domain"]["verifyingContract"] == CONTRACT

    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    listed = service.client.get(f"/v1/whitelist/{WALLET}", headers=admin)
    assert listed.status_code == 200
    assert [a["admission_id"] for a in listed.json()["admissions"]] == [admission["admission_id"]]


def test_admission_expires_no_later_than_the_proven_expiry(service: Service) -> None:
    challenge = service.challenge()
    body = service.submit(challenge, service.presentation(challenge)).json()
    # the presentation proves expiry >= today + the service's admission horizon
    assert challenge["horizon_days"] == service.settings.admission_horizon_days == 30
    proven = dt.date.fromisoformat(challenge["today"]) + dt.timedelta(days=30)
    expires = dt.datetime.fromisoformat(body["admission"]["expires_at"])
    admitted = dt.datetime.fromisoformat(body["admission"]["admitted_at"])
    # and no longer than the re-proof interval (7 days by default: the sooner end)
    interval = dt.timedelta(seconds=service.settings.reproof_interval_seconds)
    credential_end = dt.datetime.combine(proven + dt.timedelta(days=1), dt.time(), dt.UTC)
    assert expires == min(credential_end, admitted.replace(microsecond=0) + interval)
    assert expires < credential_end
    due = dt.datetime.fromisoformat(body["admission"]["reproof_due_at"])
    assert expires - due == dt.timedelta(seconds=service.settings.reproof_notice_seconds)


def test_replay_is_409_and_expired_is_410(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    assert service.submit(challenge, presentation).status_code == 201
    # another presentation for the used challenge (the same one again is answered 200)
    _problem(service.submit(challenge, service.presentation(challenge)), 409, "challenge-used")

    store = service.client.app.state.zkattest.store  # type: ignore[attr-defined]
    old = service.challenge()
    record = store.get_challenge(old["challenge_id"])
    expired = ChallengeRecord(
        **{
            **{f: getattr(record, f) for f in record.__dataclass_fields__},
            "challenge_id": "expired-challenge",
            "created_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            "expires_at": dt.datetime(2020, 1, 1, 0, 5, tzinfo=dt.UTC),
        }
    )
    store.create_challenge(expired)
    stale = {**old, "challenge_id": "expired-challenge"}
    presentation = service.presentation(old)
    presentation["challenge_id"] = "expired-challenge"
    _problem(service.submit(stale, presentation), 410, "challenge-expired")


def test_refused_presentations_are_403(service: Service) -> None:
    mine = service.challenge()
    other = service.challenge(wallet=OTHER_WALLET)
    presentation = service.presentation(mine)
    presentation["challenge_id"] = other["challenge_id"]
    body = _problem(service.submit(other, presentation), 403, "presentation-refused")
    assert body["reason"] == "context_mismatch"
    # a flipped proof byte
    fresh = service.challenge()
    tampered = service.presentation(fresh)
    proof = bytearray(__import__("base64").b64decode(tampered["proof"]))
    proof[100] ^= 1
    tampered["proof"] = __import__("base64").b64encode(bytes(proof)).decode()
    _problem(service.submit(fresh, tampered), 403, "presentation-refused")
    # the challenge was not burnt by the refusals: the honest presentation still works
    assert service.submit(fresh, service.presentation(fresh)).status_code == 201


@pytest.mark.parametrize(
    ("payload", "status", "slug"),
    [
        ({"circuit_id": "nope", "wallet_address": WALLET, "chain_id": 1}, 404, "unknown-circuit"),
        (
            {"circuit_id": "kyc_adult", "wallet_address": WALLET[:-1] + "D", "chain_id": 1},
            400,
            "invalid-wallet-address",
        ),
        (
            {"circuit_id": "kyc_adult", "wallet_address": "0x123", "chain_id": 1},
            422,
            "invalid-request",
        ),
        (
            {"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 0},
            422,
            "invalid-request",
        ),
        (
            {"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 1, "x": 1},
            422,
            "invalid-request",
        ),
    ],
)
def test_bad_challenge_requests(
    service: Service, payload: dict[str, object], status: int, slug: str
) -> None:
    _problem(service.client.post("/v1/challenges", json=payload), status, slug)


def test_malformed_presentations(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    _problem(
        service.client.post(
            "/v1/presentations", content=b"{not json", headers={"content-type": "application/json"}
        ),
        400,
        "malformed-request",
    )
    broken = {**presentation, "proof": "!!!"}
    _problem(service.submit(challenge, broken), 400, "malformed-presentation")
    _problem(
        service.submit(challenge, {**presentation, "version": 9}), 400, "malformed-presentation"
    )
    _problem(
        service.client.post("/v1/presentations", json={"challenge_id": "x"}), 422, "invalid-request"
    )
    unknown = {**challenge, "challenge_id": "unknown"}
    _problem(
        service.submit(unknown, {**presentation, "challenge_id": "unknown"}),
        404,
        "challenge-not-found",
    )
    _problem(
        service.client.post(
            "/v1/presentations", content=b"x" * 70_000, headers={"content-type": "application/json"}
        ),
        413,
        "payload-too-large",
    )


def test_whitelist_and_admin(service: Service) -> None:
    named = {"circuit_id": "accredited_investor_506c"}
    _problem(service.client.get(f"/v1/whitelist/{WALLET}", params=named), 404, "not-whitelisted")
    _problem(service.client.get("/v1/whitelist/0xnothex"), 422, "invalid-request")
    _problem(service.client.get(f"/v1/whitelist/{WALLET[:-1]}D"), 400, "invalid-wallet-address")
    challenge = service.challenge()
    service.submit(challenge, service.presentation(challenge))
    _problem(service.client.delete(f"/v1/whitelist/{WALLET}"), 401, "unauthorized")
    _problem(
        service.client.delete(f"/v1/whitelist/{WALLET}", headers={"Authorization": "Bearer wrong"}),
        401,
        "unauthorized",
    )
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = service.client.delete(f"/v1/whitelist/{WALLET}", headers=admin)
    assert response.status_code == 200
    assert response.json()["revoked"] == 1
    _problem(service.client.get(f"/v1/whitelist/{WALLET}", params=named), 404, "not-whitelisted")


def test_issuers_circuits_health_metrics(service: Service) -> None:
    from zkattest import IssuerSecretKey

    issuers = service.client.get("/v1/issuers").json()
    assert [i["key_id"] for i in issuers] == [service.issuer.public_key().key_id]
    new = json.loads(IssuerSecretKey.generate().public_key().to_json())
    _problem(service.client.post("/v1/issuers", json=new), 401, "unauthorized")
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert service.client.post("/v1/issuers", json=new, headers=admin).status_code == 201
    assert len(service.client.get("/v1/issuers").json()) == 2
    bad = {**new, "public_key": "00" * 96}
    _problem(service.client.post("/v1/issuers", json=bad, headers=admin), 400, "invalid-issuer-key")
    wrong_id = {**new, "key_id": "0" * 32}
    _problem(
        service.client.post("/v1/issuers", json=wrong_id, headers=admin), 400, "invalid-issuer-key"
    )
    unknown_suite = {**new, "suite": "BLS12-381-SHA-512"}
    _problem(
        service.client.post("/v1/issuers", json=unknown_suite, headers=admin),
        422,
        "invalid-request",
    )

    circuits = {c["id"]: c for c in service.client.get("/v1/circuits").json()}
    assert set(circuits) == {
        "accredited_investor_506c",
        "accredited_investor_506c_verified",
        "kyc_adult",
        "qib_144a",
        "reg_s_non_us",
    }
    assert [
        c["schema_id"] for c in circuits["accredited_investor_506c_verified"]["credentials"]
    ] == [
        "investor/v1",
        "accreditation/v1",
    ]
    assert service.client.get("/healthz").json()["status"] == "ok"
    challenge = service.challenge()
    service.submit(challenge, service.presentation(challenge))
    metrics = service.client.get("/metrics").text
    assert "zkattest_admissions_total 1.0" in metrics
    assert "zkattest_challenges_total" in metrics
    _problem(service.client.get("/nowhere"), 404, "not-found")


@pytest.mark.slow
def test_rate_limit(tmp_path: object, issuer: object) -> None:
    from fastapi.testclient import TestClient

    from tests.service.conftest import make_settings
    from zkattest.service.app import create_app

    settings = make_settings(tmp_path, issuer, rate_limit_per_minute=3)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        payload = {"circuit_id": "kyc_adult", "wallet_address": WALLET, "chain_id": 1}
        codes = [client.post("/v1/challenges", json=payload).status_code for _ in range(5)]
        assert codes[:3] == [201, 201, 201]
        limited = client.post("/v1/challenges", json=payload)
        _problem(limited, 429, "rate-limited")
        assert int(limited.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200  # GETs are not limited


def test_streamed_oversized_body_is_413(service: Service) -> None:
    def chunks() -> object:
        for _ in range(20):
            yield b"x" * 8192

    response = service.client.post(
        "/v1/presentations", content=chunks(), headers={"content-type": "application/json"}
    )
    _problem(response, 413, "payload-too-large")
    _problem(
        service.client.post(
            "/v1/challenges",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": "x"},
        ),
        400,
        "malformed-request",
    )


@pytest.mark.slow  # starts the service
def test_a_platform_circuit_file_is_served(tmp_path: Path, issuer: IssuerSecretKey) -> None:
    """ZKATTEST_CIRCUIT_FILES: the service lists, challenges for and admits on
    a platform's own circuit; a file that is not a circuit stops start-up."""
    from tests.test_platform_circuits import platform_circuit
    from zkattest.circuits import CircuitRegistry

    path = platform_circuit(tmp_path)
    settings = make_settings(tmp_path, issuer, circuit_files=[path])
    credential = bound_credential(issuer, holder := HolderSecret.generate())
    with TestClient(create_app(settings)) as client:
        ids = [c["id"] for c in client.get("/v1/circuits").json()]
        assert "kyc_adult_21" in ids
        assert "kyc_adult" in ids
        service = Service(client, settings, issuer, credential, tmp_path, holder)
        challenge = service.challenge("kyc_adult_21")
        circuits = CircuitRegistry()
        circuits.add_file(path)
        presentation = prove(
            credential, Challenge.from_json(json.dumps(challenge)), circuits=circuits, holder=holder
        )
        response = service.submit(challenge, json.loads(presentation.to_json()))
        assert response.status_code == 201, response.text
        look = client.get(f"/v1/whitelist/{WALLET}", params={"circuit_id": "kyc_adult_21"})
        assert look.status_code == 200
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 'x'\n")
    with pytest.raises(ValidationError, match=r"bad\.toml"):
        make_settings(tmp_path, issuer, circuit_files=[bad])
