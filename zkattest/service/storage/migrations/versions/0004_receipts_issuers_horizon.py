"""Stored receipts, disabled issuers, one receipt signer, admission horizons.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

- ``admissions.receipt_jws`` and ``admissions.receipt_eip712``: the receipts,
  signed before the admission is committed and kept with it, so that a client
  that lost the answer to a successful submission gets the same receipts back.
- ``issuers.disabled_at`` and ``disabled_by``: an issuer disabled by an admin
  (for good) or dropped from the configuration (until listed again) stays on
  record (its admissions name it) but is not trusted.
- ``receipt_signer``: the one receipt key every node on this database signs
  with (its JWS ``kid`` and EIP-712 signer address); a node with another key
  refuses to start.
- ``challenges.horizon_days``: how many days past the challenge's date the
  presentation must prove the credential valid, and so how long the admission
  lasts.

Matches ``models``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("admissions", sa.Column("receipt_jws", sa.Text(), nullable=True))
    op.add_column("admissions", sa.Column("receipt_eip712", sa.Text(), nullable=True))
    op.add_column("issuers", sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("issuers", sa.Column("disabled_by", sa.String(length=16), nullable=True))
    op.add_column(
        "challenges",
        sa.Column("horizon_days", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "receipt_signer",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("eip712_signer", sa.String(length=42), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_receipt_signer"),
    )


def downgrade() -> None:
    op.drop_table("receipt_signer")
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("horizon_days")
    with op.batch_alter_table("issuers") as batch:
        batch.drop_column("disabled_by")
        batch.drop_column("disabled_at")
    with op.batch_alter_table("admissions") as batch:
        batch.drop_column("receipt_eip712")
        batch.drop_column("receipt_jws")
