"""Seats by pseudonym: an index on ``admissions.pseudonym``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Each admission of a bound credential stores the holder's pseudonym for this
platform (hex, a per-platform identifier, never an attribute); the admitting
transaction counts a pseudonym's live wallets against the seat limit, and an
admin revokes a person's admissions by it.

Matches ``models``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_admissions_pseudonym", "admissions", ["pseudonym"])


def downgrade() -> None:
    op.drop_index("ix_admissions_pseudonym", table_name="admissions")
