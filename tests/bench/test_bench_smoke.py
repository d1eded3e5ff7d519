"""`eport bench` end to end on a small load: real server, real clients, SQLite only.

Checks the shape of the report, that nothing failed, and that every acknowledged lodgement
is in the database. No timing assertions: figures depend on the machine.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from eport.entrypoints.bench import run_bench

N, CLIENTS, WARMUP = 200, 8, 20

PHASE_KEYS = {
    "requests",
    "ok",
    "errors",
    "statuses",
    "seconds",
    "throughput",
    "p50_ms",
    "p99_ms",
    "max_ms",
    "server_cpu_ms_per_request",
    "client_cpu_seconds",
    "machine_busy_pct",
}


@pytest.mark.slow
def test_bench_smoke(tmp_path: Path) -> None:
    results = run_bench(N, CLIENTS, None, None, warmup=WARMUP, work_dir=tmp_path)

    json.dumps(results)  # JSON-able
    assert set(results) == {"sqlite", "workload", "machine"}
    assert results["machine"]["cpus"] >= 1
    assert results["machine"]["python"]
    sqlite = results["sqlite"]
    for path in ("lodge", "baseline"):
        phase = sqlite[path]
        assert set(phase) >= PHASE_KEYS, path
        assert phase["requests"] == N
        assert phase["ok"] == N
        assert phase["errors"] == 0, phase.get("error_samples")
        assert phase["statuses"] == {"201": N}
        assert phase["throughput"] > 0
        assert 0 < phase["p50_ms"] <= phase["p99_ms"] <= phase["max_ms"]
    assert sqlite["errors"] == 0
    assert sqlite["warmup"] == {"requests": WARMUP, "errors": 0}
    assert sqlite["ratio"] > 0
    assert sqlite["server_peak_rss_mb"] > 0
    assert sqlite["outbox_left"] == 0
    assert sqlite["verification"]["acknowledged"] == N + WARMUP
    assert sqlite["verification"]["missing"] == 0

    # Independently of the benchmark's own check: every stored idempotency record points at a
    # stored declaration with its first revision and all its goods items.
    db = sqlite3.connect(tmp_path / "sqlite" / "eport.db")
    try:
        acknowledged = {
            json.loads(body)["id"] for (body,) in db.execute("SELECT body FROM idempotency_keys")
        }
        declarations = dict(db.execute("SELECT id, item_count FROM declarations"))
        revisions = {
            d
            for (d,) in db.execute(
                "SELECT declaration_id FROM declaration_revisions WHERE revision = 1"
            )
        }
        items = dict(
            db.execute(
                "SELECT declaration_id, count(*) FROM declaration_items GROUP BY declaration_id"
            )
        )
        baseline_rows = db.execute("SELECT count(*) FROM bench_baseline").fetchone()[0]
    finally:
        db.close()
    assert len(acknowledged) == N + WARMUP
    assert acknowledged == set(declarations)
    assert revisions == acknowledged
    assert items == declarations
    assert baseline_rows == N + WARMUP
