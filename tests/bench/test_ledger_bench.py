"""E-Ledger micro-benchmark: appends per second and proof times, against bare SHA-256.

Prints figures, asserts none (they depend on the machine). The default size keeps the suite
fast; ``EPORT_LEDGER_BENCH_N=1000000`` runs the figures recorded in docs/ledger.md, and
``EPORT_LEDGER_BENCH_SQL_N`` sets how many entries go through SQLite (default 2,000).
Run with ``pytest -s tests/bench/test_ledger_bench.py`` to see the report.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.adapters.db.ledger import SqlLedger
from eport.ledger import merkle
from eport.ledger.memory import InMemoryLedger

N = int(os.environ.get("EPORT_LEDGER_BENCH_N", "10000"))
SQL_N = int(os.environ.get("EPORT_LEDGER_BENCH_SQL_N", "2000"))
PROOFS = 1000


def _leaves(n: int) -> list[bytes]:
    return [i.to_bytes(8, "big") * 8 for i in range(n)]  # 64-byte entries


def _per_second(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def _proofs(ledger: Any, size: int, rng: random.Random) -> dict[str, float]:
    indices = [rng.randrange(size) for _ in range(PROOFS)]
    firsts = [rng.randint(1, size) for _ in range(PROOFS)]
    start = time.perf_counter()
    root = ledger.head(size).root
    root_us = (time.perf_counter() - start) * 1e6
    start = time.perf_counter()
    inclusion = [ledger.inclusion(i, size) for i in indices]
    inclusion_us = (time.perf_counter() - start) / PROOFS * 1e6
    start = time.perf_counter()
    consistency = [ledger.consistency(m, size) for m in firsts]
    consistency_us = (time.perf_counter() - start) / PROOFS * 1e6
    start = time.perf_counter()
    for proof in inclusion:
        leaf = ledger.entry(proof.index).leaf_hash
        assert merkle.verify_inclusion(leaf, proof.index, size, proof.path, root)
    verify_us = (time.perf_counter() - start) / PROOFS * 1e6
    assert all(len(p.path) <= 2 * size.bit_length() for p in consistency)
    return {
        "root_us": round(root_us, 1),
        "inclusion_proof_us": round(inclusion_us, 1),
        "consistency_proof_us": round(consistency_us, 1),
        "verify_inclusion_us_incl_entry_read": round(verify_us, 1),
    }


def test_ledger_bench(tmp_path: Path) -> None:
    leaves = _leaves(N)
    rng = random.Random(9162)

    start = time.perf_counter()
    for data in leaves:
        hashlib.sha256(b"\x00" + data).digest()
    baseline = _per_second(N, time.perf_counter() - start)

    memory = InMemoryLedger()
    start = time.perf_counter()
    for data in leaves:
        memory.append(data)
    appends = _per_second(N, time.perf_counter() - start)
    report: dict[str, Any] = {
        "entries": N,
        "baseline_leaf_hashes_per_s": baseline,
        "memory": {
            "appends_per_s": appends,
            "ratio_to_baseline": round(appends / baseline, 3),
            "node_writes": memory.nodes.writes,
            **_proofs(memory, N, rng),
        },
    }

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    t.metadata.create_all(engine, tables=[t.ledger_entries, t.ledger_nodes])
    start = time.perf_counter()
    for batch in range(0, SQL_N, 1000):
        with engine.begin() as conn:
            ledger = SqlLedger(conn)
            for data in leaves[batch : min(batch + 1000, SQL_N)]:
                ledger.append(data)
    sql_appends = _per_second(SQL_N, time.perf_counter() - start)
    with engine.connect() as conn:
        ledger = SqlLedger(conn)
        assert ledger.head().root == memory.head(SQL_N).root
        report["sqlite"] = {
            "entries": SQL_N,
            "appends_per_s_1000_per_commit": sql_appends,
            "ratio_to_baseline": round(sql_appends / baseline, 4),
            **_proofs(ledger, SQL_N, rng),
        }
    engine.dispose()
    print(json.dumps(report, indent=2))
    if out := os.environ.get("EPORT_LEDGER_BENCH_OUT"):
        Path(out).write_text(json.dumps(report, indent=2))
