"""duty accounts payment orders guarantees

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 00:57:08.180383
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import eport.adapters.db.tables

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guarantee_facilities",
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("limit_amount", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("used >= 0 AND used <= limit_amount", name="within_limit"),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_guarantee_facilities_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", name=op.f("pk_guarantee_facilities")),
    )
    op.create_table(
        "duty_postings",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("debit", sa.String(length=64), nullable=False),
        sa.Column("credit", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_duty_postings_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_duty_postings")),
        sa.UniqueConstraint("id", name=op.f("uq_duty_postings_id")),
    )
    with op.batch_alter_table("duty_postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_duty_postings_declaration", ["declaration_id", "seq"], unique=False
        )

    op.create_table(
        "payment_orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("bank_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("issued_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "confirmed_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("bank_reference", sa.String(length=70), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["enterprises.id"], name=op.f("fk_payment_orders_bank_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_payment_orders_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_orders")),
    )
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_orders_bank_state", ["bank_id", "state", "issued_at"], unique=False
        )
        batch_op.create_index("ix_payment_orders_declaration", ["declaration_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_orders_declaration")
        batch_op.drop_index("ix_payment_orders_bank_state")

    op.drop_table("payment_orders")
    with op.batch_alter_table("duty_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_duty_postings_declaration")

    op.drop_table("duty_postings")
    op.drop_table("guarantee_facilities")
