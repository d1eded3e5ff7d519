"""Durability: an acknowledged declaration survives SIGKILL, and retries never duplicate.

A real ``eport serve`` process takes lodgings from concurrent clients, each request with its own
Idempotency-Key, and is killed with SIGKILL mid-stream. After a restart on the same store:

(a) every declaration that got a 201 is there, with the same receipt, its agency tasks, its
    events and their outbox rows (the group-commit writer answers only after the commit);
(b) every client retries everything it sent (acknowledged or of unknown outcome) with the same
    key and the same bytes: the acknowledged ones are replayed with the same id, and the store
    then holds exactly one declaration per key that ever got a 201.

Runs on SQLite (WAL) always, and on PostgreSQL in a fresh schema when EPORT_TEST_POSTGRES_URL
is set. Everything listens on and talks to 127.0.0.1 only; every loop and wait is bounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.adapters.db.engine import temporary_schema
from tests.factories import import_declaration, varied_declaration

pytestmark = pytest.mark.slow

POSTGRES_URL = os.environ.get("EPORT_TEST_POSTGRES_URL")
HOST = "127.0.0.1"
CLIENTS = 8  # concurrent lodging clients
KILL_AFTER = 200  # SIGKILL the server once this many 201s have been seen
MAX_PER_CLIENT = 1000  # bound on each client's lodgings
LOAD_SECONDS = 120.0  # bound on the load phase
START_SECONDS = 60.0  # bound on a server start (migrations, demo seed, /healthz)
REQUEST_SECONDS = 30.0  # per-request timeout
ACKNOWLEDGED, UNKNOWN = "acknowledged", "unknown"


# --- the server process --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPORT_")}
    env["EPORT_ENVIRONMENT"] = "test"
    env["EPORT_MANIFEST_REQUIRED"] = "false"  # it lodges imports without manifests
    env["EPORT_LICENCES_ENFORCED"] = "false"  # its cars cite licences on no register
    if database_url:
        env["EPORT_DATABASE_URL"] = database_url
    return env


class Server:
    """``eport serve --demo`` in a subprocess, on a fresh port at each start."""

    def __init__(self, data_dir: Path, env: dict[str, str], log: Path) -> None:
        self.data_dir, self.env, self.log = data_dir, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Server:
        for _ in range(3):  # a free port can be taken between the probe and the bind
            self.port = free_port()
            with self.log.open("ab") as out:
                out.write(f"\n=== starting on port {self.port}\n".encode())
                out.flush()
                self.proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "eport",
                        "serve",
                        "--demo",
                        "--no-demo-data",
                        "--host",
                        HOST,
                        "--port",
                        str(self.port),
                        "--data-dir",
                        str(self.data_dir),
                    ],
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_healthy():
                return self
            self.stop()
        pytest.fail(f"eport serve did not become healthy; log:\n{self.log_tail()}")

    def _wait_healthy(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush, no goodbye."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"


def issue_token(data_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "eport", "token", "trader@demo", "--data-dir", str(data_dir)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


# --- the clients -----------------------------------------------------------------------------


@dataclass
class Attempt:
    key: str
    raw: bytes
    outcome: str  # ACKNOWLEDGED (a 201 was received) or UNKNOWN (no answer, or a 5xx)
    declaration_id: str | None = None
    sha256: str | None = None
    agencies: tuple[str, ...] = ()


@dataclass
class Client:
    index: int
    attempts: list[Attempt] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


class Acks:
    """Counts 201s across client threads; sets ``enough`` at the kill threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold, self.count = threshold, 0
        self.lock, self.enough = threading.Lock(), threading.Event()

    def add(self) -> None:
        with self.lock:
            self.count += 1
            if self.count >= self.threshold:
                self.enough.set()


def document(rng: random.Random, reference: str) -> bytes:
    """A varied, valid import declaration with a unique traderReference, as exact bytes."""
    if rng.random() < 0.25:
        doc = import_declaration(traderReference=reference)
    else:
        doc = varied_declaration(rng)
        doc["traderReference"] = reference
    return json.dumps(doc, indent=rng.choice([None, 1])).encode()


def headers(token: str, key: str | None = None) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token}"}
    if key is not None:
        out.update({"Idempotency-Key": key, "Content-Type": "application/json"})
    return out


