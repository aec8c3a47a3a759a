"""Refused presentations per challenge: a challenge is burned after a few.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

``challenges.refusals`` counts the presentations refused for a challenge; when
it reaches the service's limit (``ZKATTEST_MAX_REFUSED_PRESENTATIONS``) the
challenge is consumed without an admission, so one challenge buys a few
verifications, not unlimited ones. Matches ``models.Challenge``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "challenges",
        sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("refusals")
