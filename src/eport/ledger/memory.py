"""The in-memory ledger: the default for tests and the benchmark, and the reference adapter."""

from __future__ import annotations

from eport.kernel.clock import Clock, utcnow
from eport.ledger import merkle, tree
from eport.ledger.errors import LedgerCorrupted
from eport.ledger.model import ConsistencyProof, InclusionProof, LedgerEntry, TreeHead


class InMemoryNodeStore:
    """Nodes of each level in a list: a level is only ever extended at its end."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = []
        self.writes = 0

    def get(self, level: int, index: int) -> bytes | None:
        if level < len(self.levels) and index < len(nodes := self.levels[level]):
            return nodes[index]
        return None

    def put(self, level: int, index: int, value: bytes) -> None:
        while len(self.levels) <= level:
            self.levels.append([])
        nodes = self.levels[level]
        if index != len(nodes):
            raise LedgerCorrupted(
                "Nodes of a level are written in order.", level=level, index=index
            )
        nodes.append(value)
        self.writes += 1


class InMemoryLedger:
    """A :class:`~eport.ledger.ports.Ledger` held in memory. Single-threaded."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self.nodes = InMemoryNodeStore()
        self.entries: list[LedgerEntry] = []
        self._clock = clock

    def size(self) -> int:
        return len(self.entries)

    def append(self, data: bytes) -> LedgerEntry:
        seq = len(self.entries)
        entry = LedgerEntry(seq, data, merkle.leaf_hash(data), self._clock())
        tree.append_leaf(self.nodes, seq, entry.leaf_hash)
        self.entries.append(entry)
        return entry

    def entry(self, seq: int) -> LedgerEntry | None:
        return self.entries[seq] if 0 <= seq < len(self.entries) else None

    def head(self, size: int | None = None) -> TreeHead:
        size = self.size() if size is None else size
        tree.check_size(size, self.size())
        return TreeHead(size, tree.root(self.nodes, size))

    def inclusion(self, index: int, size: int | None = None) -> InclusionProof:
        size = self.size() if size is None else size
        tree.check_size(size, self.size())
        return InclusionProof(index, size, tuple(tree.inclusion_proof(self.nodes, index, size)))

    def consistency(self, first: int, second: int | None = None) -> ConsistencyProof:
        second = self.size() if second is None else second
        tree.check_size(second, self.size())
        path = tree.consistency_proof(self.nodes, first, second)
        return ConsistencyProof(first, second, tuple(path))