def lodge_until_cut_off(
    client: Client, base_url: str, token: str, prefix: str, acks: Acks, deadline: float
) -> None:
    rng = random.Random(f"{prefix}-{client.index}")
    with httpx.Client(base_url=base_url, timeout=REQUEST_SECONDS) as http:
        for n in range(MAX_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            key = f"{prefix}-{client.index}-{n}-{uuid.uuid4().hex[:8]}"
            raw = document(rng, f"{prefix}-{client.index}-{n}")
            try:
                r = http.post("/api/v1/declarations", content=raw, headers=headers(token, key))
            except httpx.TransportError:
                client.attempts.append(Attempt(key, raw, UNKNOWN))
                return  # the server is gone
            if r.status_code == 201:
                body = r.json()
                client.attempts.append(
                    Attempt(
                        key,
                        raw,
                        ACKNOWLEDGED,
                        body["id"],
                        body["receipt"]["sha256"],
                        tuple(sorted(body["agencies"])),
                    )
                )
                acks.add()
            elif r.status_code >= 500:
                client.attempts.append(Attempt(key, raw, UNKNOWN))
            else:
                client.unexpected.append(f"lodge {key}: {r.status_code} {r.text[:500]}")
                return


@dataclass
class Retry:
    attempt: Attempt
    status: int
    declaration_id: str | None
    replayed: bool


def post_with_retries(http: httpx.Client, attempt: Attempt, token: str) -> httpx.Response:
    """The restarted server is up: a transport error here is retried a few times, then fatal."""
    for tries in range(3):
        try:
            return http.post(
                "/api/v1/declarations", content=attempt.raw, headers=headers(token, attempt.key)
            )
        except httpx.TransportError:
            if tries == 2:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def retry_all(client: Client, base_url: str, token: str, out: list[Retry]) -> None:
    with httpx.Client(base_url=base_url, timeout=REQUEST_SECONDS) as http:
        for attempt in client.attempts:
            try:
                r = post_with_retries(http, attempt, token)
            except httpx.TransportError as exc:
                client.unexpected.append(f"retry {attempt.key}: {exc!r}")
                return
            ok = r.status_code == 201
            out.append(
                Retry(
                    attempt,
                    r.status_code,
                    r.json()["id"] if ok else None,
                    r.headers.get("idempotent-replayed") == "true",
                )
            )
            if not ok:
                client.unexpected.append(f"retry {attempt.key}: {r.status_code} {r.text[:500]}")


def run_threads(targets: list[tuple[Any, tuple[Any, ...]]], timeout: float) -> None:
    threads = [threading.Thread(target=f, args=a, daemon=True) for f, a in targets]
    for th in threads:
        th.start()
    deadline = time.monotonic() + timeout
    for th in threads:
        th.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(th.is_alive() for th in threads), "client threads did not finish in time"


# --- the store -------------------------------------------------------------------------------


@dataclass
class Store:
    name: str
    data_dir: Path
    database_url: str | None  # None: SQLite in data_dir

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'eport.db').resolve()}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES_URL, reason="EPORT_TEST_POSTGRES_URL is not set"),
            ],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    data_dir = tmp_path / "data"
    if request.param == "postgres":
        assert POSTGRES_URL
        with temporary_schema(POSTGRES_URL, "t_dur") as url:
            yield Store("postgres", data_dir, url)
    else:
        yield Store("sqlite", data_dir, None)


def per_declaration(conn: sa.Connection, query: Any, ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for declaration_id, n in conn.execute(query(chunk)):
            counts[declaration_id] = int(n)
    return counts


def stored_counts(url: str, ids: list[str]) -> dict[str, dict[str, int]]:
    e, o, k = t.events, t.outbox, t.tasks
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "events": per_declaration(
                    conn,
                    lambda c: (
                        sa.select(e.c.declaration_id, sa.func.count())
                        .where(e.c.declaration_id.in_(c))
                        .group_by(e.c.declaration_id)
                    ),
                    ids,
                ),
                "outbox": per_declaration(
                    conn,
                    lambda c: (
                        sa.select(e.c.declaration_id, sa.func.count())
                        .select_from(o.join(e, o.c.event_id == e.c.id))
                        .where(e.c.declaration_id.in_(c))
                        .group_by(e.c.declaration_id)
                    ),
                    ids,
                ),
                "tasks": per_declaration(
                    conn,
                    lambda c: (
                        sa.select(k.c.declaration_id, sa.func.count())
                        .where(k.c.declaration_id.in_(c))
                        .group_by(k.c.declaration_id)
                    ),
                    ids,
                ),
            }
    finally:
        engine.dispose()


def declarations_with_prefix(url: str, prefix: str) -> list[str]:
    d = t.declarations
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(d.c.id).where(d.c.trader_reference.like(f"{prefix}-%"))
                ).scalars()
            )
    finally:
        engine.dispose()


# --- the test --------------------------------------------------------------------------------


