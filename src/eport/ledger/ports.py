"""What the ledger needs from storage, and what it offers other contexts."""

from __future__ import annotations

from typing import Protocol

from eport.ledger.model import ConsistencyProof, InclusionProof, LedgerEntry, TreeHead


class NodeStore(Protocol):
    """Hashes of complete perfect subtrees, keyed by (level, index).

    Level 0 holds leaf hashes; the node at level k, index i covers leaves
    ``[i*2^k, (i+1)*2^k)``. Nodes are written once and never change.
    """

    def get(self, level: int, index: int) -> bytes | None: ...

    def put(self, level: int, index: int, value: bytes) -> None: ...


class Ledger(Protocol):
    """The append-only log. Appends must be serialised by the caller (one writer at a time)."""

    def size(self) -> int: ...

    def append(self, data: bytes) -> LedgerEntry: ...

    def entry(self, seq: int) -> LedgerEntry | None: ...

    def head(self, size: int | None = None) -> TreeHead:
        """The root of the first ``size`` leaves (default: all of them)."""
        ...

    def inclusion(self, index: int, size: int | None = None) -> InclusionProof: ...

    def consistency(self, first: int, second: int | None = None) -> ConsistencyProof: ...


class LedgerIndex(Protocol):
    """Which entries are about what: (subject, entry type) → seqs. A lookup aid only; the log
    itself is the record."""

    def add(self, subject: str, kind: str, seq: int) -> None: ...

    def find(self, subject: str, kind: str | None = None) -> list[int]: ...
