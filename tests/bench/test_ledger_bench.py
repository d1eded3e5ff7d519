"""E-Ledger micro-benchmark: appends per second and proof times, against bare SHA-256.

Prints figures, asserts none (they depend on the machine); it does assert that the stored
logs have the in-memory log's roots, that each append wrote ``1 + trailing ones`` node rows
and that every proof it times verifies. Three stores, each filled from empty:

- in memory, ``EPORT_LEDGER_BENCH_N`` entries (default 10,000);
- a SQLite file (WAL, ``synchronous=FULL``, as E-Port's engine), ``EPORT_LEDGER_BENCH_SQL_N``
  entries (default 2,000);
- PostgreSQL at ``EPORT_TEST_POSTGRES_URL`` when it is set, ``EPORT_LEDGER_BENCH_PG_N``
  entries (default 2,000), in a schema of its own that is dropped at the end.

Stored appends commit every 1,000. The defaults keep the suite fast; docs/performance.md
("E-Ledger: appends and proofs at 1 million entries") has the command for 1,000,000 each.
Run with ``pytest -s`` to see the report; ``EPORT_LEDGER_BENCH_OUT=file.json`` also writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from eport.adapters.db import tables as t
from eport.adapters.db.engine import temporary_schema
from eport.adapters.db.ledger import SqlLedger
from eport.ledger import merkle
from eport.ledger.memory import InMemoryLedger

N = int(os.environ.get("EPORT_LEDGER_BENCH_N", "10000"))
SQL_N = int(os.environ.get("EPORT_LEDGER_BENCH_SQL_N", "2000"))
PG_N = int(os.environ.get("EPORT_LEDGER_BENCH_PG_N", "2000"))
POSTGRES_URL = os.environ.get("EPORT_TEST_POSTGRES_URL")
PROOFS = 1000  # random inclusion and consistency proofs per store
HEADS = 100  # heads of the whole tree per store
BATCH = 1000  # stored appends per commit
PROGRESS = 100_000


def _leaves(n: int) -> list[bytes]:
    return [i.to_bytes(8, "big") * 8 for i in range(n)]  # 64-byte entries


def _per_second(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def _node_writes(n: int) -> int:
    """Rows written by n appends: sum of (1 + trailing ones of i) for i < n = 2n - popcount(n)."""
    return 2 * n - n.bit_count()


def _log(message: str) -> None:
    print(f"[ledger bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _proofs(ledger: Any, size: int, rng: random.Random) -> dict[str, float]:
    """Time heads and proofs against a ``size`` tree, then verify every proof (untimed)."""
    indices = [rng.randrange(size) for _ in range(PROOFS)]
    firsts = [rng.randint(1, size) for _ in range(PROOFS)]
    start = time.perf_counter()
    heads = [ledger.head(size) for _ in range(HEADS)]
    head_us = (time.perf_counter() - start) / HEADS * 1e6
    root = heads[0].root
    assert all(h.root == root for h in heads)
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
    for proof in consistency:
        first_root = ledger.head(proof.first).root
        assert merkle.verify_consistency(proof.first, size, first_root, root, proof.path)
    return {
        "head_us": round(head_us, 1),
        "inclusion_proof_us": round(inclusion_us, 1),
        "consistency_proof_us": round(consistency_us, 1),
        "verify_inclusion_us_incl_entry_read": round(verify_us, 1),
        "inclusion_path_len_max": max(len(p.path) for p in inclusion),
        "consistency_path_len_max": max(len(p.path) for p in consistency),
    }


def _stored(
    engine: sa.Engine, leaves: list[bytes], n: int, reference: InMemoryLedger, baseline: float
) -> dict[str, Any]:
    """Fill an empty stored log with ``n`` entries, 1,000 per commit, then time its proofs."""
    name = engine.dialect.name
    t.metadata.create_all(engine, tables=[t.ledger_entries, t.ledger_nodes])
    writes = 0
    _log(f"{name}: appending {n:,}")
    start = time.perf_counter()
    for batch in range(0, n, BATCH):
        with engine.begin() as conn:
            ledger = SqlLedger(conn)
            for data in leaves[batch : min(batch + BATCH, n)]:
                ledger.append(data)
            writes += ledger.nodes.writes
        if (batch + BATCH) % PROGRESS == 0:
            done = batch + BATCH
            _log(f"{name}: {done:,} ({_per_second(done, time.perf_counter() - start)} /s)")
    seconds = time.perf_counter() - start
    appends = _per_second(n, seconds)
    assert writes == _node_writes(n)
    _log(f"{name}: {appends} appends/s; proofs")
    with engine.connect() as conn:
        ledger = SqlLedger(conn)
        assert ledger.size() == n
        assert ledger.head().root == reference.head(n).root
        result: dict[str, Any] = {
            "entries": n,
            "append_seconds": round(seconds, 1),
            "appends_per_s_1000_per_commit": appends,
            "ratio_to_baseline": round(appends / baseline, 4),
            "node_writes": writes,
            **_proofs(ledger, n, random.Random(9162)),
        }
    return result


@contextmanager
def _sqlite_engine(path: Path) -> Iterator[sa.Engine]:
    """A SQLite file with E-Port's pragmas (WAL, synchronous=FULL); SQLite checkpoints inline."""
    engine = sa.create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _postgres_engine(url: str) -> Iterator[sa.Engine]:
    """An engine on a fresh schema of its own (dropped, with the ledger tables, on exit)."""
    with temporary_schema(url, prefix="ledger_bench") as schema_url:
        engine = sa.create_engine(schema_url)
        try:
            yield engine
        finally:
            engine.dispose()


