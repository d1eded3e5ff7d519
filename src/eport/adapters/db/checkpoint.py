"""WAL checkpoints for SQLite, off the writer's commit path.

The group-commit writer runs with ``wal_autocheckpoint=0``; this thread copies the WAL back into
the database file every ``interval`` seconds with a PASSIVE checkpoint, which never blocks the
writer or readers. sqlite3 releases the GIL while it works, so the copy overlaps with request
handling instead of stalling a commit. On stop, a last TRUNCATE checkpoint empties the WAL.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

import sqlalchemy as sa

log = logging.getLogger("eport.checkpoint")


class Checkpointer:
    def __init__(self, engine: sa.Engine, interval: float = 1.0) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="eport-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=30)
        self._thread = None
        self.checkpoint("TRUNCATE")

    def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int, int] | None:
        """Run one checkpoint; returns SQLite's (busy, wal pages, pages checkpointed)."""
        # A raw pooled connection: no BEGIN around it (a checkpoint inside a read transaction
        # could not pass that transaction's snapshot).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA wal_checkpoint({mode})")
            row = cursor.fetchone()
            cursor.close()
        except sqlite3.Error as exc:
            log.warning("checkpoint (%s) failed: %s", mode, exc)
            return None
        finally:
            raw.close()
        return (int(row[0]), int(row[1]), int(row[2])) if row else None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.checkpoint()
