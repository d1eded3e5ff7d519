"""Command and Event bases. Commands are imperatives, events are in the past tense."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Command:
    """Something a caller asks E-Port to do. ``actor`` is the user id acting."""

    actor: str


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened. Each is stored with its outbox rows in the same transaction."""

    name: ClassVar[str] = "event"
    declaration_id: str | None = None
    actor: str
    agency: str | None = None
    reason: str | None = None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("occurred_at")
        return body
