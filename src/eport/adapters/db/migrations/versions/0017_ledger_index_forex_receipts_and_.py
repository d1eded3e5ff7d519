"""ledger index, forex receipts and verifications, refund claims

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 03:37:39.754279
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import eport.adapters.db.tables

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_index",
        sa.Column("subject", sa.String(length=70), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("subject", "kind", "seq", name=op.f("pk_ledger_index")),
    )
    # Index the releases and departures already on the log.
    conn = op.get_bind()
    index = sa.table("ledger_index", sa.column("subject"), sa.column("kind"), sa.column("seq"))
    entries = sa.table("ledger_entries", sa.column("seq"), sa.column("data"))
    for seq, data in conn.execute(sa.select(entries.c.seq, entries.c.data)):
        entry = json.loads(bytes(data))
        if entry.get("type") in ("customs.release", "export.departed"):
            conn.execute(
                index.insert(),
                {"subject": entry["declarationId"], "kind": entry["type"], "seq": seq},
            )
    op.create_table(
        "forex_receipts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("bank_id", sa.String(length=40), nullable=False),
        sa.Column("bank_reference", sa.String(length=70), nullable=False),
        sa.Column("exporter_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("remitter", sa.String(length=140), nullable=False),
        sa.Column("remitter_country", sa.String(length=2), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column(
            "received_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("ledger_seq", sa.BigInteger(), nullable=False),
        sa.Column("matched_to", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["enterprises.id"], name=op.f("fk_forex_receipts_bank_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["exporter_id"],
            ["enterprises.id"],
            name=op.f("fk_forex_receipts_exporter_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forex_receipts")),
        sa.UniqueConstraint("bank_id", "bank_reference", name="uq_forex_receipts_bank_reference"),
    )
    with op.batch_alter_table("forex_receipts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forex_receipts_open", ["exporter_id", "currency", "matched_to"], unique=False
        )

    op.create_table(
        "forex_verifications",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("expected", sa.String(length=40), nullable=False),
        sa.Column("received", sa.String(length=40), nullable=False),
        sa.Column(
            "receipts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("verified_by", sa.String(length=40), nullable=False),
        sa.Column(
            "verified_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("ledger_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_forex_verifications_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forex_verifications")),
    )
    with op.batch_alter_table("forex_verifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forex_verifications_declaration", ["declaration_id", "answer"], unique=False
        )

    op.create_table(
        "refund_claims",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("exporter_id", sa.String(length=40), nullable=False),
        sa.Column(
            "sequences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "claimed_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("claimed_by", sa.String(length=40), nullable=False),
        sa.Column("decided_at", eport.adapters.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("claim_seq", sa.BigInteger(), nullable=False),
        sa.Column("decision_seq", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_refund_claims_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["exporter_id"],
            ["enterprises.id"],
            name=op.f("fk_refund_claims_exporter_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_claims")),
    )
    with op.batch_alter_table("refund_claims", schema=None) as batch_op:
        batch_op.create_index("ix_refund_claims_declaration", ["declaration_id"], unique=False)
        batch_op.create_index(
            "ix_refund_claims_exporter", ["exporter_id", "claimed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("refund_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_refund_claims_exporter")
        batch_op.drop_index("ix_refund_claims_declaration")

    op.drop_table("refund_claims")
    with op.batch_alter_table("forex_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_forex_verifications_declaration")

    op.drop_table("forex_verifications")
    with op.batch_alter_table("forex_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_forex_receipts_open")

    op.drop_table("forex_receipts")
    op.drop_table("ledger_index")
