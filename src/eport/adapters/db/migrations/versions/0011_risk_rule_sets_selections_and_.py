"""risk rule sets selections and compliance profiles

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 01:00:45.147788
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_profiles",
        sa.Column("scheme", sa.String(length=16), nullable=False),
        sa.Column("identifier", sa.String(length=70), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("past_findings", sa.Integer(), nullable=False),
        sa.Column("last_finding_on", sa.Date(), nullable=True),
        sa.Column(
            "updated_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("scheme", "identifier", name=op.f("pk_compliance_profiles")),
    )
    op.create_table(
        "risk_rule_sets",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("code", "version", name=op.f("pk_risk_rule_sets")),
    )
    op.create_table(
        "risk_selections",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("lane", sa.String(length=8), nullable=False),
        sa.Column("rule_set_code", sa.String(length=40), nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column(
            "fired",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "random",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "selected_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("finding", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_risk_selections_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", "revision", name=op.f("pk_risk_selections")),
    )
    with op.batch_alter_table("risk_selections", schema=None) as batch_op:
        batch_op.create_index("ix_risk_selections_lane", ["lane", "selected_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_selections", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_selections_lane")

    op.drop_table("risk_selections")
    op.drop_table("risk_rule_sets")
    op.drop_table("compliance_profiles")
