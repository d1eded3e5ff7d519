"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, proofs and verifiers.

Pure functions on bytes, SHA-256 only. The hashing is that of RFC 6962 §2.1, kept unchanged
by RFC 9162 §2.1.1:

    MTH({})      = SHA-256()                                  the empty tree
    leaf hash    = SHA-256(0x00 || d)
    node hash    = SHA-256(0x01 || left || right)
    MTH(D[n])    = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

Proofs are built from hashes of *perfect* subtrees, asked for through ``get_node(level,
index)``: the subtree at ``level`` k, ``index`` i covers leaves ``[i*2^k, (i+1)*2^k)``. A
subtree that is not perfect is composed from the perfect ones on its right edge, so every
proof costs O(log n) lookups and never rehashes the tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from eport.ledger.errors import TreeRangeError

GetNode = Callable[[int, int], bytes]
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH of the leaf data (RFC 9162 §2.1.1), level by level: an odd last node moves up."""
    if not leaves:
        return EMPTY_ROOT
    level = [leaf_hash(d) for d in leaves]
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + level[-1:] if len(level) % 2 else paired
    return level[0]


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(start: int, end: int, get_node: GetNode) -> bytes:
    """MTH of leaves ``[start, end)``, a subtree of the RFC's recursion (start aligned)."""
    size = end - start
    if size & (size - 1) == 0:  # perfect
        level = size.bit_length() - 1
        return get_node(level, start >> level)
    k = split(size)
    return node_hash(
        subtree_hash(start, start + k, get_node), subtree_hash(start + k, end, get_node)
    )


def tree_root(size: int, get_node: GetNode) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, get_node)


def inclusion_proof(index: int, size: int, get_node: GetNode) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, leaf to root."""
    if not 0 <= index < size:
        raise TreeRangeError("The leaf is not in a tree of that size.", index=index, size=size)
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(subtree_hash(start + k, end, get_node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, get_node))
            start += k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, get_node: GetNode) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1; empty when first is 0 or equals second."""
    if not 0 <= first <= second:
        raise TreeRangeError("No consistency proof for these sizes.", first=first, second=second)
    if first in (0, second):
        return []
    path: list[bytes] = []
    start, end, whole = 0, second, True  # SUBPROOF(m, D[start:end], b)
    m = first
    while m != end - start:
        k = split(end - start)
        if m <= k:
            path.append(subtree_hash(start + k, end, get_node))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, get_node))
            start, m, whole = start + k, m - k, False
    if not whole:
        path.append(subtree_hash(start, end, get_node))
    path.reverse()
    return path


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until LSB(fn) is set or fn is 0."""
    while fn & 1 == 0 and fn != 0:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def _hashes(proof: Sequence[bytes], *more: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in (*proof, *more))


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf ``index`` of a ``size`` tree under ``root``?"""
    if not 0 <= index < size or not _hashes(proof, leaf_hash, root):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the ``first`` tree a prefix of the ``second``?

    Edge cases the RFC leaves to the caller: equal sizes need an empty proof and equal roots;
    the empty tree (``first`` 0, root SHA-256 of nothing) is a prefix of every tree.
    """
    if not 0 <= first <= second or not _hashes(proof, first_root, second_root):
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
