"""`eport bench`: lodge N varied declarations through the real HTTP stack, and compare.

For each backend (SQLite on a fresh temporary data dir; PostgreSQL in a fresh schema when a
URL is given) this starts a real server in a subprocess (uvicorn, the production app, the
outbox dispatcher on) and drives it from several client processes, each an asyncio loop over
raw HTTP/1.1 keep-alive connections (cheaper than any client library, so that on a small box
the client is not what is measured). Two paths are measured against the same server and
database, with the same bodies and the same client setup:

* ``lodge``: ``POST /api/v1/declarations`` with a bearer token and a unique Idempotency-Key:
  authentication, one parse and validation, routing against the catalogue, the declaration,
  its revision, items, tasks, event, outbox and idempotency rows, group commit;
* ``baseline``: ``POST /bench/baseline`` (only with ``EPORT_BENCHMARK_ENDPOINTS=true``): parse
  the JSON and insert the bytes through the same group-commit writer, nothing else.

``ratio`` = lodge throughput / baseline throughput: how much of the bare stack's capacity the
single window keeps. Every loop here is bounded, and all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from eport.entrypoints.demo_documents import varied_declaration

if TYPE_CHECKING:
    from rich.console import Console

LODGE_PATH = "/api/v1/declarations"
BASELINE_PATH = "/bench/baseline"
SEED = 20260101
REQUEST_TIMEOUT = 60.0  # seconds, per request
START_TIMEOUT = 60.0  # seconds, for the server to answer /healthz
DRAIN_TIMEOUT = 60.0  # seconds, for the outbox to empty between phases

# ---------------------------------------------------------------------------------------------
# Varied, valid import declarations (eport.entrypoints.demo_documents, which the tests use too).
# Fixed seed, so every run lodges the same bodies.


def generate_bodies(n: int, seed: int = SEED) -> list[bytes]:
    rng = random.Random(seed)
    return [orjson.dumps(varied_declaration(rng)) for _ in range(n)]


# ---------------------------------------------------------------------------------------------
# The load generator: client processes, each an asyncio loop over raw HTTP/1.1 keep-alive
# connections. Requests are prebuilt bytes; a response is read by Content-Length.


@dataclass
class PhaseJob:
    """One client process's share of a phase (picklable: it crosses a process boundary)."""

    port: int
    path: str
    token: str | None
    bodies: list[bytes]
    keys: list[str]
    connections: int
    start_at: float  # time.monotonic() to start sending at (CLOCK_MONOTONIC is system-wide)
    collect_ids: bool


@dataclass
class PhaseResult:
    latencies: list[float] = field(default_factory=list)  # seconds
    ok: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu_seconds: float = 0.0


