"""Record ↔ library ↔ API conversions of the service, in one place.

Storage records (:mod:`zkattest.service.storage.records`), the library's wire
objects (:class:`~zkattest.Challenge`, issuer keys) and the API's
models (:mod:`zkattest.service.schemas`) meet here; routes and the admission
module use these functions and never import each other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from zkattest import Challenge, IssuerPublicKey, TrustedIssuer
from zkattest.codec import utc_text
from zkattest.hazmat.bbs import SUITES
from zkattest.service.schemas import AdmissionPublic
from zkattest.service.storage.records import AdmissionRecord, ChallengeRecord, IssuerRecord

__all__ = [
    "admission_public",
    "challenge_from_record",
    "challenge_record",
    "issuer_keys",
    "issuer_public",
]


def challenge_record(challenge: Challenge, created_at: dt.datetime) -> ChallengeRecord:
    """A library challenge as stored."""
    return ChallengeRecord(
        challenge_id=challenge.challenge_id,
        nonce=challenge.nonce.hex(),
        verifier_domain=challenge.verifier_domain,
        circuit_id=challenge.circuit_id,
        circuit_hash=challenge.circuit_hash.hex(),
        circuit_params=json.dumps(dict(challenge.circuit_params), sort_keys=True),
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        today=challenge.today,
        horizon_days=challenge.horizon_days,
        created_at=created_at,
        expires_at=challenge.expires_at,
        registry_not_before=challenge.registry_not_before,
    )


def challenge_from_record(record: ChallengeRecord) -> Challenge:
    """The library's Challenge for a stored one."""
    return Challenge(
        challenge_id=record.challenge_id,
        nonce=bytes.fromhex(record.nonce),
        verifier_domain=record.verifier_domain,
        circuit_id=record.circuit_id,
        circuit_hash=bytes.fromhex(record.circuit_hash),
        wallet_address=record.wallet_address,
        chain_id=record.chain_id,
        today=record.today,
        horizon_days=record.horizon_days,
        expires_at=record.expires_at,
        circuit_params=json.loads(record.circuit_params),
        registry_not_before=record.registry_not_before,
    )


def admission_public(
    record: AdmissionRecord, notice: dt.timedelta = dt.timedelta(0)
) -> AdmissionPublic:
    """A stored admission as the API shows it (its re-proof due ``notice`` before it ends)."""
    return AdmissionPublic(
        admission_id=record.id,
        wallet_address=record.wallet_address,
        chain_id=record.chain_id,
        circuit_id=record.circuit_id,
        circuit_hash=record.circuit_hash,
        issuer_key_id=record.issuer_key_id,
        admitted_at=utc_text(record.admitted_at),
        expires_at=utc_text(record.expires_at),
        reproof_due_at=utc_text(record.expires_at - notice),
        pseudonym=record.pseudonym,
    )


def issuer_public(record: IssuerRecord) -> dict[str, Any]:
    """A stored issuer as the API shows it."""
    return {
        "key_id": record.key_id,
        "suite": record.suite,
        "public_key": record.public_key,
        "source": record.source,
        "schemas": list(record.schemas),
        "roles": list(record.roles),
        "disabled_at": None if record.disabled_at is None else utc_text(record.disabled_at),
    }


def issuer_keys(records: Iterable[IssuerRecord]) -> dict[str, TrustedIssuer]:
    """Stored issuers as the library's grants (key, schemas, roles), by key id."""
    return {
        issuer.key_id: TrustedIssuer(
            IssuerPublicKey(SUITES[issuer.suite], bytes.fromhex(issuer.public_key)),
            issuer.schemas,
            issuer.roles,
        )
        for issuer in records
    }
