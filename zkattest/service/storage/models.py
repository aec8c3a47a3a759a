"""SQLAlchemy models of the verifier's database.

Nothing personal in any table: a challenge or an admission names a circuit, a
wallet address and a chain; an admission adds the issuer key id, the SHA-256
digest of the presentation, an optional pseudonym and its receipts (which say
no more); the audit trail holds events with their outcome. No attribute value,
credential or proof bytes are stored.

Datetimes are stored in UTC through :class:`UTCDateTime`: PostgreSQL keeps them
as ``timestamptz``; SQLite, which has no time-zone type, keeps UTC wall-clock
text with microseconds (so text order is time order) and gets the UTC zone back
on load. Naive datetimes are refused.

The schema itself is created by the Alembic migrations in
``service/storage/migrations``; a test checks they match these models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "NAMING_CONVENTION",
    "Admission",
    "AdmissionIssuer",
    "AuditEvent",
    "Base",
    "Challenge",
    "Issuer",
    "ReadinessProbe",
    "ReceiptSigner",
    "RegistryStateRow",
    "UTCDateTime",
]

#: Deterministic constraint names, identical on every database; the migrations
#: use the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A time-zone-aware datetime, stored in UTC, loaded as an aware UTC value."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME text drops the zone; store UTC wall-clock time.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Challenge(Base):
    """A single-use nonce bound to a circuit, a wallet address and a chain."""

    __tablename__ = "challenges"

    challenge_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128))
    verifier_domain: Mapped[str] = mapped_column(String(253))
    circuit_id: Mapped[str] = mapped_column(String(128))
    circuit_hash: Mapped[str] = mapped_column(String(128))
    circuit_params: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    wallet_address: Mapped[str] = mapped_column(String(42))
    chain_id: Mapped[int] = mapped_column(BigInteger)
    today: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    consumed_at: Mapped[datetime | None]
    #: Presentations refused for this challenge (it is burned at the service's limit).
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Days past ``today`` the credential must be proven valid; the admission lasts as long.
    horizon_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Revocable credentials must be proven in a registry state published no earlier.
    registry_not_before: Mapped[datetime | None]


class Admission(Base):
    """A wallet address admitted to the whitelist by one verified presentation."""

    __tablename__ = "admissions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("challenges.challenge_id"), unique=True
    )
    wallet_address: Mapped[str] = mapped_column(String(42), index=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    circuit_id: Mapped[str] = mapped_column(String(128))
    circuit_hash: Mapped[str] = mapped_column(String(128))
    issuer_key_id: Mapped[str] = mapped_column(String(128))
    proof_digest: Mapped[str] = mapped_column(String(64))
    pseudonym: Mapped[str | None] = mapped_column(String(128), index=True)
    admitted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    #: The receipts, signed before the admission was committed (compact JWS;
    #: EIP-712 typed data and signature as JSON, or None when EIP-712 is off).
    receipt_jws: Mapped[str | None] = mapped_column(Text)
    receipt_eip712: Mapped[str | None] = mapped_column(Text)


class AdmissionIssuer(Base):
    """An issuer key an admission relied on: one row per credential of its
    presentation, so disabling any of them revokes the admission."""

    __tablename__ = "admission_issuers"

    admission_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("admissions.id"), primary_key=True
    )
    issuer_key_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class AuditEvent(Base):
    """One line of the audit trail: what happened, when, and how it ended."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    event: Mapped[str] = mapped_column(String(32), index=True)
    circuit_id: Mapped[str | None] = mapped_column(String(128))
    wallet_address: Mapped[str | None] = mapped_column(String(42))
    proof_digest: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))


class Issuer(Base):
    """An issuer public key the verifier trusts."""

    __tablename__ = "issuers"

    key_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    suite: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(512))
    added_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))
    #: The schema ids it is trusted to sign, separated by spaces (a key stored
    #: before schemas were named: investor/v1, the only schema it could sign).
    schemas: Mapped[str] = mapped_column(String(1024), server_default="investor/v1")
    #: The roles the platform trusts it in, separated by spaces (often none).
    roles: Mapped[str] = mapped_column(String(1024), server_default="")
    #: When it stopped being trusted, and who stopped it: "admin" (for good) or
    #: "config" (dropped from the configuration; trusted again when listed again).
    disabled_at: Mapped[datetime | None]
    disabled_by: Mapped[str | None] = mapped_column(String(16))


class RegistryStateRow(Base):
    """A trusted issuer's published revocation registry state (signed by the
    issuer, checked when stored): the accumulator's key and value at an epoch,
    and the signed document itself, which wallets may fetch to catch up. It
    names no credential and no person."""

    __tablename__ = "registry_states"

    issuer_key_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    accumulator_key: Mapped[str] = mapped_column(String(192))
    value: Mapped[str] = mapped_column(String(96))
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime]
    #: The issuer's signed state (JSON), as it was received.
    body: Mapped[str] = mapped_column(Text)


class ReceiptSigner(Base):
    """The receipt key every node on this database signs with (one row)."""

    __tablename__ = "receipt_signer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kid: Mapped[str] = mapped_column(String(64))
    eip712_signer: Mapped[str] = mapped_column(String(42))
    recorded_at: Mapped[datetime]


class ReadinessProbe(Base):
    """The one row ``GET /readyz`` rewrites to learn that the database takes writes."""

    __tablename__ = "readiness_probe"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    checked_at: Mapped[datetime]
