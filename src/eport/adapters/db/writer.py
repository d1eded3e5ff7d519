"""The group-commit writer: many requests, one transaction, one fsync.

Write jobs queue up; a writer thread takes every job waiting (up to ``batch_max``), runs them
in one transaction, commits once, and only then resolves each job's future. If any job fails,
the batch is rolled back and run again with a SAVEPOINT per job, so a failing job fails alone
(ADR 0004). A failed commit fails every job in the batch, and none of them was acknowledged.
SQLite gets one writer thread (it has one writer anyway); PostgreSQL several, each with its
own connection.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import sqlalchemy as sa

from eport.declarations.bills import CargoRules
from eport.kernel.clock import Clock
from eport.kernel.errors import EPortError, Unavailable
from eport.pki.ports import CertificateAuthority

from .catalogue_cache import CatalogueCache
from .risk import RiskEngine
from .tariff import TariffEngine
from .uow import SqlUnitOfWork

log = logging.getLogger("eport.writer")

Job = Callable[[SqlUnitOfWork], Any]
_STOP = object()


class GroupCommitWriter:
    def __init__(
        self,
        engine: sa.Engine,
        clock: Clock,
        catalogue: CatalogueCache,
        *,
        threads: int = 1,
        batch_max: int = 256,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.engine, self.clock, self.catalogue = engine, clock, catalogue
        self.ca: CertificateAuthority | None = None  # set by bootstrap when a CA is present
        self.cargo_rules = CargoRules()  # set by bootstrap from the settings
        self.risk: RiskEngine | None = None  # set by bootstrap: selectivity on the lodge path
        self.tariff: TariffEngine | None = None  # set by bootstrap: assessment on the lodge path
        self.licences_enforced = True
        self.batch_max = batch_max
        self.on_commit = on_commit
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._run, name=f"eport-writer-{i}", daemon=True)
            for i in range(threads)
        ]
        self._started = False

    def _uow(self, conn: sa.Connection) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            conn,
            self.clock,
            self.catalogue,
            self.ca,
            self.cargo_rules,
            self.risk,
            self.tariff,
            self.licences_enforced,
        )

    @property
    def running(self) -> bool:
        """Whether a writer thread is taking jobs (the service status page shows it)."""
        return any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        if not self._started:
            self._started = True
            for thread in self._threads:
                thread.start()

    def stop(self) -> None:
        if not self._started:
            return
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=10)
        self._started = False

    def submit(self, job: Job) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put((job, future))
        return future

    def run(self, job: Job) -> Any:
        """Run a job and wait for its commit (for the CLI and tests)."""
        if not self._started:
            return self.run_inline(job)
        return self.submit(job).result()

    def run_inline(self, job: Job) -> Any:
        with self.engine.connect() as conn, conn.begin():
            uow = self._uow(conn)
            result = job(uow)
            uow.flush_events()
        if self.on_commit:
            self.on_commit()
        return result

    def _take_batch(self) -> list[Any] | None:
        first = self._queue.get()
        if first is _STOP:
            return None
        batch = [first]
        while len(batch) < self.batch_max:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                self._queue.put(_STOP)
                break
            batch.append(item)
        return batch

    def _run(self) -> None:
        conn = self.engine.connect()
        try:
            while (batch := self._take_batch()) is not None:
                conn = self._commit_batch(conn, batch)
        finally:
            conn.close()

    def _run_job(self, conn: sa.Connection, job: Job) -> Any:
        """Run one job in its own SAVEPOINT.

        A unique-key clash means a concurrent writer (PostgreSQL) committed the same thing first,
        e.g. the same Idempotency-Key: the job runs once more and now sees that row.
        """
        for attempt in (1, 2):
            savepoint = conn.begin_nested()
            try:
                uow = self._uow(conn)
                result = job(uow)
                uow.flush_events()
                savepoint.commit()
                return result
            except sa.exc.IntegrityError:
                savepoint.rollback()
                if attempt == 2:
                    raise
            except BaseException:
                savepoint.rollback()
                raise
        raise AssertionError("unreachable")

    def _commit_batch(self, conn: sa.Connection, batch: list[Any]) -> sa.Connection:
        """Commit a batch: optimistically without savepoints; if any job fails, roll the
        whole batch back and run it again with a savepoint per job, so one bad job fails alone.
        """
        live = [(job, future) for job, future in batch if future.set_running_or_notify_cancel()]
        if not live:
            return conn
        try:
            results = self._fast(conn, live)
        except Exception as exc:  # noqa: BLE001 - any failure sends the batch down the safe path
            if not isinstance(exc, EPortError | sa.exc.IntegrityError):
                log.warning("write batch failed (%s); retrying job by job", exc)
            return self._safe(conn, live)
        for (_, future), result in zip(live, results, strict=True):
            future.set_result(result)
        if self.on_commit:
            self.on_commit()
        return conn

    def _fast(self, conn: sa.Connection, live: list[Any]) -> list[Any]:
        results = []
        with conn.begin():
            for job, _ in live:
                uow = self._uow(conn)
                results.append(job(uow))
                uow.flush_events()
        return results

    def _safe(self, conn: sa.Connection, live: list[Any]) -> sa.Connection:
        done: list[tuple[Future[Any], Any]] = []
        try:
            with conn.begin():
                for job, future in live:
                    try:
                        done.append((future, self._run_job(conn, job)))
                    except EPortError as exc:
                        future.set_exception(exc)
                    except Exception as exc:
                        log.exception("write job failed")
                        future.set_exception(exc)
        except Exception as exc:
            log.exception("group commit failed; %d jobs not acknowledged", len(done))
            for future, _ in done:
                future.set_exception(
                    Unavailable("The store could not commit; retry.", cause=str(exc))
                )
            conn.close()
            return self.engine.connect()
        for future, result in done:
            future.set_result(result)
        if self.on_commit:
            self.on_commit()
        return conn
