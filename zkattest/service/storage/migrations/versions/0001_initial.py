"""Initial schema: challenges, admissions, audit_events, issuers.

Revision ID: 0001
Revises:
Create Date: 2026-05-20

Written by hand to match ``zkattest/service/storage/models.py``; constraint and index
names follow ``models.NAMING_CONVENTION`` so they are the same on SQLite and
PostgreSQL. ``tests/service/test_storage.py`` checks that the migrated schema
and the models agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("verifier_domain", sa.String(253), nullable=False),
        sa.Column("circuit_id", sa.String(128), nullable=False),
        sa.Column("circuit_hash", sa.String(128), nullable=False),
        sa.Column("circuit_params", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("wallet_address", sa.String(42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("consumed_at", nullable=True),
        sa.PrimaryKeyConstraint("challenge_id", name="pk_challenges"),
    )
    op.create_index("ix_challenges_expires_at", "challenges", ["expires_at"])

    op.create_table(
        "admissions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("wallet_address", sa.String(42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("circuit_id", sa.String(128), nullable=False),
        sa.Column("circuit_hash", sa.String(128), nullable=False),
        sa.Column("issuer_key_id", sa.String(128), nullable=False),
        sa.Column("proof_digest", sa.String(64), nullable=False),
        sa.Column("pseudonym", sa.String(128), nullable=True),
        _when("admitted_at"),
        _when("expires_at"),
        _when("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_admissions"),
        sa.UniqueConstraint("challenge_id", name="uq_admissions_challenge_id"),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.challenge_id"],
            name="fk_admissions_challenge_id_challenges",
        ),
    )
    op.create_index("ix_admissions_wallet_address", "admissions", ["wallet_address"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _when("at"),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("circuit_id", sa.String(128), nullable=True),
        sa.Column("wallet_address", sa.String(42), nullable=True),
        sa.Column("proof_digest", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_event", "audit_events", ["event"])

    op.create_table(
        "issuers",
        sa.Column("key_id", sa.String(128), nullable=False),
        sa.Column("suite", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(512), nullable=False),
        _when("added_at"),
        sa.Column("source", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_issuers"),
    )


def downgrade() -> None:
    op.drop_table("issuers")
    op.drop_index("ix_audit_events_event", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_admissions_wallet_address", table_name="admissions")
    op.drop_table("admissions")
    op.drop_index("ix_challenges_expires_at", table_name="challenges")
    op.drop_table("challenges")
