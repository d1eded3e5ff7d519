"""processing-trade handbooks

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 03:40:13.113796
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handbooks",
        sa.Column("number", sa.String(length=70), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=40), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column(
            "materials",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "products",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["enterprises.id"], name=op.f("fk_handbooks_holder_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_handbooks")),
    )
    with op.batch_alter_table("handbooks", schema=None) as batch_op:
        batch_op.create_index("ix_handbooks_holder", ["holder_id"], unique=False)

    op.create_table(
        "handbook_entries",
        sa.Column(
            "ledger_seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("number", sa.String(length=70), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_handbook_entries_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_seq"],
            ["ledger_entries.seq"],
            name=op.f("fk_handbook_entries_ledger_seq_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["number"], ["handbooks.number"], name=op.f("fk_handbook_entries_number_handbooks")
        ),
        sa.PrimaryKeyConstraint("ledger_seq", name=op.f("pk_handbook_entries")),
    )
    with op.batch_alter_table("handbook_entries", schema=None) as batch_op:
        batch_op.create_index("ix_handbook_entries_number", ["number", "ledger_seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handbook_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_handbook_entries_number")

    op.drop_table("handbook_entries")
    with op.batch_alter_table("handbooks", schema=None) as batch_op:
        batch_op.drop_index("ix_handbooks_holder")

    op.drop_table("handbooks")
