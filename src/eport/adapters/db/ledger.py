"""The E-Ledger on SQL: ``ledger_entries`` and ``ledger_nodes`` (docs/ledger.md).

:class:`SqlLedger` works on one connection inside the caller's transaction. Appends must run
one at a time: :meth:`SqlLedger.append` takes ``pg_advisory_xact_lock(LEDGER_LOCK)`` on
PostgreSQL (held to commit or rollback); on SQLite, run it on the write engine, whose
``BEGIN IMMEDIATE`` already makes the transaction the only writer. Reads need no lock:
stored nodes never change.
"""

from __future__ import annotations

import sqlalchemy as sa

from eport.kernel.clock import Clock, utcnow
from eport.ledger import merkle, tree
from eport.ledger.heads import SignedTreeHead, head_message
from eport.ledger.model import ConsistencyProof, InclusionProof, LedgerEntry, TreeHead
from eport.pki.errors import CaNotInitialised
from eport.pki.ports import CertificateAuthority

from . import tables as t
from .locks import LEDGER_LOCK, serialize

_E, _N = t.ledger_entries, t.ledger_nodes
GET_NODE = sa.select(_N.c.hash).where(
    _N.c.level == sa.bindparam("level"), _N.c.idx == sa.bindparam("idx")
)
SIZE = sa.select(sa.func.coalesce(sa.func.max(_E.c.seq) + 1, 0))


class SqlNodeStore:
    """The :class:`~eport.ledger.ports.NodeStore` on ``ledger_nodes``; counts rows written."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.writes = 0

    def get(self, level: int, index: int) -> bytes | None:
        value = self.conn.execute(GET_NODE, {"level": level, "idx": index}).scalar_one_or_none()
        return None if value is None else bytes(value)

    def put(self, level: int, index: int, value: bytes) -> None:
        self.conn.execute(sa.insert(_N), {"level": level, "idx": index, "hash": value})
        self.writes += 1


class SqlLedger:
    """The :class:`~eport.ledger.ports.Ledger` on one connection (the caller commits)."""

    def __init__(self, conn: sa.Connection, clock: Clock = utcnow) -> None:
        self.conn = conn
        self.nodes = SqlNodeStore(conn)
        self._clock = clock

    def size(self) -> int:
        return int(self.conn.execute(SIZE).scalar_one())

    def append(self, data: bytes) -> LedgerEntry:
        serialize(self.conn, LEDGER_LOCK)
        seq = self.size()
        entry = LedgerEntry(seq, data, merkle.leaf_hash(data), self._clock())
        self.conn.execute(
            sa.insert(_E),
            {
                "seq": seq,
                "data": data,
                "leaf_hash": entry.leaf_hash,
                "appended_at": entry.appended_at,
            },
        )
        tree.append_leaf(self.nodes, seq, entry.leaf_hash)
        return entry

    def entry(self, seq: int) -> LedgerEntry | None:
        row = self.conn.execute(sa.select(_E).where(_E.c.seq == seq)).one_or_none()
        if row is None:
            return None
        return LedgerEntry(row.seq, bytes(row.data), bytes(row.leaf_hash), row.appended_at)

    def head(self, size: int | None = None) -> TreeHead:
        size = self._size(size)
        return TreeHead(size, tree.root(self.nodes, size))

    def inclusion(self, index: int, size: int | None = None) -> InclusionProof:
        size = self._size(size)
        return InclusionProof(index, size, tuple(tree.inclusion_proof(self.nodes, index, size)))

    def consistency(self, first: int, second: int | None = None) -> ConsistencyProof:
        second = self._size(second)
        path = tree.consistency_proof(self.nodes, first, second)
        return ConsistencyProof(first, second, tuple(path))

    def _size(self, size: int | None) -> int:
        current = self.size()
        if size is None:
            return current
        tree.check_size(size, current)
        return size


class SqlHeadStore:
    """Signed tree heads, signed with E-Port's seal key and kept (a witness may ask for any)."""

    def __init__(self, conn: sa.Connection, ca: CertificateAuthority | None) -> None:
        self.conn, self.ca = conn, ca

    def latest(self) -> SignedTreeHead | None:
        h = t.ledger_heads
        row = (
            self.conn.execute(sa.select(h).order_by(h.c.tree_size.desc()).limit(1))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return SignedTreeHead(
            row["tree_size"],
            bytes(row["root"]),
            row["timestamp_ms"],
            bytes(row["signature"]),
            row["certificate"],
        )

    def sign(self, size: int, root: bytes, timestamp_ms: int) -> SignedTreeHead:
        if self.ca is None:
            raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
        head = SignedTreeHead(
            size,
            root,
            timestamp_ms,
            self.ca.sign_message(head_message(size, root, timestamp_ms)),
            self.ca.seal_pem().decode(),
        )
        self.conn.execute(
            t.ledger_heads.insert(),
            {
                "tree_size": size,
                "root": root,
                "timestamp_ms": timestamp_ms,
                "signature": head.signature,
                "certificate": head.certificate_pem,
            },
        )
        return head


class SqlLedgerIndex:
    """The :class:`~eport.ledger.ports.LedgerIndex` on ``ledger_index``."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def add(self, subject: str, kind: str, seq: int) -> None:
        self.conn.execute(sa.insert(t.ledger_index), {"subject": subject, "kind": kind, "seq": seq})

    def find(self, subject: str, kind: str | None = None) -> list[int]:
        i = t.ledger_index
        q = sa.select(i.c.seq).where(i.c.subject == subject)
        if kind is not None:
            q = q.where(i.c.kind == kind)
        return [int(s) for s in self.conn.execute(q.order_by(i.c.seq)).scalars()]