def test_acknowledged_lodgings_survive_sigkill_and_retries_do_not_duplicate(
    store: Store, tmp_path: Path
) -> None:
    env = server_env(store.database_url)
    prefix = f"DUR{uuid.uuid4().hex[:10].upper()}"
    server = Server(store.data_dir, env, tmp_path / "server.log")
    t0 = time.monotonic()

    def say(message: str) -> None:
        print(f"[{store.name} +{time.monotonic() - t0:.1f}s] {message}")

    try:
        server.start()
        token = issue_token(store.data_dir, env)
        say(f"server up on port {server.port}, token issued")

        # Load, then SIGKILL mid-stream.
        clients = [Client(i) for i in range(CLIENTS)]
        acks = Acks(KILL_AFTER)
        deadline = time.monotonic() + LOAD_SECONDS
        threads = [
            threading.Thread(
                target=lodge_until_cut_off,
                daemon=True,
                args=(c, server.url, token, prefix, acks, deadline),
            )
            for c in clients
        ]
        for th in threads:
            th.start()
        acks.enough.wait(timeout=LOAD_SECONDS)
        server.kill()
        for th in threads:
            th.join(timeout=REQUEST_SECONDS + 10)
        assert not any(th.is_alive() for th in threads), "clients hung after the kill"
        unexpected = [u for c in clients for u in c.unexpected]
        assert not unexpected, unexpected[:5]

        attempts = [a for c in clients for a in c.attempts]
        acked = [a for a in attempts if a.outcome == ACKNOWLEDGED]
        unknown = [a for a in attempts if a.outcome == UNKNOWN]
        assert len(acked) >= KILL_AFTER, (len(acked), server.log_tail())
        assert unknown, "the kill came after every client had stopped: not mid-stream"
        say(f"killed: {len(acked)} acknowledged, {len(unknown)} of unknown outcome")

        # Restart on the same store.
        server.start()
        say(f"restarted on port {server.port}")

        # (a) every acknowledged declaration is there, whole.
        problems: list[str] = []
        with httpx.Client(base_url=server.url, timeout=REQUEST_SECONDS) as http:
            for a in acked:
                assert a.declaration_id is not None
                r = http.get(f"/api/v1/declarations/{a.declaration_id}", headers=headers(token))
                if r.status_code != 200:
                    problems.append(f"{a.declaration_id}: GET {r.status_code}")
                    continue
                body = r.json()
                if not (body["receipt"]["sha256"] == a.sha256 == hashlib.sha256(a.raw).hexdigest()):
                    problems.append(f"{a.declaration_id}: receipt {body['receipt']} != {a.sha256}")
                agencies = tuple(sorted(x["agency"] for x in body["agencies"]))
                if not agencies or agencies != a.agencies:
                    problems.append(f"{a.declaration_id}: agencies {agencies} != {a.agencies}")
        ids = [a.declaration_id for a in acked if a.declaration_id]
        counts = stored_counts(store.sqlalchemy_url, ids)
        for what in ("events", "outbox", "tasks"):
            missing = [i for i in ids if counts[what].get(i, 0) < 1]
            if missing:
                problems.append(
                    f"{len(missing)} acknowledged declarations have no {what}: {missing[:3]}"
                )
        assert not problems, problems[:10]
        say(f"all {len(acked)} acknowledged declarations found with tasks, events and outbox")

        # (b) retry everything with the same key and bytes.
        per_client: list[list[Retry]] = [[] for _ in clients]
        run_threads(
            [(retry_all, (c, server.url, token, per_client[c.index])) for c in clients],
            timeout=LOAD_SECONDS,
        )
        retries = [r for rs in per_client for r in rs]
        unexpected = [u for c in clients for u in c.unexpected]
        assert not unexpected, unexpected[:5]
        assert len(retries) == len(attempts)
        for r in retries:
            if r.attempt.outcome == ACKNOWLEDGED:
                assert r.status == 201, r
                assert r.declaration_id == r.attempt.declaration_id, r
                assert r.replayed, f"acknowledged {r.attempt.key} was not replayed"
        keys_with_201 = {a.key: a.declaration_id for a in acked}
        for r in retries:
            if r.attempt.outcome == UNKNOWN and r.status == 201:
                keys_with_201[r.attempt.key] = r.declaration_id
        replayed_unknown = sum(1 for r in retries if r.attempt.outcome == UNKNOWN and r.replayed)
        say(
            f"retried {len(retries)}: {replayed_unknown} of {len(unknown)} unknown-outcome "
            f"lodgings had been committed before the kill"
        )

        stored = declarations_with_prefix(store.sqlalchemy_url, prefix)
        assert len(stored) == len(set(stored)) == len(keys_with_201), (
            f"{len(stored)} declarations stored for {len(keys_with_201)} keys that got a 201"
        )
        assert set(stored) == set(keys_with_201.values())
    finally:
        server.stop()
