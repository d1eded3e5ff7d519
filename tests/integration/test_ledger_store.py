"""The E-Ledger on SQL (SQLite and PostgreSQL) against the in-memory reference."""

from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.adapters.db.ledger import SqlLedger
from eport.bootstrap import EPort
from eport.ledger import merkle
from eport.ledger.memory import InMemoryLedger

N = 1000


def _nodes(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.ledger_nodes)).scalar_one())


@pytest.fixture
def eport(eport: EPort) -> EPort:
    """An empty log (the demo seed puts its licence on it)."""
    with eport.write_engine.begin() as conn:
        for table in (t.ledger_heads, t.ledger_nodes, t.ledger_entries):
            conn.execute(table.delete())
    return eport


def test_sql_ledger_matches_the_pure_implementation(eport: EPort) -> None:
    reference = InMemoryLedger()
    leaves = [f"entry {i}".encode() * (i % 4) for i in range(N)]
    engine = eport.write_engine
    for batch in range(0, N, 100):  # ten transactions
        with engine.begin() as conn:
            ledger = SqlLedger(conn)
            for i in range(batch, batch + 100):
                before = _nodes(conn)
                entry = ledger.append(leaves[i])
                reference.append(leaves[i])
                written = _nodes(conn) - before
                trailing_ones = (~i & (i + 1)).bit_length() - 1
                assert entry.seq == i
                assert written == 1 + trailing_ones <= 1 + (i + 1).bit_length()  # O(log n)
    rng = random.Random(5)
    with engine.connect() as conn:
        ledger = SqlLedger(conn)
        assert ledger.size() == N
        assert _nodes(conn) == 2 * N - bin(N).count("1")
        assert ledger.head().root == merkle.root(leaves) == reference.head().root
        stored = ledger.entry(417)
        assert stored is not None and stored.data == leaves[417]
        assert stored.leaf_hash == merkle.leaf_hash(leaves[417])
        for n in [1, 2, 3, 7, 8, 9, 255, 256, 257, 999, N, *rng.sample(range(1, N), 20)]:
            root = ledger.head(n).root
            assert root == reference.head(n).root
            for m in {0, n - 1, rng.randrange(n)}:
                proof = ledger.inclusion(m, n)
                assert proof == reference.inclusion(m, n)
                assert merkle.verify_inclusion(merkle.leaf_hash(leaves[m]), m, n, proof.path, root)
            first = rng.randint(1, n)
            cons = ledger.consistency(first, n)
            assert cons == reference.consistency(first, n)
            assert merkle.verify_consistency(first, n, ledger.head(first).root, root, cons.path)


def test_concurrent_appenders_are_serialised(eport: EPort) -> None:
    errors: list[BaseException] = []

    def appender(name: str) -> None:
        try:
            for i in range(25):
                with eport.write_engine.begin() as conn:
                    SqlLedger(conn).append(f"{name}-{i}".encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=appender, args=(f"w{k}",)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with eport.write_engine.connect() as conn:
        ledger = SqlLedger(conn)
        data = [e.data for e in (ledger.entry(s) for s in range(ledger.size())) if e]
        assert len(data) == ledger.size() == 100
        assert ledger.head().root == merkle.root(data)