def _request_bytes(job: PhaseJob, i: int) -> bytes:
    body = job.bodies[i]
    head = [
        f"POST {job.path} HTTP/1.1",
        f"Host: 127.0.0.1:{job.port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if job.token is not None:
        head.append(f"Authorization: Bearer {job.token}")
        head.append(f"Idempotency-Key: {job.keys[i]}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, keep_alive = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep_alive = False
    if not chunked:
        return status, await reader.readexactly(length), keep_alive
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return status, b"".join(p[:-2] for p in parts), keep_alive


async def _drive(job: PhaseJob) -> PhaseResult:
    result = PhaseResult()
    requests = [_request_bytes(job, i) for i in range(len(job.bodies))]
    cursor = iter(range(len(requests)))  # shared by this loop's connections: no awaits inside

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", job.port), REQUEST_TIMEOUT
        )

    async def connection() -> None:
        reader, writer = await connect()
        await asyncio.sleep(max(0.0, job.start_at - time.monotonic()))
        try:
            for i in cursor:
                t0 = time.perf_counter()
                try:
                    writer.write(requests[i])
                    status, body, keep_alive = await asyncio.wait_for(
                        _read_response(reader), REQUEST_TIMEOUT
                    )
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{type(exc).__name__}: {exc}")
                    writer.close()
                    reader, writer = await connect()
                    continue
                result.latencies.append(time.perf_counter() - t0)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 201:
                    result.ok += 1
                    if job.collect_ids:
                        result.ids.append(str(orjson.loads(body)["id"]))
                else:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{status}: {body[:300]!r}")
                if not keep_alive:
                    writer.close()
                    reader, writer = await connect()
        finally:
            writer.close()

    cpu0 = time.process_time()
    tasks = [connection() for _ in range(max(1, min(job.connections, len(requests))))]
    wait = job.start_at - time.monotonic()
    result.started = job.start_at if wait > 0 else time.monotonic()
    await asyncio.gather(*tasks)
    result.finished = time.monotonic()
    result.cpu_seconds = time.process_time() - cpu0
    return result


def _client_process(job: PhaseJob) -> PhaseResult:
    """Entry point of a client process (module level, so that `spawn` can import it)."""
    try:
        import uvloop

        return uvloop.run(_drive(job))
    except ImportError:  # pragma: no cover - uvloop ships with litestar[standard]
        return asyncio.run(_drive(job))


# ---------------------------------------------------------------------------------------------
# Servers


SERVER_CODE = """
import os, uvicorn
from eport.bootstrap import bootstrap
from eport.config import Settings
from eport.entrypoints.api.app import create_app
eport = bootstrap(Settings())
uvicorn.run(create_app(eport), host="127.0.0.1", port=int(os.environ["EPORT_BENCH_PORT"]),
            log_level="warning", access_log=False)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proc_status(pid: int) -> dict[str, int]:
    """VmHWM/VmRSS of a process, in kB."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                out[name] = int(value.split()[0])
    return out


def _system_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            values = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its threads."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """`eport` under uvicorn in a subprocess, with the benchmark endpoint on."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = _free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_CODE],
            env={**env, "EPORT_BENCH_PORT": str(self.port), "EPORT_BENCHMARK_ENDPOINTS": "true"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"the server exited ({code}):\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer /healthz:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    def memory_kb(self) -> dict[str, int]:
        return _proc_status(self.proc.pid)

    def cpu_seconds(self) -> float:
        return _proc_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


# ---------------------------------------------------------------------------------------------
# One backend


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def _run_phase(
    pool: Any,
    procs: int,
    server: Server,
    path: str,
    token: str | None,
    bodies: list[bytes],
    keys: list[str],
    clients: int,
    *,
    collect_ids: bool = False,
) -> dict[str, Any]:
    start_at = time.monotonic() + 0.5  # lets every process connect before anyone sends
    per_proc = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    jobs = [
        PhaseJob(
            server.port,
            path,
            token,
            bodies[i::procs],
            keys[i::procs],
            max(1, per_proc[i]),
            start_at,
            collect_ids,
        )
        for i in range(procs)
        if bodies[i::procs]
    ]
    cpu0, (busy0, total0) = server.cpu_seconds(), _system_jiffies()
    parts: list[PhaseResult] = pool.map(_client_process, jobs)
    server_cpu = server.cpu_seconds() - cpu0
    busy1, total1 = _system_jiffies()
    started = min(p.started for p in parts)
    finished = max(p.finished for p in parts)
    elapsed = max(finished - started, 1e-9)
    latencies = sorted(x for p in parts for x in p.latencies)
    statuses: dict[str, int] = {}
    for p in parts:
        for status, count in p.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + count
    requests = len(bodies)
    return {
        "requests": requests,
        "ok": sum(p.ok for p in parts),
        "errors": sum(p.errors for p in parts),
        "statuses": statuses,
        "error_samples": [s for p in parts for s in p.error_samples][:5],
        "seconds": round(elapsed, 3),
        "throughput": round(requests / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round((latencies[-1] if latencies else 0.0) * 1000, 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(requests, 1), 3),
        "client_cpu_seconds": round(sum(p.cpu_seconds for p in parts), 2),
        # all CPUs, every process (server, clients, PostgreSQL, anything else on the box)
        "machine_busy_pct": round(100 * (busy1 - busy0) / max(total1 - total0, 1), 1),
        "_ids": [i for p in parts for i in p.ids],
    }


def _wait_for_outbox(settings: Any) -> int:
    """Wait (bounded) until the dispatcher has drained the outbox; returns what is left."""
    import sqlalchemy as sa

    from eport.adapters.db import tables as t
    from eport.adapters.db.engine import create_engines

    write, read = create_engines(settings)
    try:
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while True:
            with read.connect() as conn:
                left = int(
                    conn.execute(
                        sa.select(sa.func.count())
                        .select_from(t.outbox)
                        .where(t.outbox.c.delivered_at.is_(None))
                    ).scalar_one()
                )
            if left == 0 or time.monotonic() > deadline:
                return left
            time.sleep(0.1)
    finally:
        write.dispose()
        read.dispose()


def _verify(settings: Any, ids: list[str], baseline_rows: int) -> dict[str, Any]:
    """Every 201 the clients saw is a stored declaration with its idempotency record."""
    import sqlalchemy as sa

    from eport.adapters.db import tables as t
    from eport.adapters.db.engine import create_engines

    write, read = create_engines(settings)
    try:
        found = 0
        with read.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found += int(
                    conn.execute(
                        sa.select(sa.func.count())
                        .select_from(t.declarations)
                        .where(t.declarations.c.id.in_(chunk))
                    ).scalar_one()
                )
            declarations = int(
                conn.execute(sa.select(sa.func.count()).select_from(t.declarations)).scalar_one()
            )
            keys = int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t.idempotency_keys)
                ).scalar_one()
            )
            baseline = int(
                conn.execute(sa.select(sa.func.count()).select_from(t.bench_baseline)).scalar_one()
            )
    finally:
        write.dispose()
        read.dispose()
    return {
        "acknowledged": len(ids),
        "found": found,
        "missing": len(ids) - found,
        "declarations_in_db": declarations,
        "idempotency_keys_in_db": keys,
        "baseline_rows_in_db": baseline,
        "baseline_rows_expected": baseline_rows,
    }


