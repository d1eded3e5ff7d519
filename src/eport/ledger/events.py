"""Events of the ledger context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class EntryAppended(Event):
    name: ClassVar[str] = "ledger.entry_appended"
