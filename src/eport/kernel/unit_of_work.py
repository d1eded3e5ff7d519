"""The unit-of-work protocol every context's handlers run inside.

A unit of work is one database transaction. Handlers ``record`` events on it; the message bus
hands each recorded event to the in-transaction event handlers, and the adapter writes every
event with its outbox rows in the same commit as the change it describes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from eport.kernel.messages import Event


class UnitOfWork(Protocol):
    def now(self) -> datetime: ...

    def record(self, event: Event) -> None: ...

    def take_new_events(self) -> list[Event]: ...
