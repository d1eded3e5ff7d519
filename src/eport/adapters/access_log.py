"""The access log: every access decision (allow and deny) as one JSON line.

Records come from the ``eport.access`` logger (see ``identity.policy``); a queue moves the file
writes off the request path.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import queue
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

FIELDS = ("who", "action", "target", "rule", "allowed")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {"at": datetime.fromtimestamp(record.created, UTC).isoformat()}
        entry.update({f: getattr(record, f, None) for f in FIELDS})
        return json.dumps(entry, ensure_ascii=False)


def configure(path: Path) -> logging.handlers.QueueListener:
    """Send ``eport.access`` records to ``path``; returns the listener (stop it at shutdown)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = logging.handlers.WatchedFileHandler(path, encoding="utf-8")
    target.setFormatter(JsonLineFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(records, target)
    logger = logging.getLogger("eport.access")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(logging.handlers.QueueHandler(records))
    listener.start()
    return listener


class AuditTrailHandler(logging.Handler):
    """Buffers access decisions for the hash-chained audit trail.

    The dispatcher's outbox loop drains the buffer and appends the decisions to the chain in
    batches (``audit_store.append_access``), so a request never waits for it. Decisions still
    in the buffer when the process dies are lost from the chain (the access log file keeps
    them); ``pending`` reports how many wait.
    """

    def __init__(self, limit: int = 100_000) -> None:
        super().__init__(level=logging.INFO)
        self._buffer: deque[dict[str, object]] = deque(maxlen=limit)

    def emit(self, record: logging.LogRecord) -> None:
        entry: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z")
        }
        entry.update({f: getattr(record, f, None) for f in FIELDS})
        self._buffer.append(entry)

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def drain(self, limit: int = 5000) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        while self._buffer and len(out) < limit:
            out.append(self._buffer.popleft())
        return out

    def put_back(self, records: list[dict[str, object]]) -> None:
        self._buffer.extendleft(reversed(records))
