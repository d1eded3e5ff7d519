"""The in-process outbox dispatcher: at-least-once delivery to the audit trail and webhooks.

It wakes on every commit (and every ``interval`` seconds), moves pending outbox rows through
the group-commit writer, and sends due webhooks outside any transaction. Everything it does is
safe to repeat: an outbox row is marked delivered in the same transaction as its effect.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import httpx

from eport.kernel.clock import Clock

from . import audit_store, webhooks
from .db.uow import SqlUnitOfWork
from .db.writer import GroupCommitWriter

log = logging.getLogger("eport.dispatcher")


class Dispatcher:
    def __init__(
        self,
        writer: GroupCommitWriter,
        clock: Clock,
        *,
        interval: float,
        max_attempts: int,
        backoff_base: timedelta,
        timeout: float,
    ) -> None:
        self.writer, self.clock, self.interval = writer, clock, interval
        self.max_attempts, self.backoff_base = max_attempts, backoff_base
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def notify(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="eport-dispatcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while self.run_once() and not self._stop.is_set():
                    pass
            except Exception:
                log.exception("dispatcher round failed; retrying")

    def run_once(self) -> int:
        """One round: audit, fan-out, due webhook deliveries. Returns how much work it did."""
        moved: int = self.writer.run(
            lambda uow: (
                audit_store.append_pending(uow.conn, uow.now())
                + webhooks.fan_out(uow.conn, uow.now())
            )
        )
        now = self.clock()
        attempts = self.writer.run(lambda uow: webhooks.due(uow.conn, now))
        if attempts:
            results = [webhooks.send(self._client, a, self.clock()) for a in attempts]
            counts = {a.delivery_id: a.attempts for a in attempts}

            def _record(uow: SqlUnitOfWork) -> None:
                webhooks.record(
                    uow.conn,
                    results,
                    counts,
                    uow.now(),
                    max_attempts=self.max_attempts,
                    base=self.backoff_base,
                )

            self.writer.run(_record)
        return moved + len(attempts)
