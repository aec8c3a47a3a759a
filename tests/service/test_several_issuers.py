"""The service over presentations of several credentials: issuers trusted for named
schemas and roles (configuration and POST /v1/issuers), accredited_investor_506c_verified
admitted, an accreditation signed by a KYC-only key refused, disabling either issuer
revokes the admission."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.conftest import bound_credential, sample_attributes
from tests.service.conftest import ADMIN_TOKEN, WALLET, make_settings
from tests.service.test_api import _problem
from tests.wallets import submission
from zkattest import Challenge, Credential, HolderSecret, IssuerSecretKey, prove
from zkattest.service.app import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CIRCUIT = "accredited_investor_506c_verified"
TODAY = dt.datetime.now(dt.UTC).date()


def letter(**changes: str) -> dict[str, object]:
    return {
        "holder_ref": "engagement-12",
        "accreditation_basis": "income",
        "verifier_kind": "cpa",
        "verified_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "issuance_date": (TODAY - dt.timedelta(days=9)).isoformat(),
        "expiry_date": (TODAY + dt.timedelta(days=80)).isoformat(),
    } | changes


@dataclass
class Platform:
    client: TestClient
    kyc: IssuerSecretKey
    cpa: IssuerSecretKey
    holder: HolderSecret
    credentials: tuple[Credential, Credential]

    def challenge(self) -> dict[str, Any]:
        response = self.client.post(
            "/v1/challenges", json={"circuit_id": CIRCUIT, "wallet_address": WALLET, "chain_id": 1}
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def submit(self, credentials: list[Credential] | None = None) -> Any:
        challenge = self.challenge()
        presentation = prove(
            credentials or list(self.credentials),
            Challenge.from_json(json.dumps(challenge)),
            holder=self.holder,
        )
        body = submission(challenge, json.loads(presentation.to_json()))
        return self.client.post("/v1/presentations", json=body)


def grants(kyc: IssuerSecretKey, cpa: IssuerSecretKey) -> dict[str, Any]:
    return {
        kyc.public_key().key_id: {"schemas": ["investor/v1"], "roles": ["kyc_provider"]},
        cpa.public_key().key_id: {
            "schemas": ["accreditation/v1"],
            "roles": ["accreditation_verifier"],
        },
    }


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    kyc, cpa = IssuerSecretKey.generate(), IssuerSecretKey.generate()
    cpa_file = tmp_path / "cpa.json"
    cpa_file.write_text(cpa.public_key().to_json())
    kyc_file = tmp_path / "issuer.json"
    kyc_file.write_text(kyc.public_key().to_json())
    settings = make_settings(
        tmp_path,
        kyc,
        trusted_issuers=[kyc_file, cpa_file],
        issuer_grants=json.dumps(grants(kyc, cpa)),
    )
    holder = HolderSecret.generate()
    credentials = (
        bound_credential(kyc, holder, sample_attributes(), today=TODAY),
        bound_credential(cpa, holder, letter(), today=TODAY, schema_id="accreditation/v1"),
    )
    with TestClient(create_app(settings)) as client:
        yield Platform(client, kyc, cpa, holder, credentials)


def test_two_issuers_credentials_admit_one_wallet(platform: Platform) -> None:
    listed = {i["key_id"]: i for i in platform.client.get("/v1/issuers").json()}
    assert listed[platform.kyc.public_key().key_id]["schemas"] == ["investor/v1"]
    assert listed[platform.cpa.public_key().key_id]["roles"] == ["accreditation_verifier"]
    answer = platform.submit()
    assert answer.status_code == 201, answer.text
    admission = answer.json()["admission"]
    assert admission["issuer_key_id"] == platform.kyc.public_key().key_id
    assert admission["pseudonym"]
    named = {"circuit_id": CIRCUIT}
    assert platform.client.get(f"/v1/whitelist/{WALLET}", params=named).json()["admitted"]
    # disabling the accreditation's issuer revokes the admission
    key_id = platform.cpa.public_key().key_id
    disabled = platform.client.delete(f"/v1/issuers/{key_id}", headers=ADMIN)
    assert disabled.json()["revoked_admissions"] == 1
    _problem(platform.client.get(f"/v1/whitelist/{WALLET}", params=named), 404, "not-whitelisted")


def test_an_accreditation_signed_by_a_kyc_only_key_is_refused(platform: Platform) -> None:
    forged = bound_credential(
        platform.kyc, platform.holder, letter(), today=TODAY, schema_id="accreditation/v1",
        customer="c-2",
    )  # fmt: skip
    body = _problem(platform.submit([platform.credentials[0], forged]), 403, "presentation-refused")
    assert body["reason"] == "untrusted_issuer"
    # the honest pair still gets in (the refusal consumed nothing of it)
    assert platform.submit().status_code == 201


def test_issuers_added_with_schemas_and_roles(platform: Platform) -> None:
    other = IssuerSecretKey.generate()
    key = json.loads(other.public_key().to_json())
    post = platform.client.post
    unknown = key | {"schemas": ["passport/v1"]}
    problem = _problem(post("/v1/issuers", json=unknown, headers=ADMIN), 400, "invalid-input")
    assert "unknown schema(s) passport/v1" in problem["detail"]
    _problem(
        post("/v1/issuers", json=key | {"roles": ["Not A Role"]}, headers=ADMIN),
        422,
        "invalid-request",
    )
    _problem(post("/v1/issuers", json=key | {"schemas": []}, headers=ADMIN), 422, "invalid-request")
    granted = key | {"schemas": ["accreditation/v1"], "roles": ["accreditation_verifier"]}
    added = post("/v1/issuers", json=granted, headers=ADMIN)
    assert added.status_code == 201, added.text
    assert added.json()["schemas"] == ["accreditation/v1"]
    assert post("/v1/issuers", json=granted, headers=ADMIN).status_code == 201  # same grants
    _problem(post("/v1/issuers", json=key, headers=ADMIN), 409, "issuer-conflict")
    # a key added without grants is trusted for investor/v1 only, in no role
    plain = json.loads(IssuerSecretKey.generate().public_key().to_json())
    assert post("/v1/issuers", json=plain, headers=ADMIN).json()["schemas"] == ["investor/v1"]
    # the new accreditation issuer's letter is accepted
    letter_2 = bound_credential(
        other, platform.holder, letter(), today=TODAY, schema_id="accreditation/v1"
    )
    assert platform.submit([platform.credentials[0], letter_2]).status_code == 201


def test_grants_in_the_configuration_are_checked(tmp_path: Path) -> None:
    kyc, cpa = IssuerSecretKey.generate(), IssuerSecretKey.generate()
    stray = {cpa.public_key().key_id: {"schemas": ["accreditation/v1"]}}
    with pytest.raises(ValidationError, match="does not list"):
        make_settings(tmp_path, kyc, issuer_grants=json.dumps(stray))
    unknown = {kyc.public_key().key_id: {"schemas": ["passport/v1"]}}
    with pytest.raises(ValidationError, match=r"unknown schema\(s\) passport/v1"):
        make_settings(tmp_path, kyc, issuer_grants=json.dumps(unknown))
    with pytest.raises(ValidationError, match="must be a JSON object"):
        make_settings(tmp_path, kyc, issuer_grants="{")
    extra = {kyc.public_key().key_id: {"schemas": ["investor/v1"], "role": ["x"]}}
    with pytest.raises(ValidationError, match="role"):
        make_settings(tmp_path, kyc, issuer_grants=json.dumps(extra))


def test_changed_grants_apply_at_the_next_start(tmp_path: Path) -> None:
    kyc = IssuerSecretKey.generate()
    with TestClient(create_app(make_settings(tmp_path, kyc))) as client:
        (listed,) = client.get("/v1/issuers").json()
        assert (listed["schemas"], listed["roles"]) == (["investor/v1"], [])
    wider = {kyc.public_key().key_id: {"schemas": ["investor/v1"], "roles": ["kyc_provider"]}}
    with TestClient(create_app(make_settings(tmp_path, kyc, issuer_grants=json.dumps(wider)))) as c:
        (listed,) = c.get("/v1/issuers").json()
        assert listed["roles"] == ["kyc_provider"]


def test_a_narrowed_grant_ends_the_admissions_that_relied_on_the_key(tmp_path: Path) -> None:
    kyc, cpa = IssuerSecretKey.generate(), IssuerSecretKey.generate()
    kyc_file, cpa_file = tmp_path / "issuer.json", tmp_path / "cpa.json"
    kyc_file.write_text(kyc.public_key().to_json())
    cpa_file.write_text(cpa.public_key().to_json())
    holder = HolderSecret.generate()
    credentials = (
        bound_credential(kyc, holder, sample_attributes(), today=TODAY),
        bound_credential(cpa, holder, letter(), today=TODAY, schema_id="accreditation/v1"),
    )

    def app(issuer_grants: dict[str, Any]) -> TestClient:
        settings = make_settings(
            tmp_path,
            kyc,
            trusted_issuers=[kyc_file, cpa_file],
            issuer_grants=json.dumps(issuer_grants),
        )
        return TestClient(create_app(settings))

    named = {"circuit_id": CIRCUIT}
    with app(grants(kyc, cpa)) as client:
        platform = Platform(client, kyc, cpa, holder, credentials)
        assert platform.submit().status_code == 201
    # wider grants leave it; a lost role or schema ends it
    wider = grants(kyc, cpa)
    wider[cpa.public_key().key_id]["roles"].append("cpa")
    with app(wider) as client:
        assert client.get(f"/v1/whitelist/{WALLET}", params=named).json()["admitted"]
    narrower = grants(kyc, cpa)
    narrower[cpa.public_key().key_id] = {"schemas": ["accreditation/v1"]}
    with app(narrower) as client:
        _problem(client.get(f"/v1/whitelist/{WALLET}", params=named), 404, "not-whitelisted")
        body = _problem(
            Platform(client, kyc, cpa, holder, credentials).submit(), 403, "presentation-refused"
        )
        assert body["reason"] == "untrusted_issuer"


def test_grant_lists_are_bounded(tmp_path: Path, platform: Platform) -> None:
    kyc = IssuerSecretKey.generate()
    many = {
        kyc.public_key().key_id: {"schemas": ["investor/v1"], "roles": [f"r{i}" for i in range(9)]}
    }
    with pytest.raises(ValidationError, match="at most 8"):
        make_settings(tmp_path, kyc, issuer_grants=json.dumps(many))
    key = json.loads(IssuerSecretKey.generate().public_key().to_json())
    roles = ["r" * 64 + str(i) for i in range(9)]
    post = platform.client.post("/v1/issuers", json=key | {"roles": roles}, headers=ADMIN)
    _problem(post, 422, "invalid-request")
