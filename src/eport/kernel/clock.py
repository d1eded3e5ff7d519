"""Time: always aware UTC datetimes. A Clock is a callable, so tests can pass their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """RFC 3339 with a ``Z`` and microseconds, the one format E-Port prints times in."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
