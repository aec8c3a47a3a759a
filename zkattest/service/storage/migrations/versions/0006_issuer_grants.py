"""Issuers trusted for named schemas and roles; admissions on several issuers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

- ``issuers.schemas`` and ``issuers.roles``: the credential schemas a key is
  trusted to sign and the roles the platform trusts it in (space-separated
  names). Keys stored before are trusted for ``investor/v1``, the only schema
  they could sign, in no role.
- ``admission_issuers``: every issuer key an admission relied on (one per
  credential of its presentation), so disabling any of them revokes it; filled
  here from ``admissions.issuer_key_id`` for the admissions already stored.

Matches ``models``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "issuers",
        sa.Column("schemas", sa.String(length=1024), nullable=False, server_default="investor/v1"),
    )
    op.add_column(
        "issuers", sa.Column("roles", sa.String(length=1024), nullable=False, server_default="")
    )
    op.create_table(
        "admission_issuers",
        sa.Column("admission_id", sa.String(length=36), nullable=False),
        sa.Column("issuer_key_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admissions.id"],
            name="fk_admission_issuers_admission_id_admissions",
        ),
        sa.PrimaryKeyConstraint("admission_id", "issuer_key_id", name="pk_admission_issuers"),
    )
    op.create_index("ix_admission_issuers_issuer_key_id", "admission_issuers", ["issuer_key_id"])
    op.execute(
        "INSERT INTO admission_issuers (admission_id, issuer_key_id)"
        " SELECT id, issuer_key_id FROM admissions"
    )


def downgrade() -> None:
    op.drop_index("ix_admission_issuers_issuer_key_id", table_name="admission_issuers")
    op.drop_table("admission_issuers")
    with op.batch_alter_table("issuers") as batch:
        batch.drop_column("roles")
        batch.drop_column("schemas")
