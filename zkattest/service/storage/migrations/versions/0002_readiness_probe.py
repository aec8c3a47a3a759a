"""The readiness probe: one row that ``GET /readyz`` rewrites.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

A readiness check has to write to know that the database takes writes (a
read-only file, a full disk, a standby server all answer reads); it writes
here, never to the audit trail. Matches ``models.ReadinessProbe``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "readiness_probe",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_readiness_probe"),
    )


def downgrade() -> None:
    op.drop_table("readiness_probe")
