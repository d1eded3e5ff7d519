"""inspections and ipr

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 01:22:54.997869
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ipr_recordations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("rights_holder", sa.String(length=200), nullable=False),
        sa.Column("trademark", sa.String(length=200), nullable=False),
        sa.Column(
            "hs_prefixes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ipr_recordations")),
    )
    op.create_table(
        "inspection_orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ordered_by", sa.String(length=40), nullable=False),
        sa.Column(
            "ordered_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column(
            "corrections",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("inspected_by", sa.String(length=40), nullable=True),
        sa.Column(
            "completed_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_inspection_orders_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_orders")),
    )
    with op.batch_alter_table("inspection_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_orders_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index("ix_inspection_orders_state", ["state", "ordered_at"], unique=False)

    op.create_table(
        "ipr_holds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("recordation_id", sa.String(length=40), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("trademark", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("held_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_ipr_holds_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["recordation_id"],
            ["ipr_recordations.id"],
            name=op.f("fk_ipr_holds_recordation_id_ipr_recordations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ipr_holds")),
    )
    with op.batch_alter_table("ipr_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ipr_holds_declaration_id"), ["declaration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ipr_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ipr_holds_declaration_id"))

    op.drop_table("ipr_holds")
    with op.batch_alter_table("inspection_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_orders_state")
        batch_op.drop_index(batch_op.f("ix_inspection_orders_declaration_id"))

    op.drop_table("inspection_orders")
    op.drop_table("ipr_recordations")