def _bench_backend(
    name: str,
    workdir: Path,
    database_url: str | None,
    bodies: list[bytes],
    warmup: list[bytes],
    clients: int,
    procs: int,
    console: Console | None,
) -> dict[str, Any]:
    from eport.bootstrap import bootstrap
    from eport.config import Settings
    from eport.entrypoints.seed import issue_token, seed_demo

    data_dir = workdir / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPORT_")}
    # The benchmark's varied imports name bills that are on no manifest.
    env.update(
        {
            "EPORT_DATA_DIR": str(data_dir),
            "EPORT_ENVIRONMENT": "development",
            "EPORT_MANIFEST_REQUIRED": "false",
            "EPORT_LICENCES_ENFORCED": "false",  # its cars cite licences on no register
        }
    )
    if database_url:
        env["EPORT_DATABASE_URL"] = database_url
    settings = Settings(data_dir=data_dir, database_url=database_url, dispatcher_enabled=False)

    # Migrate, seed and issue the token in this process, before the server starts.
    eport = bootstrap(settings)
    try:
        seed_demo(eport)
        token = issue_token(eport, "trader@demo", label="bench")
    finally:
        eport.stop()

    run = uuid.uuid4().hex[:8]
    keys = [f"bench-{run}-{i}" for i in range(len(bodies))]
    warm_keys = [f"bench-{run}-warm-{i}" for i in range(len(warmup))]
    server = Server(env, workdir / f"{name}-server.log")
    ctx = multiprocessing.get_context("spawn")
    try:
        server.wait_ready()
        with ctx.Pool(procs) as pool:
            if console:
                console.print(f"[bold]{name}[/]: warming up ({len(warmup)} requests per path)")
            warm_base = _run_phase(
                pool, procs, server, BASELINE_PATH, None, warmup, warm_keys, clients
            )
            warm_lodge = _run_phase(
                pool, procs, server, LODGE_PATH, token, warmup, warm_keys, clients, collect_ids=True
            )
            _wait_for_outbox(settings)
            if console:
                console.print(
                    f"[bold]{name}[/]: baseline, {len(bodies)} requests, {clients} connections"
                )
            baseline = _run_phase(pool, procs, server, BASELINE_PATH, None, bodies, keys, clients)
            _wait_for_outbox(settings)
            if console:
                console.print(
                    f"[bold]{name}[/]: lodge, {len(bodies)} requests, {clients} connections"
                )
            lodge = _run_phase(
                pool, procs, server, LODGE_PATH, token, bodies, keys, clients, collect_ids=True
            )
            outbox_left = _wait_for_outbox(settings)
        memory = server.memory_kb()
    finally:
        server.stop()
    ids = warm_lodge.pop("_ids") + lodge.pop("_ids")
    for phase in (warm_base, baseline):
        phase.pop("_ids")
    verification = _verify(settings, ids, len(warmup) + len(bodies))
    errors = warm_base["errors"] + warm_lodge["errors"] + baseline["errors"] + lodge["errors"]
    return {
        "lodge": lodge,
        "baseline": baseline,
        "ratio": round(lodge["throughput"] / baseline["throughput"], 3)
        if baseline["throughput"]
        else None,
        "errors": errors,
        "warmup": {"requests": len(warmup), "errors": warm_base["errors"] + warm_lodge["errors"]},
        "server_peak_rss_mb": round(memory.get("VmHWM", 0) / 1024, 1),
        "server_rss_mb": round(memory.get("VmRSS", 0) / 1024, 1),
        "outbox_left": outbox_left,
        "verification": verification,
        "clients": clients,
        "client_processes": procs,
    }


