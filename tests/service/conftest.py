"""Fixtures for the verifier service: an app on a temporary SQLite file, an issuer, a wallet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bound_credential
from tests.wallets import WALLET, submission
from zkattest import Challenge, Credential, HolderSecret, IssuerSecretKey, prove
from zkattest.service.app import create_app
from zkattest.service.core.config import Settings

__all__ = ["ADMIN_TOKEN", "CONTRACT", "WALLET", "Service", "make_settings"]
ADMIN_TOKEN = "test-admin-token-0123456789-abcdefghijklmnop"  # noqa: S105 - a test fixture
#: The whitelist contract the EIP-712 receipts are signed for.
CONTRACT = "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"


@dataclass
class Service:
    client: TestClient
    settings: Settings
    issuer: IssuerSecretKey
    credential: Credential
    tmp: Path
    holder: HolderSecret

    def challenge(
        self, circuit_id: str = "accredited_investor_506c", wallet: str = WALLET, chain_id: int = 1
    ) -> dict[str, Any]:
        response = self.client.post(
            "/v1/challenges",
            json={"circuit_id": circuit_id, "wallet_address": wallet, "chain_id": chain_id},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def presentation(self, challenge: dict[str, Any]) -> dict[str, Any]:
        presentation = prove(
            self.credential, Challenge.from_json(json.dumps(challenge)), holder=self.holder
        )
        body: dict[str, Any] = json.loads(presentation.to_json())
        return body

    def submit(self, challenge: dict[str, Any], presentation: dict[str, Any], **extra: Any) -> Any:
        """POST the presentation with the challenge wallet's sign-in signature."""
        return self.client.post(
            "/v1/presentations", json=submission(challenge, presentation, **extra)
        )


def make_settings(tmp: Path, issuer: IssuerSecretKey, **overrides: Any) -> Settings:
    issuer_file = tmp / "issuer.json"
    issuer_file.write_text(issuer.public_key().to_json())
    fields: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp / 'zkattest.sqlite3'}",
        "trusted_issuers": [issuer_file],
        "admin_token": ADMIN_TOKEN,
        "verifier_domain": "exchange.example",
        "receipt_key_path": tmp / "receipt-keys.json",
        "eip712_verifying_contract": CONTRACT,
    }
    fields.update(overrides)
    return Settings(**fields)


@pytest.fixture(scope="module")
def issuer() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


@pytest.fixture
def service(tmp_path: Path, issuer: IssuerSecretKey) -> Iterator[Service]:
    settings = make_settings(tmp_path, issuer)
    holder = HolderSecret.generate()
    credential = bound_credential(issuer, holder)
    with TestClient(create_app(settings)) as client:
        yield Service(client, settings, issuer, credential, tmp_path, holder)
