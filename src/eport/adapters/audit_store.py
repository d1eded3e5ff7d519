"""The audit trail's store: appends outbox events to the hash chain; reads and verifies it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from eport.audit.model import GENESIS, AuditEntry, ChainReport, body_of, entry_hash, verify_chain
from eport.kernel.clock import isoformat
from eport.kernel.ids import new_id

from .db import tables as t
from .db.fast import FastInsert
from .db.locks import AUDIT_LOCK, serialize

INSERT_AUDIT = FastInsert(t.audit_log)


def append_pending(conn: sa.Connection, now: Any, limit: int = 1000) -> int:
    """Move up to ``limit`` undelivered audit outbox rows onto the chain. Returns how many."""
    serialize(conn, AUDIT_LOCK)
    o, e = t.outbox, t.events
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
    _chain(
        conn,
        [
            {
                "event_id": row["id"],
                "occurred_at": isoformat(row["occurred_at"]),
                "actor": row["actor"],
                "agency": row["agency"],
                "action": row["name"],
                "subject": row["declaration_id"],
                "reason": row["reason"],
                "detail": row["payload"],
            }
            for row in rows
        ],
    )
    conn.execute(
        o.update()
        .where(o.c.id.in_([r["outbox_id"] for r in rows]))
        .values(delivered_at=now, attempts=o.c.attempts + 1)
    )
    return len(rows)


def _chain(conn: sa.Connection, items: list[dict[str, Any]]) -> None:
    """Append ``items`` to the hash chain, after its current head (caller holds AUDIT_LOCK)."""
    a = t.audit_log
    head = conn.execute(sa.select(a.c.seq, a.c.hash).order_by(a.c.seq.desc()).limit(1)).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    entries = []
    for item in items:
        seq += 1
        body = {
            "seq": seq,
            "eventId": item["event_id"],
            "occurredAt": item["occurred_at"],
            "actor": item["actor"],
            "agency": item["agency"],
            "action": item["action"],
            "subject": item["subject"],
            "reason": item["reason"],
            "detail": item["detail"],
        }
        digest = entry_hash(prev, body)
        entries.append({**item, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    INSERT_AUDIT(conn, entries)


def append_access(conn: sa.Connection, records: list[dict[str, Any]]) -> int:
    """Put access decisions (from the ``eport.access`` logger) on the hash chain."""
    if not records:
        return 0
    serialize(conn, AUDIT_LOCK)
    _chain(
        conn,
        [
            {
                "event_id": new_id("ACC"),
                "occurred_at": r["at"],
                "actor": r["who"] or "anonymous",
                "agency": None,
                "action": "access.allow" if r["allowed"] else "access.deny",
                "subject": (r["target"] or "")[:40] or None,
                "reason": r["rule"],
                "detail": {"action": r["action"], "target": r["target"], "rule": r["rule"]},
            }
            for r in records
        ],
    )
    return len(records)


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
