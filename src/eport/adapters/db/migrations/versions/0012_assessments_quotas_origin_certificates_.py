"""assessments quotas origin certificates exchange rates

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 01:08:46.897706
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("published_by", sa.String(length=40), nullable=False),
        sa.Column(
            "published_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("currency", "valid_from", name=op.f("pk_exchange_rates")),
    )
    op.create_table(
        "origin_certificates",
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("agreement", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=40), nullable=False),
        sa.Column(
            "recorded_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_origin_certificates")),
    )
    op.create_table(
        "quota_balances",
        sa.Column("quota_id", sa.String(length=40), nullable=False),
        sa.Column("balance", sa.String(length=40), nullable=False),
        sa.Column(
            "updated_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("quota_id", name=op.f("pk_quota_balances")),
    )
    op.create_table(
        "assessments",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "assessed_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_assessments_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", "revision", "seq", name=op.f("pk_assessments")),
    )
    op.create_table(
        "quota_consumptions",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("quota_id", sa.String(length=40), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("requested", sa.String(length=40), nullable=False),
        sa.Column("granted", sa.String(length=40), nullable=False),
        sa.Column("at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_quota_consumptions_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint(
            "declaration_id", "quota_id", "item", name=op.f("pk_quota_consumptions")
        ),
    )


def downgrade() -> None:
    op.drop_table("quota_consumptions")
    op.drop_table("assessments")
    op.drop_table("quota_balances")
    op.drop_table("origin_certificates")
    op.drop_table("exchange_rates")