def _pg_bytes(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT pg_total_relation_size('ledger_entries')"
                    " + pg_total_relation_size('ledger_nodes')"
                )
            ).scalar_one()
        )


def test_ledger_bench(tmp_path: Path) -> None:
    pg_n = PG_N if POSTGRES_URL else 0
    total = max(N, SQL_N, pg_n)
    leaves = _leaves(total)

    start = time.perf_counter()
    for data in leaves:
        hashlib.sha256(b"\x00" + data).digest()
    baseline = _per_second(total, time.perf_counter() - start)

    _log(f"memory: appending {N:,}")
    memory = InMemoryLedger()
    start = time.perf_counter()
    for data in leaves[:N]:
        memory.append(data)
    appends = _per_second(N, time.perf_counter() - start)
    assert memory.nodes.writes == _node_writes(N)
    report: dict[str, Any] = {
        "python": sys.version.split()[0],
        "baseline_leaf_hashes_per_s": baseline,
        "memory": {
            "entries": N,
            "appends_per_s": appends,
            "ratio_to_baseline": round(appends / baseline, 3),
            "node_writes": memory.nodes.writes,
            **_proofs(memory, N, random.Random(9162)),
        },
    }
    for data in leaves[N:]:  # the reference roots for stored logs longer than N (untimed)
        memory.append(data)

    if POSTGRES_URL:
        with _postgres_engine(POSTGRES_URL) as engine:
            report["postgresql"] = _stored(engine, leaves, pg_n, memory, baseline)
            report["postgresql"]["bytes_on_disk"] = _pg_bytes(engine)
            with engine.connect() as conn:
                report["postgresql"]["server"] = conn.execute(
                    sa.text("SHOW server_version")
                ).scalar_one()

    db = tmp_path / "ledger.db"
    with _sqlite_engine(db) as engine:
        report["sqlite"] = _stored(engine, leaves, SQL_N, memory, baseline)
    report["sqlite"]["bytes_on_disk"] = sum(
        f.stat().st_size for f in tmp_path.iterdir() if f.name.startswith("ledger.db")
    )

    print(json.dumps(report, indent=2))
    if out := os.environ.get("EPORT_LEDGER_BENCH_OUT"):
        Path(out).write_text(json.dumps(report, indent=2))
