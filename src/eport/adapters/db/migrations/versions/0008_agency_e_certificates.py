"""agency e-certificates

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 00:43:24.431865
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import eport.adapters.db.tables

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "e_certificates",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=3), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("issued_by", sa.String(length=40), nullable=False),
        sa.Column("issued_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("signer_serial", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name=op.f("fk_e_certificates_agency_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_e_certificates_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_e_certificates")),
    )
    with op.batch_alter_table("e_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_e_certificates_declaration_id"), ["declaration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("e_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_e_certificates_declaration_id"))

    op.drop_table("e_certificates")
