"""The in-process outbox dispatcher: at-least-once delivery to the audit trail and webhooks.

Two loops: the outbox loop wakes on every commit, the delivery loop when fan-out created
deliveries; both also every ``interval`` seconds, and both pause briefly after a busy round so
work is done in batches:

- the outbox loop appends pending events to the audit hash chain and fans them out into
  webhook deliveries, through the group-commit writer;
- the delivery loop sends due webhooks outside any transaction, so a slow receiver never holds
  up the audit trail.

Everything is safe to repeat: an outbox row is marked delivered in the same transaction as its
effect, and a delivery's outcome is recorded after the POST.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import httpx

from eport.kernel.clock import Clock

from . import audit_store, webhooks
from .access_log import AuditTrailHandler
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
        self._wakes = [threading.Event(), threading.Event()]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        self.access: AuditTrailHandler | None = None  # access decisions for the audit chain

    def notify(self) -> None:
        """A commit happened: there may be outbox rows to move."""
        self._wakes[0].set()

    def start(self) -> None:
        if self._threads:
            return
        for name, work, wake in [
            ("eport-outbox", self.move_outbox, self._wakes[0]),
            ("eport-webhooks", self.deliver_due, self._wakes[1]),
        ]:
            thread = threading.Thread(target=self._loop, args=(work, wake), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for wake in self._wakes:
            wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []
        if self.access is not None and self.access.pending:
            try:  # the last decisions onto the chain while the writer still runs
                self.move_outbox()
            except Exception:
                log.exception("could not put the last access decisions on the audit chain")
        self._client.close()

    def _loop(self, work: Callable[[], int], wake: threading.Event) -> None:
        # Under load a commit lands every few milliseconds; a short pause after each busy
        # round lets rows pile up, so the dispatcher works in batches instead of per commit.
        gap = min(0.05, self.interval)
        while not self._stop.is_set():
            wake.wait(self.interval)
            wake.clear()
            try:
                while work() and not self._stop.wait(gap):
                    pass
            except Exception:
                log.exception("dispatcher round failed; retrying")

    def move_outbox(self) -> int:
        """Append pending events to the audit chain and fan them out to webhook deliveries."""

        decisions = self.access.drain() if self.access is not None else []

        def _move(uow: SqlUnitOfWork) -> tuple[int, int]:
            audited = audit_store.append_pending(uow.conn, uow.now())
            audited += audit_store.append_access(uow.conn, decisions)
            handled, created = webhooks.fan_out(uow.conn, uow.now())
            return audited + handled, created

        try:
            moved, created = self.writer.run(_move)
        except Exception:
            if self.access is not None:
                self.access.put_back(decisions)
            raise
        if created:
            self._wakes[1].set()
        return int(moved)

    def deliver_due(self) -> int:
        """Send every due webhook delivery once and record the outcomes."""
        now = self.clock()
        attempts = self.writer.run(lambda uow: webhooks.due(uow.conn, now))
        if not attempts:
            return 0
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
        return len(attempts)

    def run_once(self) -> int:
        """One round of both loops (tests and tools drive it directly)."""
        return self.move_outbox() + self.deliver_due()
