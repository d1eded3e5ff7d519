"""delegations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 23:30:32.475789
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "delegations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("grantor_id", sa.String(length=40), nullable=False),
        sa.Column("grantee_id", sa.String(length=40), nullable=False),
        sa.Column(
            "document_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "customs_offices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "valid_from", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("valid_to", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["grantee_id"], ["enterprises.id"], name=op.f("fk_delegations_grantee_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["grantor_id"], ["enterprises.id"], name=op.f("fk_delegations_grantor_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegations_grantee_id"), ["grantee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegations_grantor_id"), ["grantor_id"], unique=False)

    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("representative_id", sa.String(length=40), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_declarations_representative_id"), ["representative_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_representative_id"))
        batch_op.drop_column("representative_id")

    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegations_grantor_id"))
        batch_op.drop_index(batch_op.f("ix_delegations_grantee_id"))

    op.drop_table("delegations")
