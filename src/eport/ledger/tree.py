"""The O(log n) log over a :class:`~eport.ledger.ports.NodeStore`.

Appending leaf n stores its leaf hash and every perfect subtree it completes: while the
node's index is odd it is a right child, so it and its stored left sibling make the parent.
That is 1 + (number of trailing one bits of n) writes, at most 1 + log2(n + 1), and as many
reads. Roots and proofs of any size up to the current one read O(log n) stored nodes (see
:mod:`eport.ledger.merkle`); stored nodes never change, so old sizes stay provable.

Callers serialise appends: two appenders computing from the same size would both write
leaf n. The SQL adapter takes a lock; the in-memory one is for a single thread.
"""

from __future__ import annotations

from eport.ledger import merkle
from eport.ledger.errors import LedgerCorrupted, TreeRangeError
from eport.ledger.ports import NodeStore


def append_leaf(store: NodeStore, size: int, leaf_hash: bytes) -> int:
    """Store leaf ``size`` (the next one) and the subtrees it completes; returns nodes written."""
    level, index, node = 0, size, leaf_hash
    store.put(level, index, node)
    written = 1
    while index & 1:
        node = merkle.node_hash(_get(store, level, index - 1), node)
        level, index = level + 1, index >> 1
        store.put(level, index, node)
        written += 1
    return written


def root(store: NodeStore, size: int) -> bytes:
    return merkle.tree_root(size, _getter(store))


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof(index, size, _getter(store))


def consistency_proof(store: NodeStore, first: int, second: int) -> list[bytes]:
    return merkle.consistency_proof(first, second, _getter(store))


def check_size(size: int, current: int) -> None:
    if not 0 <= size <= current:
        raise TreeRangeError("The tree has not reached that size.", size=size, current=current)


def _get(store: NodeStore, level: int, index: int) -> bytes:
    value = store.get(level, index)
    if value is None:
        raise LedgerCorrupted("A stored subtree is missing.", level=level, index=index)
    return value


def _getter(store: NodeStore) -> merkle.GetNode:
    return lambda level, index: _get(store, level, index)
