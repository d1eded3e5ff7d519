"""Transaction-scoped locks for appenders that must run one at a time."""

from __future__ import annotations

import sqlalchemy as sa

AUDIT_LOCK = 72_610_001
FANOUT_LOCK = 72_610_002
LEDGER_LOCK = 72_610_003


def serialize(conn: sa.Connection, key: int) -> None:
    """Take a transaction-scoped lock so only one appender works at a time.

    SQLite has one writer anyway; on PostgreSQL several writer threads (and processes) share
    the outbox, and the chain must be appended by one of them at a time.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
