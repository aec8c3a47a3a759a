"""The storage layer's public types: frozen dataclasses, never ORM objects.

Field names equal column names. Datetimes are aware and in UTC; wallet
addresses are lower-case.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

__all__ = [
    "AUDIT_EVENTS",
    "ISSUER_SOURCES",
    "AdmissionRecord",
    "AuditEventName",
    "AuditEventRecord",
    "ChallengeRecord",
    "IssuerRecord",
    "IssuerSource",
    "NewAdmission",
    "RegistryStateRecord",
    "StoreCounts",
]

AuditEventName = Literal[
    "challenge_issued",
    "admitted",
    "refused",
    "revoked",
    "issuer_added",
    "issuer_disabled",
    "issuer_grants_changed",
]
AUDIT_EVENTS: frozenset[str] = frozenset(typing.get_args(AuditEventName))
IssuerSource = Literal["config", "api"]
ISSUER_SOURCES: frozenset[str] = frozenset({"config", "api"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeRecord:
    """A challenge as issued: the context a presentation must be bound to.

    ``circuit_params`` is the circuit's parameters as JSON text, stored as
    given. ``consumed_at`` is set, once, by the admission that used it.
    """

    challenge_id: str
    nonce: str
    verifier_domain: str
    circuit_id: str
    circuit_hash: str
    wallet_address: str
    chain_id: int
    today: date
    created_at: datetime
    expires_at: datetime
    circuit_params: str = "{}"
    consumed_at: datetime | None = None
    #: Presentations refused for it; at the service's limit it is burned
    #: (consumed, with no admission).
    refusals: int = 0
    #: Days past ``today`` the presentation proves the credential valid.
    horizon_days: int = 0
    #: Revocable credentials must be proven in a registry state published no earlier.
    registry_not_before: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAdmission:
    """What a verified presentation adds to an admission.

    The wallet address, chain id, circuit id and circuit hash are not here:
    :meth:`Store.consume_and_admit` copies them from the challenge it consumes,
    so an admission can never disagree with its challenge. ``id`` is chosen
    (a UUID4 string) and the receipts signed before the admission is stored.
    """

    id: str
    issuer_key_id: str
    proof_digest: str
    expires_at: datetime
    pseudonym: str | None = None
    #: Every issuer key the presentation relied on, one per credential (the
    #: first is ``issuer_key_id``); empty means ``issuer_key_id`` alone.
    issuer_key_ids: tuple[str, ...] = ()
    receipt_jws: str | None = None
    receipt_eip712: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AdmissionRecord:
    """A whitelist admission; ``id`` (a UUID4 string) is the receipt's ``jti``."""

    id: str
    challenge_id: str
    wallet_address: str
    chain_id: int
    circuit_id: str
    circuit_hash: str
    issuer_key_id: str
    proof_digest: str
    pseudonym: str | None
    admitted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    receipt_jws: str | None = None
    receipt_eip712: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuerRecord:
    """An issuer key; ``public_key`` is hex, ``source`` is "config" or "api".

    Trusted while ``disabled_at`` is None.
    """

    key_id: str
    suite: str
    public_key: str
    source: str
    added_at: datetime
    disabled_at: datetime | None = None
    #: "admin" (for good) or "config" (until configured again); None while trusted.
    disabled_by: str | None = None
    #: The schema ids it is trusted to sign, sorted.
    schemas: tuple[str, ...] = ("investor/v1",)
    #: The roles the platform trusts it in, sorted (often none).
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryStateRecord:
    """A trusted issuer's registry state as stored: the accumulator's key and
    value at ``epoch`` (hex), when the issuer published it, and (``body``)
    the signed document."""

    issuer_key_id: str
    epoch: int
    accumulator_key: str
    value: str
    issued_at: datetime
    received_at: datetime
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEventRecord:
    """One line of the audit trail."""

    id: int
    at: datetime
    event: str
    outcome: str
    circuit_id: str | None
    wallet_address: str | None
    proof_digest: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCounts:
    """Totals for the metrics endpoint.

    ``admissions`` counts every admission ever made, ``live_admissions`` those
    neither revoked nor expired at the time asked, ``refusals`` the refused
    presentations by audit outcome.
    """

    challenges_issued: int
    admissions: int
    live_admissions: int
    revoked: int
    refusals: Mapping[str, int] = field(default_factory=dict)
