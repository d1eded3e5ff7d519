"""The access log: every access decision (allow and deny) as one JSON line.

Records come from the ``eport.access`` logger (see ``identity.policy``); a queue moves the file
writes off the request path.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import queue
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
