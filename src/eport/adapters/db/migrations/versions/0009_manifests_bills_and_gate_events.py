"""manifests bills and gate events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 00:50:48.998327
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("container", sa.String(length=11), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.Column("manifest_id", sa.String(length=40), nullable=True),
        sa.Column("bill_reference", sa.String(length=70), nullable=True),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_events")),
    )
    with op.batch_alter_table("gate_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_events_container"), ["container"], unique=False)
        batch_op.create_index("ix_gate_events_outcome_at", ["outcome", "at"], unique=False)

    op.create_table(
        "manifests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("carrier_id", sa.String(length=40), nullable=False),
        sa.Column("lodged_by", sa.String(length=40), nullable=False),
        sa.Column("customs_office", sa.String(length=8), nullable=False),
        sa.Column("voyage", sa.String(length=70), nullable=False),
        sa.Column("conveyance", sa.String(length=70), nullable=False),
        sa.Column("place_of_arrival", sa.String(length=5), nullable=False),
        sa.Column(
            "expected_arrival", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lodged_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "departed_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["enterprises.id"], name=op.f("fk_manifests_carrier_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
    )
    with op.batch_alter_table("manifests", schema=None) as batch_op:
        batch_op.create_index("ix_manifests_carrier", ["carrier_id", "lodged_at"], unique=False)

    op.create_table(
        "bill_containers",
        sa.Column("container", sa.String(length=11), nullable=False),
        sa.Column("manifest_id", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.ForeignKeyConstraint(
            ["manifest_id"], ["manifests.id"], name=op.f("fk_bill_containers_manifest_id_manifests")
        ),
        sa.PrimaryKeyConstraint("container", "manifest_id", name=op.f("pk_bill_containers")),
    )
    op.create_table(
        "bills",
        sa.Column("manifest_id", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("consignee_scheme", sa.String(length=16), nullable=True),
        sa.Column("consignee_identifier", sa.String(length=70), nullable=True),
        sa.Column("consignee_name", sa.String(length=70), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("gross_mass", sa.String(length=32), nullable=False),
        sa.Column(
            "containers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manifest_id"], ["manifests.id"], name=op.f("fk_bills_manifest_id_manifests")
        ),
        sa.PrimaryKeyConstraint("manifest_id", "reference", name=op.f("pk_bills")),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bills_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index("ix_bills_reference_open", ["reference", "open"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_reference_open")
        batch_op.drop_index(batch_op.f("ix_bills_declaration_id"))

    op.drop_table("bills")
    op.drop_table("bill_containers")
    with op.batch_alter_table("manifests", schema=None) as batch_op:
        batch_op.drop_index("ix_manifests_carrier")

    op.drop_table("manifests")
    with op.batch_alter_table("gate_events", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_events_outcome_at")
        batch_op.drop_index(batch_op.f("ix_gate_events_container"))

    op.drop_table("gate_events")
