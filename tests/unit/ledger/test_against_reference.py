"""The O(log n) stored-subtree log against an independent, naive reading of RFC 9162.

The reference below recomputes everything from all the leaves, recursively, exactly as the
RFC writes MTH (§2.1.1), PATH (§2.1.3.1) and PROOF/SUBPROOF (§2.1.4.1). It shares no code with
eport.ledger: even the hashing is spelled out again.
"""

from __future__ import annotations

import hashlib
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eport.ledger import merkle
from eport.ledger.memory import InMemoryLedger

MAX_EXHAUSTIVE = 70


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(n)
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def data(i: int) -> bytes:
    return i.to_bytes(4, "big") * (i % 3)  # includes empty leaves


def build(n: int) -> InMemoryLedger:
    log = InMemoryLedger()
    for i in range(n):
        log.append(data(i))
    return log


def test_every_root_and_proof_up_to_70_leaves() -> None:
    log = build(MAX_EXHAUSTIVE)
    leaves = [data(i) for i in range(MAX_EXHAUSTIVE)]
    for n in range(MAX_EXHAUSTIVE + 1):
        d = leaves[:n]
        root = mth(d)
        assert log.head(n).root == root == merkle.root(d)
        for m in range(n):
            got = list(log.inclusion(m, n).path)
            assert got == path(m, d), (m, n)
            assert merkle.verify_inclusion(merkle.leaf_hash(d[m]), m, n, got, root)
        for m in range(1, n + 1):
            got = list(log.consistency(m, n).path)
            assert got == proof(m, d), (m, n)
            assert merkle.verify_consistency(m, n, mth(d[:m]), root, got)


def test_appends_write_only_the_completed_subtrees() -> None:
    log = InMemoryLedger()
    for n in range(1025):
        before = log.nodes.writes
        log.append(data(n))
        trailing_ones = (~n & (n + 1)).bit_length() - 1
        assert log.nodes.writes - before == 1 + trailing_ones <= 1 + (n + 1).bit_length()
    assert log.nodes.writes == 2 * 1025 - bin(1025).count("1")


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


@cache
def big() -> InMemoryLedger:
    return build(3000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_proofs_verify_and_tampering_is_caught(draw: st.DataObject) -> None:
    log = big()
    n = draw.draw(st.integers(1, log.size()), label="size")
    m = draw.draw(st.integers(0, n - 1), label="index")
    first = draw.draw(st.integers(1, n), label="first")
    root = log.head(n).root
    leaf = log.entries[m].leaf_hash
    incl = list(log.inclusion(m, n).path)
    assert merkle.verify_inclusion(leaf, m, n, incl, root)
    assert not merkle.verify_inclusion(_flip(leaf), m, n, incl, root)
    assert not merkle.verify_inclusion(leaf, m, n, incl, _flip(root))
    assert not merkle.verify_inclusion(merkle.leaf_hash(data(m) + b"x"), m, n, incl, root)
    if incl:
        i = draw.draw(st.integers(0, len(incl) - 1), label="tampered node")
        assert not merkle.verify_inclusion(
            leaf, m, n, [*incl[:i], _flip(incl[i]), *incl[i + 1 :]], root
        )
        assert not merkle.verify_inclusion(leaf, m, n, incl[:-1], root)
    first_root = log.head(first).root
    cons = list(log.consistency(first, n).path)
    assert merkle.verify_consistency(first, n, first_root, root, cons)
    if first < n:
        assert not merkle.verify_consistency(first, n, _flip(first_root), root, cons)
        assert not merkle.verify_consistency(first, n, first_root, _flip(root), cons)
        i = draw.draw(st.integers(0, len(cons) - 1), label="tampered node")
        assert not merkle.verify_consistency(
            first, n, first_root, root, [*cons[:i], _flip(cons[i]), *cons[i + 1 :]]
        )
