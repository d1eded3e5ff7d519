"""The audit trail's store: appends outbox events to the hash chain; reads and verifies it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from eport.audit.model import GENESIS, AuditEntry, ChainReport, body_of, entry_hash, verify_chain
from eport.kernel.clock import isoformat

from .db import tables as t
from .db.fast import FastInsert
from .db.locks import AUDIT_LOCK, serialize

INSERT_AUDIT = FastInsert(t.audit_log)


def append_pending(conn: sa.Connection, now: Any, limit: int = 1000) -> int:
    """Move up to ``limit`` undelivered audit outbox rows onto the chain. Returns how many."""
    serialize(conn, AUDIT_LOCK)
    o, e, a = t.outbox, t.events, t.audit_log
    rows = (
        conn.execute(
            sa.select(
                o.c.id.label("outbox_id"),
                e.c.id,
                e.c.name,
                e.c.declaration_id,
                e.c.actor,
                e.c.agency,
                e.c.reason,
                e.c.occurred_at,
                e.c.payload,
            )
            .join(e, e.c.id == o.c.event_id)
            .where(o.c.destination == "audit", o.c.delivered_at.is_(None))
            .order_by(o.c.id)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    if not rows:
        return 0
    head = conn.execute(sa.select(a.c.seq, a.c.hash).order_by(a.c.seq.desc()).limit(1)).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    entries = []
    for row in rows:
        seq += 1
        body = {
            "seq": seq,
            "eventId": row["id"],
            "occurredAt": isoformat(row["occurred_at"]),
            "actor": row["actor"],
            "agency": row["agency"],
            "action": row["name"],
            "subject": row["declaration_id"],
            "reason": row["reason"],
            "detail": row["payload"],
        }
        digest = entry_hash(prev, body)
        entries.append(
            {
                "seq": seq,
                "event_id": row["id"],
                "occurred_at": body["occurredAt"],
                "actor": row["actor"],
                "agency": row["agency"],
                "action": row["name"],
                "subject": row["declaration_id"],
                "reason": row["reason"],
                "detail": row["payload"],
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    INSERT_AUDIT(conn, entries)
    conn.execute(
        o.update()
        .where(o.c.id.in_([r["outbox_id"] for r in rows]))
        .values(delivered_at=now, attempts=o.c.attempts + 1)
    )
    return len(rows)


def iter_entries(conn: sa.Connection, batch: int = 5000) -> Iterator[AuditEntry]:
    a = t.audit_log
    last = 0
    while True:
        rows = (
            conn.execute(sa.select(a).where(a.c.seq > last).order_by(a.c.seq).limit(batch))
            .mappings()
            .all()
        )
        if not rows:
            return
        for r in rows:
            yield AuditEntry(
                r["seq"],
                r["event_id"],
                r["occurred_at"],
                r["actor"],
                r["agency"],
                r["action"],
                r["subject"],
                r["reason"],
                r["detail"],
                r["prev_hash"],
                r["hash"],
            )
        last = rows[-1]["seq"]


def verify(conn: sa.Connection) -> ChainReport:
    return verify_chain(iter_entries(conn))


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {**body_of(entry), "prevHash": entry.prev_hash, "hash": entry.hash}
