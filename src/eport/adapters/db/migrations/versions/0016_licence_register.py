"""licence register

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 02:11:27.141824
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "licences",
        sa.Column("number", sa.String(length=70), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=3), nullable=False),
        sa.Column(
            "hs_prefixes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("quantity_limit", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("value_limit", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=40), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("used_quantity", sa.String(length=40), nullable=False),
        sa.Column("used_value", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["enterprises.id"], name=op.f("fk_licences_holder_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_licences")),
    )
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.create_index("ix_licences_holder", ["holder_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_index("ix_licences_holder")

    op.drop_table("licences")