def _machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    """The box, and how busy it was when the run began (other load skews every figure)."""
    memory_mb = None
    with contextlib.suppress(OSError, ValueError), open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory_mb,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "load_average_before": [round(x, 2) for x in load_before],
    }


def _table(results: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    table = Table(title="eport bench: lodge vs bare baseline (same server, DB, bodies, clients)")
    for column in (
        "backend",
        "path",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "peak RSS MB",
        "ratio",
    ):
        table.add_column(column, justify="left" if column in ("backend", "path") else "right")
    for backend in ("sqlite", "postgres"):
        if backend not in results:
            continue
        r = results[backend]
        for path in ("lodge", "baseline"):
            p = r[path]
            table.add_row(
                backend if path == "lodge" else "",
                path,
                f"{p['throughput']:,.0f}",
                f"{p['p50_ms']:.1f}",
                f"{p['p99_ms']:.1f}",
                str(p["errors"]),
                f"{r['server_peak_rss_mb']:.0f}" if path == "lodge" else "",
                f"{r['ratio']:.2f}" if path == "lodge" and r["ratio"] else "",
            )
    console.print(table)
    m = results["machine"]
    console.print(
        f"{m['cpus']} CPUs, {m['memory_mb']} MB, Python {m['python']}; "
        f"{results['sqlite']['clients']} connections from "
        f"{results['sqlite']['client_processes']} client processes; load average before: "
        f"{m['load_average_before'][0]}"
    )
    for backend in ("sqlite", "postgres"):
        if backend in results:
            v = results[backend]["verification"]
            colour = "green" if v["missing"] == 0 and results[backend]["errors"] == 0 else "red"
            console.print(
                f"[{colour}]{backend}: {v['found']}/{v['acknowledged']} acknowledged "
                f"declarations stored, {results[backend]['errors']} errors[/]"
            )


def run_bench(
    declarations: int,
    clients: int,
    postgres_url: str | None,
    console: Console | None = None,
    *,
    client_processes: int | None = None,
    warmup: int | None = None,
    work_dir: Path | None = None,
) -> dict[str, Any]:
    """Run the benchmark; returns a JSON-able summary (prints a table when given a console).

    ``work_dir``, when given, holds the data dirs and server logs and is left in place;
    otherwise a temporary directory is used and removed.
    """
    if declarations < 1 or clients < 1:
        raise ValueError("need at least one declaration and one client")
    load_before = os.getloadavg()
    cpus = os.cpu_count() or 1
    if console is not None and load_before[0] > 0.5:
        console.print(
            f"[yellow]The machine is busy (load average {load_before[0]:.1f}): "
            "other work skews the figures.[/]"
        )
    procs = client_processes or max(1, min(2, cpus))
    warm_n = warmup if warmup is not None else max(20, min(300, declarations // 10))
    bodies = generate_bodies(declarations)
    warm_bodies = generate_bodies(warm_n, seed=SEED + 1)
    results: dict[str, Any] = {}
    own_dir = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="eport-bench-")) if work_dir is None else Path(work_dir)
    root.mkdir(parents=True, exist_ok=True)
    try:
        results["sqlite"] = _bench_backend(
            "sqlite", root, None, bodies, warm_bodies, clients, procs, console
        )
        if postgres_url:
            from eport.adapters.db.engine import temporary_schema

            with temporary_schema(postgres_url, "bench") as url:
                results["postgres"] = _bench_backend(
                    "postgres", root, url, bodies, warm_bodies, clients, procs, console
                )
    finally:
        if own_dir:
            shutil.rmtree(root, ignore_errors=True)
    sizes = sorted(len(b) for b in bodies)
    results["workload"] = {
        "declarations": declarations,
        "clients": clients,
        "client_processes": procs,
        "warmup": warm_n,
        "seed": SEED,
        "body_bytes_p50": sizes[len(sizes) // 2],
        "body_bytes_max": sizes[-1],
    }
    results["machine"] = _machine(load_before)
    if console is not None:
        _table(results, console)
    return results
