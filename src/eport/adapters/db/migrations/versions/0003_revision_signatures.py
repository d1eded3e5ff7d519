"""revision signatures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:12:56.948615
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("declaration_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("signer_serial", sa.String(length=40), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("declaration_revisions", schema=None) as batch_op:
        batch_op.drop_column("signer_serial")
        batch_op.drop_column("signature")
