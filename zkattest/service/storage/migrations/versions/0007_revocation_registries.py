"""Revocation registry states, and the registry bound challenges carry.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

- ``registry_states``: each trusted issuer's published revocation registry
  states (issuer key id, epoch, accumulator key and value, publication time,
  the signed document), checked against the issuer's key when stored.
- ``challenges.registry_not_before``: the oldest registry state a revocable
  credential may be proven in (None for challenges stored before).

Matches ``models``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_states",
        sa.Column("issuer_key_id", sa.String(length=128), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("accumulator_key", sa.String(length=192), nullable=False),
        sa.Column("value", sa.String(length=96), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_key_id", "epoch", name="pk_registry_states"),
    )
    op.add_column(
        "challenges", sa.Column("registry_not_before", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("registry_not_before")
    op.drop_table("registry_states")
